/*
 * 64-bit hashing. XXH3 from the system libxxhash: it is among the fastest
 * well-tested 64-bit hashes and passes SMHasher, so there is nothing to gain
 * from writing our own.
 */
#include "kindred/rt.h"

#include <xxhash.h>

uint64_t rt_hash64(const void *p, size_t n, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(p, n, (XXH64_hash_t)seed);
}

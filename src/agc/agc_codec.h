/*
 * agc_codec: the small primitive codes of the AGC format, shared by the
 * reader and the writer. Every function is pure (no allocation, no state)
 * and thread-safe. Decoders take untrusted bytes and return RT_EFORMAT on
 * anything malformed; encoders trust their input.
 *
 * Container ("archive") varint, used in the footer and for part metadata:
 *
 *   +-----+--------------------+
 *   |  n  | n bytes, big-endian|     n = significant bytes of x (0..8)
 *   +-----+--------------------+     0 -> 00 ; 31 -> 01 1F ; 60031 -> 02 EA 7F
 *
 * Collection varint (inside the decompressed collection streams), a prefix
 * code for u32 values, payload big-endian after the prefix bits:
 *
 *   0xxxxxxx                       v            v < 128
 *   10xxxxxx x8                    v - 128      v < 16512
 *   110xxxxx x8 x8                 v - 16512    v < 2113664
 *   1110xxxx x8 x8 x8              v - 2113664  v < 270549120
 *   11110000 x8 x8 x8 x8           v - 270549120
 *
 * Group stream names: 'x' + base-64 digits of the group id, least
 * significant digit first, alphabet 0-9 A-Z a-z _ #, then 'r' (reference)
 * or 'd' (deltas / raw entries): group 16 -> "xGr", group 64 -> "x01d".
 *
 * Tuple packing of small-alphabet segments (reference parts): NB symbols per
 * byte in base B, first symbol most significant; a remainder byte always
 * follows (it packs n mod NB symbols the same way, 0 if none), then a marker:
 *
 *   [t0][t1]...[t(q-1)][rem][marker = NB<<4 | n mod NB]
 *   max < 4: NB 4, B 4;  max < 6: NB 3, B 6;  max < 16: NB 2, B 16;
 *   otherwise NB 1: the raw bytes then 0x10 (no remainder byte).
 */
#ifndef KINDRED_AGC_CODEC_H
#define KINDRED_AGC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define AGC_AVAR_MAX 9          /* longest container varint */
#define AGC_CVAR_MAX 5          /* longest collection varint */
#define AGC_SNAME_MAX 16        /* "x" + 11 digits + suffix + NUL, rounded up */
#define AGC_CODE_SKIP 0xFF      /* agc_char2code value of bytes the reader drops */
#define AGC_CODE_BAD 30         /* letters outside IUPAC, and bytes >= 128 */
#define AGC_CODE_AT 32          /* '@' and '`' */
#define AGC_PACK_SEP 0xFF       /* separates and terminates entries of a pack */

/* Container varint. put writes at most AGC_AVAR_MAX bytes, returns the count.
 * get reads at *pos (advanced on success); RT_EFORMAT when truncated or n > 8. */
size_t agc_avar_put(uint8_t *dst, uint64_t x);
int agc_avar_get(const uint8_t *p, size_t len, size_t *pos, uint64_t *out);

/* Collection varint, same contract (AGC_CVAR_MAX bytes). get also rejects a
 * 5-byte form whose prefix byte is not exactly 0xF0 or whose value overflows. */
size_t agc_cvar_put(uint8_t *dst, uint32_t x);
int agc_cvar_get(const uint8_t *p, size_t len, size_t *pos, uint32_t *out);

/* zz2: zigzag of x around a prediction p (collection columns):
 *   x < p -> 2(p-x)-1 ; p <= x < 2p -> 2(x-p) ; else x.   dec inverts enc.
 * Arithmetic is on u64 so u32 inputs never overflow. */
uint64_t agc_zz2_enc(uint64_t x, uint64_t p);
uint64_t agc_zz2_dec(uint64_t v, uint64_t p);

/* Base-64 number, least significant digit first, no NUL; returns digits
 * written (1..11), dst needs 11 bytes. */
size_t agc_b64_put(char *dst, uint64_t n);
/* Parse exactly len digits; RT_EFORMAT on a bad digit, empty or overflow. */
int agc_b64_get(const char *s, size_t len, uint64_t *out);
/* "x<b64(group)><kind>" NUL-terminated into dst[AGC_SNAME_MAX]; kind 'r' or 'd'. */
void agc_group_sname(char *dst, uint32_t group, char kind);

/* Tuple packing. Bytes needed for n symbols: at most n + 2. pack writes into
 * dst (cap bytes) and sets *out_len; RT_ERANGE when cap is too small. */
size_t agc_tuples_bound(size_t n);
int agc_tuples_pack(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *out_len);
/* How many of the eight bytes of x are zero: a byte's top bit is set when
 * any of its bits is (no carry leaves a byte), then the clear ones are
 * summed into the top byte by a multiply. For byte-wise counts eight
 * symbols a step. */
static inline unsigned agc_zero_bytes8(uint64_t x)
{
    const uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL;
    uint64_t z = ~(((x & lo7) + lo7) | x) & ~lo7;
    return (unsigned)(((z >> 7) * 0x0101010101010101ULL) >> 56);
}

/* 1 when a reference segment is periodic enough to go out as plain zstd
 * rather than tuples: for some shift i in 4..31, the symbols equal to the
 * one i further on are at least half the ACGT symbols among the first n-i
 * (format spec 4.2). */
int agc_periodic(const uint8_t *s, size_t n);
/* Number of symbols a packed buffer expands to; RT_EFORMAT on a bad marker. */
int agc_tuples_count(const uint8_t *t, size_t tlen, size_t *n);
/* Expand into dst (cap >= agc_tuples_count); RT_EFORMAT on a digit out of
 * range or a bad marker, RT_ERANGE when cap is too small. */
int agc_tuples_unpack(const uint8_t *t, size_t tlen, uint8_t *dst, size_t cap, size_t *out_len);

/* Nucleotide codes. code -> letter: 0..15 "ACGTNRYSWKMBDHVU", every other
 * code ' ' (how the reference prints codes 30 and 32). letter -> code:
 * bytes < 64 give AGC_CODE_SKIP, letters are case-insensitive. */
extern const char agc_code2char[256];
extern const uint8_t agc_char2code[256];

/* Codes to letters in place (agc_code2char), eight at a time when they are
 * all below 4, as most are. */
void agc_codes_to_letters(uint8_t *s, size_t n);

/* The same from src into dst (no overlap); with rc, the letters of the
 * reverse complement of src. */
void agc_codes_to_letters_copy(uint8_t *dst, const uint8_t *src, size_t n, int rc);

/* Reverse complement in place: reverse, and map codes c < 4 to 3 - c; other
 * codes move but are not complemented (self-inverse). */
void agc_revcomp(uint8_t *s, size_t n);
/* The same from src into dst (no overlap). */
void agc_revcomp_copy(uint8_t *dst, const uint8_t *src, size_t n);

#endif /* KINDRED_AGC_CODEC_H */

/*
 * Internal interfaces of the mork engine: fast decoding of validated bytes,
 * term references and the unifier shared by queries and transforms.
 */
#ifndef KINDRED_MORK_INT_H
#define KINDRED_MORK_INT_H

#include "kindred/mork.h"
#include "kindred/pathmap.h"

#include <stdint.h>

struct mork_space {
    pm_trie *trie; /* keys: expression bytes; values unused (0) */
};

/* Offset of the next byte of text[i..len) that is neither whitespace nor
 * inside a comment (len if none). */
size_t mork_skip_blank(const char *text, size_t len, size_t i);

/* Append "$a".."$z", "$v26".. for variable i. */
int mork_print_var(rt_buf *out, uint32_t i);

/* ------------------------------------------------------------------ */
/* Decoding bytes that were validated before (no bounds checks).       */
/* ------------------------------------------------------------------ */

static inline uint32_t mk_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode the node at p; `base` = NewVars before it (numbers a NewVar). */
static inline void mk_dec(const uint8_t *p, uint32_t base, mork_node *nd)
{
    uint8_t t = p[0];
    nd->sym = NULL;
    nd->hdr = 1;
    if (t <= MORK_ARITY_MAX) {
        nd->kind = MORK_EXPR;
        nd->n = t;
    } else if (t > MORK_TAG_NEWVAR) {
        nd->kind = MORK_SYMBOL;
        nd->n = t - MORK_TAG_SYMBOL;
        nd->sym = p + 1;
        nd->hdr = 1 + nd->n;
    } else if (t == MORK_TAG_NEWVAR) {
        nd->kind = MORK_NEWVAR;
        nd->n = base;
    } else if (t >= MORK_TAG_VARREF) {
        nd->kind = MORK_VARREF;
        nd->n = t - MORK_TAG_VARREF;
    } else {
        nd->n = mk_rd32(p + 1);
        nd->hdr = 5;
        if (t == MORK_TAG_ARITY_X) {
            nd->kind = MORK_EXPR;
        } else if (t == MORK_TAG_VARREF_X) {
            nd->kind = MORK_VARREF;
        } else {
            nd->kind = MORK_SYMBOL;
            nd->sym = p + 5;
            nd->hdr = 5 + (size_t)nd->n;
        }
    }
}

/* Offset just past the expression at b+off; *nv += its NewVars. */
size_t mk_skip(const uint8_t *b, size_t off, uint32_t *nv);

/* ------------------------------------------------------------------ */
/* Terms and the unifier                                               */
/* ------------------------------------------------------------------ */
/*
 * A term is a sub-expression of some validated buffer. Its variables are
 * numbered across the whole buffer, so a term carries `base`, the NewVars
 * before it, and `ns`, the namespace its variables belong to (0 = the
 * pattern, k = the expression matched by conjunct k).
 *
 *   buffer:  03 C1 f  C0  03 C1 g  80 C0       (f $x (g $x $y))
 *                         ^ term off=4, base=1: $x is var 0, $y var 1
 */
typedef struct mk_term {
    const uint8_t *b;
    size_t off;
    uint32_t base;
    uint32_t ns;
} mk_term;

/* A run of sibling nodes still to visit: `owe` complete expressions from
 * b+off onwards. Children follow their parent's header, so visiting an
 * expression just adds its arity to `owe`. */
typedef struct mk_frame {
    const uint8_t *b;
    size_t off;
    uint64_t owe;
    uint32_t base;
    uint32_t ns;
} mk_frame;

typedef RT_VEC(mk_frame) mk_stream;

typedef struct mk_ns {
    mk_term *val;
    uint8_t *bound;
    uint32_t *seen; /* occurs check: stamp of the last visit of a value */
    size_t cap;
} mk_ns;

typedef struct mk_unifier {
    mk_ns *ns;
    size_t nns;
    RT_VEC(uint64_t) trail; /* ns << 32 | index, in binding order */
    mk_stream sa, sb, so;   /* unify sides, occurs check / instantiate */
    RT_VEC(uint64_t) vmap;  /* instantiate: unbound vars seen, in order */
    rt_hmap vidx;           /* instantiate: the same, indexed when many */
    uint32_t stamp;         /* occurs check: current visit stamp */
} mk_unifier;

void mk_unifier_init(mk_unifier *u);
void mk_unifier_free(mk_unifier *u);
/* Make namespace ns able to hold nvars variables, all unbound. */
int mk_ns_reserve(mk_unifier *u, uint32_t ns, size_t nvars);

/*
 * Resolve t through bindings. Returns 1 and sets *ns and *idx when the result
 * is an unbound variable; 0 when it is a symbol or expression (*t updated).
 */
int mk_deref(const mk_unifier *u, mk_term *t, uint32_t *ns, uint32_t *idx);

/* Unify a with b, extending the bindings (recorded on the trail).
 * *ok = 0 on mismatch; the caller undoes with mk_undo(u, mark). */
int mk_unify(mk_unifier *u, mk_term a, mk_term b, int *ok);
void mk_undo(mk_unifier *u, size_t mark);

/* Append t with every bound variable replaced; unbound variables are
 * renumbered from 0 in order of appearance within this one output. */
int mk_instantiate(mk_unifier *u, mk_term t, rt_buf *out);
/* The same for a variable given by namespace and index. */
int mk_instantiate_var(mk_unifier *u, uint32_t ns, uint32_t idx, rt_buf *out);

#endif /* KINDRED_MORK_INT_H */

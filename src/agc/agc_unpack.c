/* agc_unpack: segment reconstruction and its cache (layout in agc_unpack.h). */
#include "agc/agc_unpack.h"

#include <stdio.h>
#include <string.h>

#include <zstd.h>

#include "agc/agc_cache.h"
#include "agc/agc_codec.h"
#include "agc/agc_lzdiff.h"
#include "kindred/rt.h"

enum { KIND_REF = 0, KIND_PACK = 1, NO_RAW_GROUPS = 16, NSEGC = 64 };

/* Decoded LZ segments, up to NSEGC recently used, keyed by (group,
 * in_group): repeated range queries on one region skip LZ decoding. The
 * table grows only while lookups hit at least a third of the time; else a
 * miss reuses the least recently used buffer, so a full extraction
 * streaming through (never a hit) works in two buffers instead of touching
 * fresh memory for every segment: page faults on fresh buffers cost about
 * as much as the decoding itself. */
typedef struct segslot {
    uint64_t key;
    uint64_t tick;
    uint8_t *buf;
    size_t len, cap;
    int valid;
} segslot;

struct agc_unpack {
    const agc_archive *ar;
    agc_params prm;
    ZSTD_DCtx *dctx;
    agc_cache *cache;        /* shared, or own_cache */
    int own_cache;
    const agc_centry *pins[2];   /* entries the last returned segment may point into */
    uint64_t hits, misses;
    uint8_t *rcb, *tmp;
    size_t rc_cap, tmp_cap;
    segslot segc[NSEGC];
    uint64_t segtick, seg_hits, seg_misses;
};

int agc_unpack_create(agc_unpack **out, const agc_archive *ar, const agc_params *p,
                      agc_cache *shared, size_t cache_bytes)
{
    *out = NULL;
    agc_unpack *u = rt_calloc(1, sizeof *u);
    if (!u)
        return RT_ENOMEM;
    u->ar = ar;
    u->prm = *p;
    u->cache = shared;
    int st = RT_OK;
    if (!shared) {
        st = agc_cache_create(&u->cache, cache_bytes ? cache_bytes : (size_t)64 << 20);
        u->own_cache = 1;
    }
    u->dctx = ZSTD_createDCtx();
    if (st || !u->dctx) {
        agc_unpack_free(u);
        return st ? st : RT_ENOMEM;
    }
    *out = u;
    return RT_OK;
}

static void unpin_all(agc_unpack *u)
{
    for (int i = 0; i < 2; i++) {
        agc_cache_unpin(u->cache, u->pins[i]);
        u->pins[i] = NULL;
    }
}

void agc_unpack_free(agc_unpack *u)
{
    if (!u)
        return;
    if (u->cache)
        unpin_all(u);
    if (u->own_cache)
        agc_cache_free(u->cache);
    ZSTD_freeDCtx(u->dctx);
    for (int i = 0; i < NSEGC; i++)
        rt_free(u->segc[i].buf);
    rt_free(u->rcb);
    rt_free(u->tmp);
    rt_free(u);
}

void agc_unpack_stats(const agc_unpack *u, uint64_t *hits, uint64_t *misses)
{
    *hits = u->hits;
    *misses = u->misses;
}

/* Decode one stored part into an owned buffer. For references (is_ref) a
 * marker 1 means tuple packing. */
static int load_part(agc_unpack *u, uint32_t group, char kind, uint64_t part, int is_ref,
                     uint8_t **data, size_t *len)
{
    char name[32];
    if (u->prm.version < 3000)   /* formats 1.x and 2.x */
        snprintf(name, sizeof name, "seg-%u-%s", group, kind == 'r' ? "ref" : "delta");
    else
        agc_group_sname(name, group, kind);
    long s = agc_ar_find(u->ar, name);
    if (s < 0)
        return RT_EFORMAT;
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    int st = agc_ar_part(u->ar, s, part, &p, &n, &meta);
    if (st)
        return st == RT_ERANGE ? RT_EFORMAT : st;
    uint8_t *buf = NULL;
    if (meta == 0) {
        buf = rt_malloc(n ? n : 1);
        if (!buf)
            return RT_ENOMEM;
        if (n)
            memcpy(buf, p, n);
        *data = buf;
        *len = n;
        return RT_OK;
    }
    if (n < 2 || meta > agc_zbound(n) || meta > SIZE_MAX / 4)
        return RT_EFORMAT;
    uint8_t marker = p[n - 1];
    if (marker == 0) {
        if (agc_zprecheck(p, n - 1, meta))
            return RT_EFORMAT;
        buf = rt_malloc((size_t)meta);
        if (!buf)
            return RT_ENOMEM;
        st = agc_zdec(u->dctx, p, n - 1, buf, (size_t)meta);
        if (st) {
            rt_free(buf);
            return st;
        }
        *data = buf;
        *len = (size_t)meta;
        return RT_OK;
    }
    if (marker != 1 || !is_ref)
        return RT_EFORMAT;
    /* Tuples: at most meta + 1 bytes (raw bytes plus their 0x10 marker). */
    unsigned long long fcs = ZSTD_getFrameContentSize(p, n - 1);
    if (fcs == ZSTD_CONTENTSIZE_ERROR || fcs == ZSTD_CONTENTSIZE_UNKNOWN || fcs > meta + 2)
        return RT_EFORMAT;
    st = agc_buf_grow(&u->tmp, &u->tmp_cap, (size_t)fcs);
    if (st)
        return st;
    st = agc_zdec(u->dctx, p, n - 1, u->tmp, (size_t)fcs);
    if (st)
        return st;
    size_t cnt;
    st = agc_tuples_count(u->tmp, (size_t)fcs, &cnt);
    if (st || cnt != meta)
        return RT_EFORMAT;
    buf = rt_malloc(cnt ? cnt : 1);
    if (!buf)
        return RT_ENOMEM;
    st = agc_tuples_unpack(u->tmp, (size_t)fcs, buf, cnt, &cnt);
    if (st) {
        rt_free(buf);
        return RT_EFORMAT;
    }
    *data = buf;
    *len = cnt;
    return RT_OK;
}

/* Offsets of the separators of a pack (owned, rt_free). */
static int index_pack(const uint8_t *data, size_t len, uint32_t **ends, uint32_t *nent)
{
    if (len > UINT32_MAX)
        return RT_EFORMAT;
    /* Entries are long (a delta or a raw segment): memchr skips them at
     * vector speed. */
    uint32_t n = 0;
    for (const uint8_t *p = data, *end = data + len;
         (p = memchr(p, AGC_PACK_SEP, (size_t)(end - p))) != NULL; p++)
        n++;
    uint32_t *e = rt_malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return RT_ENOMEM;
    uint32_t j = 0;
    for (const uint8_t *p = data, *end = data + len;
         (p = memchr(p, AGC_PACK_SEP, (size_t)(end - p))) != NULL; p++)
        e[j++] = (uint32_t)(p - data);
    *ends = e;
    *nent = n;
    return RT_OK;
}

/* The decoded part, pinned into u->pins[pin] (valid until unpin_all). */
static int get_entry(agc_unpack *u, uint32_t group, int kind, uint64_t part, int pin,
                     const agc_centry **out)
{
    if (part >= (1u << 30))
        return RT_EFORMAT;
    uint64_t key = (uint64_t)group << 32 | part << 2 | (uint64_t)kind;
    /* Claimed on a miss, so that threads extracting neighbouring records
     * wait for one decode of a shared part instead of each decoding it. */
    const agc_centry *e;
    int mine;
    int st = agc_cache_acquire(u->cache, key, &e, &mine);
    if (st)
        return st;
    if (!mine) {
        u->hits++;
    } else {
        u->misses++;
        uint8_t *data = NULL;
        size_t len = 0;
        uint32_t *ends = NULL, nent = 0;
        st = load_part(u, group, kind == KIND_REF ? 'r' : 'd', part, kind == KIND_REF, &data, &len);
        if (!st && kind == KIND_PACK && (st = index_pack(data, len, &ends, &nent)))
            rt_free(data);
        if (st) {
            agc_cache_abandon(u->cache, e);
            return st;
        }
        agc_cache_fill(u->cache, e, data, len, ends, nent);
    }
    agc_cache_unpin(u->cache, u->pins[pin]);
    u->pins[pin] = e;
    *out = e;
    return RT_OK;
}

static int pack_item(const agc_centry *e, uint64_t j, const uint8_t **p, size_t *n)
{
    if (j >= e->nent)
        return RT_EFORMAT;
    size_t start = j ? (size_t)e->ends[j - 1] + 1 : 0;
    *p = e->data + start;
    *n = e->ends[j] - start;
    return RT_OK;
}

/* LZ-decode segment sg (in_group >= 1) of the group whose reference entry
 * is r into slot ss. */
static int decode_delta(agc_unpack *u, const agc_seg *sg, const agc_centry *r, segslot *ss)
{
    uint32_t pack = u->prm.pack;
    const uint8_t *ref = r->data;
    size_t rlen = r->len;
    const agc_centry *e;
    int st = get_entry(u, sg->group, KIND_PACK, (sg->in_group - 1u) / pack, 1, &e);
    if (st)
        return st;
    const uint8_t *d;
    size_t dn, flen;
    st = pack_item(e, (sg->in_group - 1u) % pack, &d, &dn);
    if (st)
        return st;
    int ver = u->prm.version < 2000 ? 1 : 2;
    /* An untrusted raw_len never sizes a large buffer: up to 4 MiB (far
     * above usual segments) it is the decoder's output limit; beyond, the
     * delta is measured first (the decoder's output-free mode). */
    flen = sg->raw_len;
    if (flen > (size_t)4 << 20) {
        st = agc_lzd_decode(ref, rlen, d, dn, u->prm.mml, ver, NULL, 0, &flen);
        if (st)
            return st;
        if (flen != sg->raw_len)
            return RT_EFORMAT;
    }
    ss->valid = 0;
    st = agc_buf_grow(&ss->buf, &ss->cap, flen);
    if (st)
        return st;
    st = agc_lzd_decode(ref, rlen, d, dn, u->prm.mml, ver, ss->buf, flen, &flen);
    if (st)
        return st;
    if (flen != sg->raw_len)
        return RT_EFORMAT;
    ss->len = flen;
    ss->key = (uint64_t)sg->group << 32 | sg->in_group;
    ss->valid = 1;
    return RT_OK;
}

/* Codes of a segment as stored (before any reverse complement). */
static int segment_fwd(agc_unpack *u, const agc_seg *sg, const uint8_t **seq, size_t *len)
{
    const uint8_t *fwd;
    size_t flen;
    int st;
    uint32_t pack = u->prm.pack;
    unpin_all(u);
    if (sg->group < NO_RAW_GROUPS) {
        const agc_centry *e;
        st = get_entry(u, sg->group, KIND_PACK, sg->in_group / pack, 0, &e);
        if (st)
            return st;
        st = pack_item(e, sg->in_group % pack, &fwd, &flen);
        if (st)
            return st;
    } else if (sg->in_group == 0) {
        const agc_centry *r;
        st = get_entry(u, sg->group, KIND_REF, 0, 0, &r);
        if (st)
            return st;
        fwd = r->data;
        flen = r->len;
    } else {
        uint64_t skey = (uint64_t)sg->group << 32 | sg->in_group;
        segslot *ss = NULL, *lru = NULL, *empty = NULL;
        for (int i = 0; i < NSEGC; i++) {
            segslot *x = &u->segc[i];
            if (x->valid && x->key == skey) {
                ss = x;
                break;
            }
            if (!x->buf) {
                if (!empty)
                    empty = x;
            } else if (!lru || x->tick < lru->tick) {
                lru = x;
            }
        }
        if (!ss) {
            int grow_ok = u->seg_hits * 2 >= u->seg_misses;
            ss = empty && (grow_ok || !lru || u->seg_misses < 2) ? empty : lru;
            u->seg_misses++;
            const agc_centry *r;
            st = get_entry(u, sg->group, KIND_REF, 0, 0, &r);
            if (!st)
                st = decode_delta(u, sg, r, ss);
            if (st)
                return st;
        } else {
            u->hits++;
            u->seg_hits++;
        }
        ss->tick = ++u->segtick;
        fwd = ss->buf;
        flen = ss->len;
    }
    if (flen != sg->raw_len)
        return RT_EFORMAT;
    *seq = fwd;
    *len = flen;
    return RT_OK;
}

int agc_unpack_segment(agc_unpack *u, const agc_seg *sg, const uint8_t **seq, size_t *len)
{
    const uint8_t *fwd;
    size_t flen;
    int st = segment_fwd(u, sg, &fwd, &flen);
    if (st)
        return st;
    if (sg->rc) {
        st = agc_buf_grow(&u->rcb, &u->rc_cap, flen);
        if (st)
            return st;
        agc_revcomp_copy(u->rcb, fwd, flen);
        fwd = u->rcb;
    }
    *seq = fwd;
    *len = flen;
    return RT_OK;
}

/* Walk over the segments of a contig that hold part of [from, to): each
 * call gives the next such segment and the part [a, b) of its stored
 * symbols (k-base overlap included in the offsets) that is wanted. */
typedef struct piece_walk {
    uint32_t s;
    uint64_t pos; /* contig position of segment s's first new symbol */
} piece_walk;

static int next_piece(const agc_ctg *c, uint64_t k, uint64_t from, uint64_t to, piece_walk *w,
                      const agc_seg **sgp, uint64_t *a, uint64_t *b)
{
    for (; w->s < c->nseg && w->pos < to; w->s++) {
        const agc_seg *sg = &c->segs[w->s];
        uint64_t skip = w->s ? k : 0, clen = sg->raw_len - skip, pos = w->pos;
        w->pos += clen;
        if (pos + clen > from && clen) {
            *sgp = sg;
            *a = skip + (from > pos ? from - pos : 0);
            *b = skip + (to < pos + clen ? to - pos : clen);
            w->s++;
            return 1;
        }
    }
    return 0;
}

int agc_unpack_range(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to, uint8_t *out)
{
    if (from > to || to > c->len)
        return RT_ERANGE;
    uint8_t *o = out;
    piece_walk w = {0, 0};
    const agc_seg *sg;
    uint64_t a, b;
    while (next_piece(c, u->prm.k, from, to, &w, &sg, &a, &b)) {
        const uint8_t *seq;
        size_t n;
        int st = agc_unpack_segment(u, sg, &seq, &n);
        if (st)
            return st;
        memcpy(o, seq + a, (size_t)(b - a));
        o += b - a;
    }
    return (uint64_t)(o - out) == to - from ? RT_OK : RT_EFORMAT;
}

/* Letters of output positions [k, k + m) of a piece into o: from src
 * directly, or for a reverse-complemented piece of n codes from the mirrored
 * source range. */
static void put_letters(uint8_t *o, const uint8_t *src, size_t n, size_t k, size_t m, int rc)
{
    if (rc)
        agc_codes_to_letters_copy(o, src + (n - k - m), m, 1);
    else
        agc_codes_to_letters_copy(o, src + k, m, 0);
}

int agc_unpack_range_lines(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to,
                           uint64_t line, uint64_t *colp, uint8_t *out, size_t *out_len)
{
    if (from > to || to > c->len || (line && *colp >= line))
        return RT_ERANGE;
    uint64_t col = line ? *colp : 0, done = 0;
    uint8_t *o = out;
    piece_walk w = {0, 0};
    const agc_seg *sg;
    uint64_t a, b;
    while (next_piece(c, u->prm.k, from, to, &w, &sg, &a, &b)) {
        const uint8_t *seq;
        size_t n;
        int st = segment_fwd(u, sg, &seq, &n);
        if (st)
            return st;
        /* The piece of the stored codes the wanted part comes from. */
        const uint8_t *src = sg->rc ? seq + (n - b) : seq + a;
        size_t pn = (size_t)(b - a), kk = 0;
        while (kk < pn) {
            size_t m = pn - kk;
            if (line && m > line - col)
                m = (size_t)(line - col);
            put_letters(o, src, pn, kk, m, (int)sg->rc);
            o += m;
            kk += m;
            if (line && (col += m) == line) {
                *o++ = '\n';
                col = 0;
            }
        }
        done += pn;
    }
    if (done != to - from)
        return RT_EFORMAT;
    *colp = col;
    *out_len = (size_t)(o - out);
    return RT_OK;
}

uint64_t agc_unpack_next_cut(const agc_params *p, const agc_ctg *c, uint64_t pos)
{
    uint64_t end = 0;
    for (uint32_t s = 0; s < c->nseg; s++) {
        end += c->segs[s].raw_len - (s ? p->k : 0);
        if (end > pos)
            return end;
    }
    return c->len;
}

/* agc_unpack: segment reconstruction and its cache (layout in agc_unpack.h). */
#include "agc/agc_unpack.h"

#include <string.h>

#include <zstd.h>

#include "agc/agc_codec.h"
#include "agc/agc_lzdiff.h"
#include "kindred/rt.h"

enum { KIND_REF = 0, KIND_PACK = 1, NO_RAW_GROUPS = 16, NSEGC = 64 };

/* Decoded LZ segments, direct-mapped by (group, in_group): repeated range
 * queries on one region skip LZ decoding, while a full extraction streaming
 * through leaves the reference/pack cache alone. */
typedef struct segslot {
    uint64_t key;
    uint8_t *buf;
    size_t len, cap;
    int valid;
} segslot;

typedef struct centry {
    uint64_t key;
    uint64_t tick;
    uint8_t *data;
    size_t len;
    uint32_t *ends;          /* packs: end offset of each entry (separator index) */
    uint32_t nent;
    int used;
} centry;

struct agc_unpack {
    const agc_archive *ar;
    agc_params prm;
    ZSTD_DCtx *dctx;
    rt_hmap index;           /* key -> slot */
    centry *slots;
    size_t nslots, cap_slots;
    size_t bytes, budget;
    uint64_t tick, hits, misses;
    uint8_t *rcb, *tmp;
    size_t rc_cap, tmp_cap;
    segslot segc[NSEGC];
};

int agc_unpack_create(agc_unpack **out, const agc_archive *ar, const agc_params *p,
                      size_t cache_bytes)
{
    *out = NULL;
    agc_unpack *u = rt_calloc(1, sizeof *u);
    if (!u)
        return RT_ENOMEM;
    u->ar = ar;
    u->prm = *p;
    u->budget = cache_bytes ? cache_bytes : (size_t)64 << 20;
    rt_hmap_init(&u->index);
    u->dctx = ZSTD_createDCtx();
    if (!u->dctx) {
        agc_unpack_free(u);
        return RT_ENOMEM;
    }
    *out = u;
    return RT_OK;
}

static void entry_release(agc_unpack *u, centry *e)
{
    u->bytes -= e->len + (size_t)e->nent * sizeof *e->ends;
    rt_free(e->data);
    rt_free(e->ends);
    e->data = NULL;
    e->ends = NULL;
    e->used = 0;
}

void agc_unpack_free(agc_unpack *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->nslots; i++)
        if (u->slots[i].used)
            entry_release(u, &u->slots[i]);
    rt_free(u->slots);
    rt_hmap_free(&u->index);
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

/* A free slot, evicting least recently used entries while over budget. */
static int slot_for(agc_unpack *u, size_t incoming, size_t *slot)
{
    while (u->bytes + incoming > u->budget) {
        size_t victim = SIZE_MAX;
        uint64_t best = UINT64_MAX;
        for (size_t i = 0; i < u->nslots; i++)
            if (u->slots[i].used && u->slots[i].tick < best) {
                best = u->slots[i].tick;
                victim = i;
            }
        if (victim == SIZE_MAX)
            break;
        rt_hmap_del(&u->index, u->slots[victim].key, NULL);
        entry_release(u, &u->slots[victim]);
    }
    for (size_t i = 0; i < u->nslots; i++)
        if (!u->slots[i].used) {
            *slot = i;
            return RT_OK;
        }
    if (u->nslots == u->cap_slots) {
        size_t nc = u->cap_slots ? u->cap_slots * 2 : 16;
        centry *s = rt_realloc(u->slots, nc * sizeof *s);
        if (!s)
            return RT_ENOMEM;
        u->slots = s;
        u->cap_slots = nc;
    }
    memset(&u->slots[u->nslots], 0, sizeof *u->slots);
    *slot = u->nslots++;
    return RT_OK;
}

/* Decode one stored part into an owned buffer. For references (is_ref) a
 * marker 1 means tuple packing. */
static int load_part(agc_unpack *u, uint32_t group, char kind, uint64_t part, int is_ref,
                     uint8_t **data, size_t *len)
{
    char name[AGC_SNAME_MAX];
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

static int index_pack(centry *e)
{
    uint32_t n = 0;
    for (size_t i = 0; i < e->len; i++)
        n += e->data[i] == AGC_PACK_SEP;
    e->ends = rt_malloc((n ? n : 1) * sizeof *e->ends);
    if (!e->ends)
        return RT_ENOMEM;
    if (e->len > UINT32_MAX)
        return RT_EFORMAT;
    uint32_t j = 0;
    for (size_t i = 0; i < e->len; i++)
        if (e->data[i] == AGC_PACK_SEP)
            e->ends[j++] = (uint32_t)i;
    e->nent = n;
    return RT_OK;
}

static int get_entry(agc_unpack *u, uint32_t group, int kind, uint64_t part, centry **out)
{
    uint64_t key = ((uint64_t)group << 33) ^ (part << 1) ^ (uint64_t)kind;
    if (part > UINT32_MAX)
        return RT_EFORMAT;
    uint64_t v;
    int found = 0;
    rt_hmap_get(&u->index, key, &v, &found);
    if (found) {
        u->hits++;
        u->slots[v].tick = ++u->tick;
        *out = &u->slots[v];
        return RT_OK;
    }
    u->misses++;
    uint8_t *data = NULL;
    size_t len = 0;
    int st = load_part(u, group, kind == KIND_REF ? 'r' : 'd', part, kind == KIND_REF, &data, &len);
    if (st)
        return st;
    size_t slot;
    st = slot_for(u, len, &slot);
    if (st) {
        rt_free(data);
        return st;
    }
    centry *e = &u->slots[slot];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->data = data;
    e->len = len;
    e->used = 1;
    e->tick = ++u->tick;
    if (kind == KIND_PACK) {
        st = index_pack(e);
        if (st) {
            rt_free(e->data);
            rt_free(e->ends);
            memset(e, 0, sizeof *e);
            return st;
        }
    }
    u->bytes += e->len + (size_t)e->nent * sizeof *e->ends;
    st = rt_hmap_put(&u->index, key, slot);
    if (st) {
        entry_release(u, e);
        return st;
    }
    *out = e;
    return RT_OK;
}

static int pack_item(centry *e, uint64_t j, const uint8_t **p, size_t *n)
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
static int decode_delta(agc_unpack *u, const agc_seg *sg, centry *r, segslot *ss)
{
    uint32_t pack = u->prm.pack;
    /* The pack lookup may evict the reference when the budget is tiny:
     * remember its key and reload it if that happened. */
    const uint8_t *ref = r->data;
    size_t rlen = r->len;
    uint64_t rkey = r->key;
    centry *e;
    int st = get_entry(u, sg->group, KIND_PACK, (sg->in_group - 1u) / pack, &e);
    if (st)
        return st;
    uint64_t v;
    int found = 0;
    rt_hmap_get(&u->index, rkey, &v, &found);
    if (!found || u->slots[v].data != ref) {
        st = get_entry(u, sg->group, KIND_REF, 0, &r);
        if (st)
            return st;
        ref = r->data;
        rlen = r->len;
        st = get_entry(u, sg->group, KIND_PACK, (sg->in_group - 1u) / pack, &e);
        if (st)
            return st;
    }
    const uint8_t *d;
    size_t dn, flen;
    st = pack_item(e, (sg->in_group - 1u) % pack, &d, &dn);
    if (st)
        return st;
    int ver = u->prm.version < 2000 ? 1 : 2;
    /* Measure first: an untrusted raw_len never sizes a buffer. */
    st = agc_lzd_decode(ref, rlen, d, dn, u->prm.mml, ver, NULL, 0, &flen);
    if (st)
        return st;
    if (flen != sg->raw_len)
        return RT_EFORMAT;
    ss->valid = 0;
    st = agc_buf_grow(&ss->buf, &ss->cap, flen);
    if (st)
        return st;
    st = agc_lzd_decode(ref, rlen, d, dn, u->prm.mml, ver, ss->buf, flen, &flen);
    if (st)
        return st;
    ss->len = flen;
    ss->key = (uint64_t)sg->group << 32 | sg->in_group;
    ss->valid = 1;
    return RT_OK;
}

int agc_unpack_segment(agc_unpack *u, const agc_seg *sg, const uint8_t **seq, size_t *len)
{
    const uint8_t *fwd;
    size_t flen;
    int st;
    uint32_t pack = u->prm.pack;
    if (sg->group < NO_RAW_GROUPS) {
        centry *e;
        st = get_entry(u, sg->group, KIND_PACK, sg->in_group / pack, &e);
        if (st)
            return st;
        st = pack_item(e, sg->in_group % pack, &fwd, &flen);
        if (st)
            return st;
    } else {
        centry *r;
        st = get_entry(u, sg->group, KIND_REF, 0, &r);
        if (st)
            return st;
        if (sg->in_group == 0) {
            fwd = r->data;
            flen = r->len;
        } else {
            uint64_t skey = (uint64_t)sg->group << 32 | sg->in_group;
            segslot *ss = &u->segc[rt_mix64(skey) & (NSEGC - 1)];
            if (ss->valid && ss->key == skey) {
                u->hits++;
                fwd = ss->buf;
                flen = ss->len;
            } else {
                st = decode_delta(u, sg, r, ss);
                if (st)
                    return st;
                fwd = ss->buf;
                flen = ss->len;
            }
        }
    }
    if (flen != sg->raw_len)
        return RT_EFORMAT;
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

int agc_unpack_range(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to, uint8_t *out)
{
    if (from > to || to > c->len)
        return RT_ERANGE;
    uint64_t pos = 0, k = u->prm.k;
    uint8_t *o = out;
    for (uint32_t s = 0; s < c->nseg && pos < to; s++) {
        const agc_seg *sg = &c->segs[s];
        uint64_t skip = s ? k : 0;
        uint64_t clen = sg->raw_len - skip;
        if (pos + clen > from && clen) {
            const uint8_t *seq;
            size_t n;
            int st = agc_unpack_segment(u, sg, &seq, &n);
            if (st)
                return st;
            uint64_t a = from > pos ? from - pos : 0;
            uint64_t b = to < pos + clen ? to - pos : clen;
            memcpy(o, seq + skip + a, (size_t)(b - a));
            o += b - a;
        }
        pos += clen;
    }
    return (uint64_t)(o - out) == to - from ? RT_OK : RT_EFORMAT;
}

/* flows.c: the per-worker flow table: open addressing, linear probing, backward-shift delete, lazy expiry; and the
 * burst's first pass, which prefetches the slots its lookups will read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core_int.h"

/*
 * Memory: one u32 tag (hash | 1, 0 = empty) plus one 44-byte struct dp_flow per slot = 48 bytes per slot
 * (DP_FLOW_BYTES_PER_SLOT rounds up). At most 3/4 of the slots hold flows, so that probe chains stay short.
 * Probing reads the tag array only (16 tags per cache line) and touches a flow only on a tag match.
 * No allocation after init, no lock: the table belongs to one worker.
 */
_Static_assert(sizeof(struct dp_flow) + sizeof(uint32_t) == DP_FLOW_BYTES_PER_SLOT, "flow slot size");

int dp_flowtab_init(struct dp_flowtab *ft, const struct dp_worker_params *p)
{
	uint32_t slots = p && p->flow_slots ? p->flow_slots : DP_DEFAULT_FLOW_SLOTS;
	uint32_t n = 16;

	while (n < slots && n < (1U << 30))
		n <<= 1;
	memset(ft, 0, sizeof(*ft));
	ft->tags = calloc(n, sizeof(*ft->tags));
	ft->flows = calloc(n, sizeof(*ft->flows));
	if (!ft->tags || !ft->flows) {
		free(ft->tags);
		free(ft->flows);
		return -ENOMEM;
	}
	ft->mask = n - 1;
	ft->max = n / 4 * 3;
	ft->est_timeout_s = p && p->est_timeout_s ? p->est_timeout_s : 600;
	ft->closing_timeout_s = p && p->closing_timeout_s ? p->closing_timeout_s : 120;
	/* A secret seed: flow hashes must not be predictable, or an attacker with valid handshakes could pile
	 * its flows onto one probe chain. */
	if (getrandom(&ft->seed, sizeof(ft->seed), 0) != sizeof(ft->seed))
		ft->seed = (uint64_t)(uintptr_t)ft ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

void dp_flowtab_destroy(struct dp_flowtab *ft)
{
	free(ft->tags);
	free(ft->flows);
	ft->tags = NULL;
	ft->flows = NULL;
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	return h;
}

uint32_t dp_flow_hash(const struct dp_flowtab *ft, const struct dp_flow_key *k)
{
	uint64_t w[4], x[4], h = ft->seed;

	memcpy(w, k->caddr, 16);
	memcpy(x, k->saddr, 16);
	h = mix(h, w[0] ^ (x[1] << 1));
	h = mix(h, w[1] ^ (x[0] << 3));
	h = mix(h, (uint64_t)k->cport << 16 | k->sport);
	h ^= h >> 29;
	return (uint32_t)h | 1;
}

/* 36 bytes compared as 4 x u64 + u32, inline: a libc memcmp call per probe cost more than the compare. */
static inline bool key_eq(const struct dp_flow_key *a, const struct dp_flow_key *b)
{
	uint64_t x[4], y[4];
	uint32_t u, v;

	_Static_assert(sizeof(struct dp_flow_key) == 36, "flow key layout");
	memcpy(x, a, 32);
	memcpy(y, b, 32);
	memcpy(&u, (const uint8_t *)a + 32, 4);
	memcpy(&v, (const uint8_t *)b + 32, 4);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (u ^ v)) == 0;
}

static inline bool expired(const struct dp_flowtab *ft, const struct dp_flow *f, uint32_t now_s)
{
	uint32_t idle = now_s - f->last_s;

	return idle >= (f->state == DP_FLOW_CLOSING ? ft->closing_timeout_s : ft->est_timeout_s);
}

/* Backward-shift deletion: later members of the probe chain move up, so lookups never need tombstones. */
static void delete_at(struct dp_flowtab *ft, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t home;

		j = (j + 1) & ft->mask;
		if (ft->tags[j] == 0)
			break;
		home = ft->tags[j] & ft->mask;
		if (((j - home) & ft->mask) >= ((j - i) & ft->mask)) {
			ft->tags[i] = ft->tags[j];
			ft->flows[i] = ft->flows[j];
			i = j;
		}
	}
	ft->tags[i] = 0;
	ft->count--;
}

int64_t dp_flow_lookup(struct dp_flowtab *ft, const struct dp_flow_key *k, uint32_t hash, uint32_t now_s,
		       uint64_t *nexpired)
{
	uint32_t i = hash & ft->mask;

	for (;;) {
		uint32_t tag = ft->tags[i];

		if (tag == 0)
			return -1;
		if (tag == hash && key_eq(&ft->flows[i].k, k)) {
			if (DP_UNLIKELY(expired(ft, &ft->flows[i], now_s))) {
				delete_at(ft, i);
				(*nexpired)++;
				return -1;
			}
			return i;
		}
		i = (i + 1) & ft->mask;
	}
}

int dp_flow_insert(struct dp_flowtab *ft, const struct dp_flow_key *k, uint32_t hash, uint8_t family, uint8_t state,
		   uint32_t now_s)
{
	uint32_t i = hash & ft->mask;

	if (ft->count >= ft->max)
		return -ENOSPC;
	while (ft->tags[i] != 0) {
		if (ft->tags[i] == hash && key_eq(&ft->flows[i].k, k))
			break; /* the flow exists (e.g. expired and re-validated): overwrite it */
		i = (i + 1) & ft->mask;
	}
	if (ft->tags[i] == 0)
		ft->count++;
	ft->tags[i] = hash;
	ft->flows[i].k = *k;
	ft->flows[i].last_s = now_s;
	ft->flows[i].state = state;
	ft->flows[i].family = family;
	ft->flows[i].pad = 0;
	return 0;
}

uint32_t dp_flow_sweep(struct dp_flowtab *ft, uint32_t now_s, uint32_t budget)
{
	uint32_t removed = 0;

	while (budget--) {
		uint32_t i = ft->cursor;

		if (ft->tags[i] != 0 && expired(ft, &ft->flows[i], now_s)) {
			delete_at(ft, i); /* slot i may now hold a shifted flow: look at it again */
			removed++;
			continue;
		}
		ft->cursor = (i + 1) & ft->mask;
	}
	return removed;
}

void dp_verdict_prefetch(struct dp_worker *w, const struct dp_pkt *p)
{
	const uint8_t *f = p->data;
	struct dp_flow_key k;
	struct dp_l3 l3;
	struct dp_tcp t;
	uint32_t i;

	/* Only the common layouts, cheaply: plain IPv4/IPv6 (one VLAN tag at most) TCP without SYN. */
	if (p->len < 54 || p->len > p->cap)
		return;
	l3.l3_off = f[12] == 0x81 && f[13] == 0 ? 18 : 14;
	if ((uint32_t)l3.l3_off + 40 + 20 > p->len)
		return;
	if (dp_be16(f + l3.l3_off - 2) == DP_ETH_P_IP && f[l3.l3_off] == 0x45 && f[l3.l3_off + 9] == DP_IPPROTO_TCP) {
		l3.family = 4;
		l3.saddr = f + l3.l3_off + 12;
		l3.daddr = f + l3.l3_off + 16;
		l3.l4_off = (uint16_t)(l3.l3_off + 20);
	} else if (dp_be16(f + l3.l3_off - 2) == DP_ETH_P_IPV6 && f[l3.l3_off + 6] == DP_IPPROTO_TCP) {
		l3.family = 6;
		l3.saddr = f + l3.l3_off + 8;
		l3.daddr = f + l3.l3_off + 24;
		l3.l4_off = (uint16_t)(l3.l3_off + 40);
	} else {
		return;
	}
	if ((uint32_t)l3.l4_off + 20 > p->len || (f[l3.l4_off + 13] & DP_TCP_SYN))
		return;
	memcpy(&t.sport, f + l3.l4_off, 4); /* both ports in one store, as dp_parse_tcp() */
	dp_flow_key_make(&k, &l3, &t);
	i = dp_flow_hash(&w->ft, &k) & w->ft.mask;
	__builtin_prefetch(&w->ft.tags[i]);
	/* A 44-byte flow straddles two cache lines more often than not: fetch both, or key_eq() waits for the second. */
	__builtin_prefetch(&w->ft.flows[i]);
	__builtin_prefetch((const uint8_t *)&w->ft.flows[i] + sizeof(w->ft.flows[i]) - 1);
}

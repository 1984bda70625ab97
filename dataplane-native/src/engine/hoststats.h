/* hoststats.h: per-protected-IP counters (the original's rx_pps_ip): an immutable IP->slot index the workers
 * read per burst, and per-worker counter rows indexed by slot (one writer each). */
#ifndef DP_HOSTSTATS_H
#define DP_HOSTSTATS_H

#include <stdint.h>
#include <string.h>

#include "syncookied/core.h"

#define DP_HOST_SLOTS 4096

enum dp_host_counter { DP_HC_RX = 0, DP_HC_SYN, DP_HC_FWD, DP_HC_DROP, DP_HC_MAX };

struct dp_hostidx_entry {
	struct dp_addr ip;
	uint32_t slot; /* DP_HOST_SLOTS = empty */
};

/* Immutable once published; freed when no worker can still hold it (see dp_hoststats_reclaim). */
struct dp_hostidx {
	uint64_t gen;
	uint32_t mask;
	struct dp_hostidx *retired_next;
	struct dp_hostidx_entry e[];
};

typedef uint64_t dp_host_row[DP_HC_MAX];

static inline uint32_t dp_hostidx_hash(const struct dp_addr *a)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < (a->family == 4 ? 4 : 16); i++)
		h = (h ^ a->a[i]) * 16777619u;
	return h;
}

/* Slot of the destination IP of an Ethernet frame, or -1 (not IP, not a protected host). */
static inline int dp_hostidx_lookup(const struct dp_hostidx *ix, const uint8_t *d, uint32_t len)
{
	struct dp_addr a;
	uint32_t off = 12, i;
	uint16_t type;

	if (!ix || len < 14)
		return -1;
	type = (uint16_t)(d[off] << 8 | d[off + 1]);
	off += 2;
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	memset(&a, 0, sizeof(a));
	if (type == 0x0800 && off + 20 <= len) {
		a.family = 4;
		memcpy(a.a, d + off + 16, 4);
	} else if (type == 0x86dd && off + 40 <= len) {
		a.family = 6;
		memcpy(a.a, d + off + 24, 16);
	} else {
		return -1;
	}
	for (i = dp_hostidx_hash(&a) & ix->mask;; i = (i + 1) & ix->mask) {
		const struct dp_hostidx_entry *e = &ix->e[i];

		if (e->slot == DP_HOST_SLOTS)
			return -1;
		if (!memcmp(&e->ip, &a, sizeof(a)))
			return (int)e->slot;
	}
}

#endif

/* hoststats.c: keeps the per-protected-IP counter slots and publishes the IP->slot index the workers use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dataplane_int.h"

void dp_hoststats_slot_totals(const struct dp_dataplane *dp, unsigned slot, uint64_t out[DP_HC_MAX])
{
	for (unsigned c = 0; c < DP_HC_MAX; c++) {
		uint64_t v = dp->hc_retired ? dp->hc_retired[slot][c] : 0;

		for (unsigned i = 0; i < dp->nworkers; i++)
			if (dp->wk[i].hc)
				v += __atomic_load_n(&dp->wk[i].hc[slot][c], __ATOMIC_RELAXED);
		out[c] = v - (dp->hc_base ? dp->hc_base[slot][c] : 0);
	}
}

static int slot_of(struct dp_dataplane *dp, const struct dp_addr *ip, bool take)
{
	int free_slot = -1;

	for (unsigned s = 0; s < DP_HOST_SLOTS; s++) {
		if (dp->slot_used[s] && !memcmp(&dp->slot_ip[s], ip, sizeof(*ip)))
			return (int)s;
		if (!dp->slot_used[s] && free_slot < 0)
			free_slot = (int)s;
	}
	if (!take || free_slot < 0)
		return -1;
	/* a reused slot starts from zero for its new IP: remember where its raw totals stand now */
	{
		uint64_t raw[DP_HC_MAX];

		memset(dp->hc_base[free_slot], 0, sizeof(dp->hc_base[free_slot]));
		dp_hoststats_slot_totals(dp, (unsigned)free_slot, raw);
		memcpy(dp->hc_base[free_slot], raw, sizeof(raw));
	}
	dp->slot_used[free_slot] = 1;
	dp->slot_ip[free_slot] = *ip;
	return free_slot;
}

int dp_hoststats_publish(struct dp_dataplane *dp)
{
	unsigned n = dp->hosts.n, size = 16;
	struct dp_hostidx *ix;
	uint8_t keep[DP_HOST_SLOTS] = { 0 };

	if (!dp->hc_retired) {
		dp->hc_retired = calloc(DP_HOST_SLOTS, sizeof(dp_host_row));
		dp->hc_base = calloc(DP_HOST_SLOTS, sizeof(dp_host_row));
		if (!dp->hc_retired || !dp->hc_base)
			return -ENOMEM;
	}
	while (size < 2 * n)
		size *= 2;
	ix = malloc(sizeof(*ix) + size * sizeof(ix->e[0]));
	if (!ix)
		return -ENOMEM;
	ix->gen = ++dp->idx_gen;
	ix->mask = size - 1;
	ix->retired_next = NULL;
	for (unsigned i = 0; i < size; i++)
		ix->e[i].slot = DP_HOST_SLOTS;
	for (unsigned h = 0; h < n; h++) {
		const struct dp_addr *ip = &dp->hosts.v[h].cfg.ip;
		int s = slot_of(dp, ip, true);
		uint32_t i;

		if (s < 0)
			continue; /* more than DP_HOST_SLOTS hosts: the rest are counted only in the totals */
		keep[s] = 1;
		for (i = dp_hostidx_hash(ip) & ix->mask; ix->e[i].slot != DP_HOST_SLOTS; i = (i + 1) & ix->mask)
			;
		ix->e[i].ip = *ip;
		ix->e[i].slot = (uint32_t)s;
	}
	for (unsigned s = 0; s < DP_HOST_SLOTS; s++)
		if (!keep[s])
			dp->slot_used[s] = 0;
	if (dp->hostidx) {
		dp->hostidx->retired_next = dp->retired_idx;
		dp->retired_idx = dp->hostidx;
	}
	__atomic_store_n(&dp->hostidx, ix, __ATOMIC_SEQ_CST);
	dp_hoststats_reclaim(dp);
	return 0;
}

/* An index a worker loaded is announced (idx_gen) before its next load; the announced generation never exceeds
 * the one it holds, so every retired index older than the smallest announcement is unreachable. */
void dp_hoststats_reclaim(struct dp_dataplane *dp)
{
	uint64_t min = UINT64_MAX;
	struct dp_hostidx **pp = &dp->retired_idx;

	for (unsigned i = 0; i < dp->nworkers; i++) {
		uint64_t g = __atomic_load_n(&dp->wk[i].idx_gen, __ATOMIC_SEQ_CST);

		if (g < min)
			min = g;
	}
	while (*pp) {
		struct dp_hostidx *ix = *pp;

		if (ix->gen < min) {
			*pp = ix->retired_next;
			free(ix);
		} else {
			pp = &ix->retired_next;
		}
	}
}

void dp_hoststats_free(struct dp_dataplane *dp)
{
	while (dp->retired_idx) {
		struct dp_hostidx *ix = dp->retired_idx;

		dp->retired_idx = ix->retired_next;
		free(ix);
	}
	free(dp->hostidx);
	free(dp->hc_retired);
	free(dp->hc_base);
}

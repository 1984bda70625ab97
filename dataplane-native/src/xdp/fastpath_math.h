/* fastpath_math.h: the cookie mathematics of src/shared behind global functions of the XDP program. The verifier
 * checks a global function once, on its own; inlined, each SipHash would be checked again on every path that
 * reaches it. Their arguments are plain memory to them (the packet pointers in struct xpkt are not used). Part of
 * fastpath.bpf.c. */
#ifndef DP_XDP_FASTPATH_MATH_H
#define DP_XDP_FASTPATH_MATH_H

/* A secret pair as the host record holds it (cur or prev): one type, so the functions may read both keys. */
struct xkeys {
	dp_siphash_key_t k[2];
};

/* The cookie of the SYN t (syncookie.h). */
__noinline uint32_t dp_xdp_cookie_make(const struct xkeys *key, const struct xpkt *x, const struct xtcp *t,
				       uint32_t count, uint32_t mss_index)
{
	if (!key || !x || !t)
		return 0;
	if (x->family == 4)
		return dp_syncookie_v4_make(key->k, x->saddr[0], x->daddr[0], t->sport, t->dport, t->seq, count,
					    mss_index);
	return dp_syncookie_v6_make(key->k, (const uint8_t *)x->saddr, (const uint8_t *)x->daddr, t->sport, t->dport,
				    t->seq, count, mss_index);
}

/* The mss_index of the ACK t's cookie (as __cookie_v4_check: cookie = ack - 1, sseq = seq - 1), or -1. */
__noinline int dp_xdp_cookie_check(const struct xkeys *key, const struct xpkt *x, const struct xtcp *t, uint32_t count)
{
	if (!key || !x || !t)
		return -1;
	if (x->family == 4)
		return dp_syncookie_v4_check(key->k, x->saddr[0], x->daddr[0], t->sport, t->dport, t->seq - 1,
					     t->ack - 1, count);
	return dp_syncookie_v6_check(key->k, (const uint8_t *)x->saddr, (const uint8_t *)x->daddr, t->sport, t->dport,
				     t->seq - 1, t->ack - 1, count);
}

/* tsoff of the connection (tsopt.h; local = the protected server, remote = the client). */
__noinline uint32_t dp_xdp_tsoff(const dp_siphash_key_t *key, const struct xpkt *x, const struct xtcp *t, uint32_t rule)
{
	if (!key || !x || !t)
		return 0;
	if (x->family == 4)
		return dp_tsoff_v4((enum dp_tsoff_rule)rule, key, x->daddr[0], x->saddr[0], t->dport, t->sport);
	return dp_tsoff_v6((enum dp_tsoff_rule)rule, key, (const uint8_t *)x->daddr, (const uint8_t *)x->saddr,
			   t->dport, t->sport);
}

#endif /* DP_XDP_FASTPATH_MATH_H */

/* xdp_harness.h: runs one frame through both paths and holds the XDP one to the userspace core's verdict.
 *   reference: the userspace core alone (the AF_PACKET backend's path);
 *   fast path: the XDP program under BPF_PROG_TEST_RUN, then, for what it hands to userspace (XDP_PASS here: the
 *              socket map is empty), a second userspace core with its own flow table, as in the xdp backend, whose
 *              counters include the program's (its counter source).
 * Same action, same bytes out, same counters moved (the reason, and flows created, picked up...). Except for a frame
 * that is for no protected host (not to our MAC, not IP, or to another destination): the program leaves it to the
 * kernel (XDP_PASS, told from "to userspace" by its own counter, dp_fastpath_to_kernel), where the reference, which
 * sees a copy of every frame, drops it for one of the reasons that say "not ours".
 * The program reads the real CLOCK_MONOTONIC: its SYN-ACK must be what the reference makes just before or just after
 * it ran (a TSval steps every 64 ms of the server's clock). */
#ifndef DP_TEST_XDP_HARNESS_H
#define DP_TEST_XDP_HARNESS_H

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <time.h>

#include "backend/backend.h"
#include "backend/fastpath.h"
#include "core_int.h"
#include "pkt_util.h"

#define XH_FRAME 2048

struct xh_side {
	struct dp_core *core;
	struct dp_worker *w;
};

struct xh {
	struct xh_side ref, usr, chk;
	struct dp_fastpath *fp;
	unsigned decided, punted, to_kernel, inconclusive;
};

struct xh_out {
	enum dp_action act;
	uint8_t frame[XH_FRAME];
	unsigned len;
	uint64_t cnt[DP_C_MAX];
	bool in_userspace; /* the fast path handed the frame to userspace */
	bool to_kernel;	   /* the program left it to the kernel */
};

static inline uint64_t xh_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline int xh_side_open(struct xh_side *s, const struct dp_worker_params *wp)
{
	s->core = dp_core_new(1);
	s->w = s->core ? dp_worker_new(s->core, wp) : NULL;
	return s->w ? 0 : -ENOMEM;
}

/* Flow timeouts in seconds (0 = the defaults). 0, or -errno when the program cannot be loaded here (no CAP_BPF:
 * the caller says so and stops). */
static inline int xh_open_timeouts(struct xh *h, uint32_t flow_slots, uint32_t est_s, uint32_t closing_s, char *err,
				   size_t errlen)
{
	struct dp_fastpath_opts o = { .flow_slots = flow_slots,
				      .est_timeout_s = est_s,
				      .closing_timeout_s = closing_s };
	struct dp_worker_params wp = { .flow_slots = flow_slots,
				       .est_timeout_s = est_s,
				       .closing_timeout_s = closing_s };
	struct dp_counter_source src;
	int rc;

	memset(h, 0, sizeof(*h));
	if (xh_side_open(&h->ref, &wp) || xh_side_open(&h->usr, &wp) || xh_side_open(&h->chk, &wp))
		return -ENOMEM;
	rc = dp_fastpath_open(&o, &h->fp, err, errlen);
	if (rc)
		return rc;
	/* as in the xdp backend: the program's counters count with the userspace core's */
	dp_fastpath_counter_source(h->fp, &src);
	dp_core_set_counter_source(h->usr.core, &src);
	return 0;
}

static inline int xh_open(struct xh *h, uint32_t flow_slots, char *err, size_t errlen)
{
	return xh_open_timeouts(h, flow_slots, 0, 0, err, errlen);
}

static inline void xh_side_close(struct xh_side *s)
{
	dp_worker_free(s->w);
	dp_core_free(s->core);
}

static inline void xh_close(struct xh *h)
{
	dp_core_set_counter_source(h->usr.core, NULL);
	dp_fastpath_close(h->fp);
	xh_side_close(&h->ref);
	xh_side_close(&h->usr);
	xh_side_close(&h->chk);
}

/* Publishes build(arg)'s configuration on every side and writes the published one into the program's maps. */
static inline int xh_publish(struct xh *h, struct dp_config *(*build)(void *arg), void *arg)
{
	char err[256];
	int rc;

	CC_CHECK(dp_core_publish(h->ref.core, build(arg)) == 0, "publish ref");
	CC_CHECK(dp_core_publish(h->usr.core, build(arg)) == 0, "publish usr");
	CC_CHECK(dp_core_publish(h->chk.core, build(arg)) == 0, "publish chk");
	rc = dp_fastpath_sync(h->fp, dp_core_config(h->usr.core), err, sizeof(err));
	CC_CHECK(rc == 0, "sync: %s", err);
	return rc;
}

/* The userspace core on one frame, as the AF_XDP backend hands it over (unfinished checksums detected). */
static inline void xh_core_run(struct xh_side *s, const uint8_t *in, unsigned len, uint64_t now, struct xh_out *o)
{
	struct dp_pkt p = { .data = o->frame, .len = len, .cap = XH_FRAME };
	struct dp_pkt *pp = &p;
	uint8_t act;

	memcpy(o->frame, in, len);
	dp_pkt_detect_csum_partial(&p);
	dp_worker_burst(s->w, &pp, &act, 1, now);
	o->act = (enum dp_action)act;
	o->len = p.len;
}

/* The counters a run moved. */
static inline void xh_delta(const struct dp_stats *a, const struct dp_stats *b, struct xh_out *o)
{
	for (unsigned i = 0; i < DP_C_MAX; i++)
		o->cnt[i] = b->c[i] - a->c[i];
}

static inline void xh_core(struct xh_side *s, const uint8_t *in, unsigned len, uint64_t now, struct xh_out *o)
{
	struct dp_stats a, b;

	dp_core_stats(s->core, &a);
	xh_core_run(s, in, len, now, o);
	dp_core_stats(s->core, &b);
	xh_delta(&a, &b, o);
}

/* Every counter but flows_expired: the core also removes idle flows a few slots per burst, the program's map is
 * swept by the worker a batch at a time, so which frame's counters show an expiry differs (test_expiry checks
 * expiry by the verdicts it changes). */
static inline bool xh_same(const struct xh_out *x, const struct xh_out *y)
{
	for (unsigned i = 0; i < DP_C_MAX; i++)
		if (i != DP_C_FLOW_EXPIRED && x->cnt[i] != y->cnt[i])
			return false;
	return x->act == y->act && (x->act == DP_ACT_DROP || (x->len == y->len && !memcmp(x->frame, y->frame, x->len)));
}

static inline void xh_dump(const char *what, const struct xh_out *o)
{
	fprintf(stderr, "  %s: action %d,", what, o->act);
	for (unsigned i = 0; i < DP_C_MAX; i++)
		if (o->cnt[i])
			fprintf(stderr, " %s=%llu", dp_counter_name(i), (unsigned long long)o->cnt[i]);
	fputc('\n', stderr);
	if (o->act != DP_ACT_DROP)
		t_hexdump("  frame", o->frame, o->len);
}

/* The program on one frame: its action (forward and reply both XDP_TX: told apart by the counters later) and the
 * frame it made; *punted when it handed the frame to userspace. False when it could not run it (test runs need a
 * whole Ethernet header: such frames reach userspace in any case). */
static inline bool xh_program(struct xh *h, const uint8_t *in, unsigned len, struct xh_out *o, bool *punted)
{
	LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = in, .data_size_in = len, .data_out = o->frame,
		    .data_size_out = XH_FRAME, .repeat = 1);
	int rc;

	uint64_t to_kernel = dp_fastpath_to_kernel(h->fp);

	*punted = false;
	o->to_kernel = false;
	rc = bpf_prog_test_run_opts(dp_fastpath_prog_fd(h->fp), &tr);
	if (rc) {
		CC_CHECK(len < 14, "test run of a %u-byte frame: %s", len, strerror(-rc));
		return false;
	}
	o->len = tr.data_size_out;
	switch (tr.retval) {
	case XDP_PASS: /* to userspace, or to the kernel */
		o->to_kernel = dp_fastpath_to_kernel(h->fp) != to_kernel;
		*punted = !o->to_kernel;
		if (o->to_kernel)
			o->act = DP_ACT_DROP; /* the dataplane does nothing with it */
		return true;
	case XDP_TX:
	case XDP_REDIRECT:
		o->act = DP_ACT_FORWARD;
		return true;
	case XDP_DROP:
		o->act = DP_ACT_DROP;
		return true;
	default:
		CC_CHECK(0, "the program returned %u", tr.retval);
		o->act = DP_ACT_DROP;
		return true;
	}
}

/* Whether a frame is for a protected host, as the programs tell (frame_dest of fastpath.bpf.c): to one of our MACs,
 * IP after up to two VLAN tags, its destination a configured host. */
static inline bool xh_for_protected(const struct dp_config *cfg, const uint8_t *d, unsigned len)
{
	unsigned off = 14, i;
	uint16_t type;

	if (len < 22)
		return false;
	for (i = 0; i < cfg->n_macs && memcmp(cfg->ours[i].mac, d, 6); i++)
		;
	if (i == cfg->n_macs)
		return false;
	type = (uint16_t)(d[12] << 8 | d[13]);
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8); tags++) {
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= len)
		return dp_host_lookup(cfg, 4, d + off + 16);
	if (type == 0x86dd && off + 40 <= len)
		return dp_host_lookup(cfg, 6, d + off + 24);
	return false;
}

/* A frame for no protected host: the program leaves it to the kernel, the reference drops it as not ours. */
static inline bool xh_not_ours(const struct xh_out *ref, const struct xh_out *fast)
{
	static const enum dp_counter reasons[] = { DP_C_DROP_MAC, DP_C_DROP_BAD_ETHER, DP_C_DROP_BAD_IP,
						   DP_C_DROP_UNKNOWN_HOST };
	bool ok = false;

	for (unsigned i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		ok |= ref->cnt[reasons[i]] == 1;
	for (unsigned i = 0; i < DP_C_MAX; i++)
		ok &= fast->cnt[i] == 0;
	return ok && ref->act == DP_ACT_DROP && fast->to_kernel;
}

/* The fast path on one frame: the program, then the userspace core for what it hands over. */
static inline void xh_fast(struct xh *h, const uint8_t *in, unsigned len, struct xh_out *o)
{
	struct dp_stats a, b;
	bool punted, ran;

	dp_core_stats(h->usr.core, &a);
	ran = xh_program(h, in, len, o, &punted);
	if (!ran || punted)
		xh_core_run(&h->usr, in, len, xh_now(), o);
	dp_core_stats(h->usr.core, &b);
	xh_delta(&a, &b, o);
	o->in_userspace = !ran || punted;
	if (!o->in_userspace && o->act == DP_ACT_FORWARD && o->cnt[DP_C_SYN])
		o->act = DP_ACT_REPLY;
}

/*
 * One frame through both; fails the test when they differ. A frame answered with a SYN-ACK changes no state, so it
 * may be run again when the clock stepped between the runs. Returns the fast path's result in *out when out is not
 * NULL.
 */
static inline void xh_run(struct xh *h, const uint8_t *in, unsigned len, const char *desc, struct xh_out *out)
{
	static struct xh_out ref, fast, chk;
	uint64_t t0 = 0, tc = 0;
	bool same = false, ours = len < 14 || xh_for_protected(dp_core_config(h->usr.core), in, len);
	int attempt;

	for (attempt = 0; attempt < 10; attempt++) {
		t0 = xh_now();
		xh_core(&h->ref, in, len, t0, &ref);
		xh_fast(h, in, len, &fast);
		same = ours ? xh_same(&ref, &fast) && !fast.to_kernel : xh_not_ours(&ref, &fast);
		if (!ours)
			break;
		if (same || (ref.act != DP_ACT_REPLY && fast.act != DP_ACT_REPLY))
			break;
		/* The program's SYN-ACK must be the reference's just before or just after it ran: a difference from
		 * both while those two agree is real; when they do not agree the clock stepped (or the machine stalled
		 * this thread for a while), and it runs again. */
		tc = xh_now();
		xh_core(&h->chk, in, len, tc, &chk);
		same = xh_same(&chk, &fast);
		if (same || xh_same(&ref, &chk))
			break;
		h->inconclusive++;
	}
	if (fast.in_userspace)
		h->punted++;
	else if (fast.to_kernel)
		h->to_kernel++;
	else
		h->decided++;
	CC_CHECK(same, "%s: the fast path (%s) differs from the userspace core%s", desc,
		 fast.in_userspace ? "handed to userspace" :
		 fast.to_kernel	   ? "left to the kernel" :
				     "decided in XDP",
		 ours ? "" : " (a frame for no protected host: the kernel's)");
	if (!same) {
		fprintf(stderr, "  attempt %d, reference at %llu, again at %llu\n", attempt, (unsigned long long)t0,
			(unsigned long long)tc);
		t_hexdump("  input", in, len);
		xh_dump("userspace core", &ref);
		xh_dump("fast path", &fast);
		if (tc)
			xh_dump("userspace core again", &chk);
	}
	if (out)
		*out = fast;
}

#endif /* DP_TEST_XDP_HARNESS_H */

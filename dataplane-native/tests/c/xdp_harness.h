/* xdp_harness.h: runs one frame through both paths and holds the XDP one to the userspace core's verdict.
 *   reference: the userspace core alone (the AF_XDP and AF_PACKET backends' path);
 *   fast path: the XDP program under BPF_PROG_TEST_RUN, then, for what it hands to userspace (XDP_PASS here: the
 *              socket map is empty), a second userspace core with its own flow table, as in the xdp backend.
 * Same action, same bytes out, same counters moved (the reason, and flows created, expired, picked up...).
 * The program reads the real CLOCK_MONOTONIC: a SYN-ACK is compared only when the reference gives the same bytes
 * just before and just after the program ran (a TSval can change between two milliseconds). */
#ifndef DP_TEST_XDP_HARNESS_H
#define DP_TEST_XDP_HARNESS_H

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <time.h>

#include "backend/backend.h"
#include "backend/fastpath.h"
#include "pkt_util.h"

#define XH_FRAME 2048

struct xh_side {
	struct dp_core *core;
	struct dp_worker *w;
};

struct xh {
	struct xh_side ref, usr, chk;
	struct dp_fastpath *fp;
	unsigned decided, punted, inconclusive;
};

struct xh_out {
	enum dp_action act;
	uint8_t frame[XH_FRAME];
	unsigned len;
	uint64_t cnt[DP_C_MAX];
	bool in_userspace; /* the fast path handed the frame to userspace */
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
	struct dp_fastpath_opts o = { .macs = &T_OUR_MAC, .n_macs = 1, .flow_slots = flow_slots,
				      .est_timeout_s = est_s, .closing_timeout_s = closing_s };
	struct dp_worker_params wp = { .flow_slots = flow_slots, .est_timeout_s = est_s, .closing_timeout_s = closing_s };

	memset(h, 0, sizeof(*h));
	if (xh_side_open(&h->ref, &wp) || xh_side_open(&h->usr, &wp) || xh_side_open(&h->chk, &wp))
		return -ENOMEM;
	return dp_fastpath_open(&o, &h->fp, err, errlen);
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
	dp_fastpath_close(h->fp);
	xh_side_close(&h->ref);
	xh_side_close(&h->usr);
	xh_side_close(&h->chk);
}

/* Publishes build(arg)'s configuration on every side and writes it into the program's maps. */
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
static inline void xh_core(struct xh_side *s, const uint8_t *in, unsigned len, uint64_t now, struct xh_out *o)
{
	struct dp_stats a, b;
	struct dp_pkt p = { .data = o->frame, .len = len, .cap = XH_FRAME };
	struct dp_pkt *pp = &p;
	uint8_t act;

	memcpy(o->frame, in, len);
	dp_pkt_detect_csum_partial(&p);
	dp_worker_stats(s->w, &a);
	dp_worker_burst(s->w, &pp, &act, 1, now);
	dp_worker_stats(s->w, &b);
	o->act = (enum dp_action)act;
	o->len = p.len;
	for (unsigned i = 0; i < DP_C_MAX; i++)
		o->cnt[i] = b.c[i] - a.c[i];
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

/* The fast path on one frame: the program, then userspace for what it hands over. Returns false when the program
 * could not run it (test runs need a whole Ethernet header: such frames reach userspace in any case). */
static inline bool xh_fast(struct xh *h, const uint8_t *in, unsigned len, struct xh_out *o, bool *punted)
{
	struct dp_stats a = { 0 }, b = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = in, .data_size_in = len, .data_out = o->frame,
		    .data_size_out = XH_FRAME, .repeat = 1);
	int rc;

	*punted = false;
	dp_fastpath_stats(h->fp, &a);
	rc = bpf_prog_test_run_opts(dp_fastpath_prog_fd(h->fp), &tr);
	dp_fastpath_stats(h->fp, &b);
	if (rc) {
		CC_CHECK(len < 14, "test run of a %u-byte frame: %s", len, strerror(-rc));
		return false;
	}
	for (unsigned i = 0; i < DP_C_MAX; i++)
		o->cnt[i] = b.c[i] - a.c[i];
	o->len = tr.data_size_out;
	switch (tr.retval) {
	case XDP_PASS: /* to userspace */
		*punted = true;
		return true;
	case XDP_TX:
	case XDP_REDIRECT:
		o->act = o->cnt[DP_C_SYN] ? DP_ACT_REPLY : DP_ACT_FORWARD;
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

/*
 * One frame through both; fails the test when they differ. syn: the frame is a SYN (no state, so it may be tried
 * again when a clock moved between the runs). Returns the fast path's result in *out when out is not NULL.
 */
static inline void xh_run(struct xh *h, const uint8_t *in, unsigned len, bool syn, const char *desc,
			  struct xh_out *out)
{
	static struct xh_out ref, fast, chk;
	bool punted = false, ran = false;
	uint64_t t0, t1;

	for (int attempt = 0; attempt < 3; attempt++) {
		t0 = xh_now();
		xh_core(&h->ref, in, len, t0, &ref);
		ran = xh_fast(h, in, len, &fast, &punted);
		t1 = xh_now();
		if (!ran || punted)
			xh_core(&h->usr, in, len, t1, &fast);
		if (!syn)
			break;
		xh_core(&h->chk, in, len, t1, &chk);
		if (xh_same(&ref, &chk))
			break;
		h->inconclusive++; /* the reference itself moved between t0 and t1: try again */
	}
	if (punted || !ran)
		h->punted++;
	else
		h->decided++;
	CC_CHECK(xh_same(&ref, &fast), "%s: the fast path (%s) differs from the userspace core", desc,
		 punted || !ran ? "handed to userspace" : "decided in XDP");
	if (!xh_same(&ref, &fast)) {
		t_hexdump("  input", in, len);
		xh_dump("userspace core", &ref);
		xh_dump("fast path", &fast);
	}
	if (out) {
		*out = fast;
		out->in_userspace = punted || !ran;
	}
}

#endif /* DP_TEST_XDP_HARNESS_H */

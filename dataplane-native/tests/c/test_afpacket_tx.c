/* test_afpacket_tx.c: the AF_PACKET backend's transmit policy (afpacket_tx.c) against a scripted sendmmsg(): a burst
 * that meets a full interface (EAGAIN, ENOBUFS) waits and is delivered whole and in order; a frame the interface
 * refuses (EMSGSIZE) is handed back and the rest still go; a stuck interface is given up after the wait, and a
 * downed one at once, every frame counted in exactly one of sent, refused and failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend/afpacket_tx.h"
#include "crypto_check.h"

#define N 12u
#define SCRIPT_MAX 16u

/* One scripted answer of sendmmsg(): take up to `take` frames, or fail with `err` (take 0). */
struct step {
	unsigned take;
	int err;
};

struct wire {
	struct step script[SCRIPT_MAX];
	unsigned nsteps, at; /* past the script: the last step repeats */
	unsigned delivered[64], ndelivered;
	unsigned refused[8], nrefused;
	unsigned calls;
};

static int fake_send(void *ctx, struct mmsghdr *msg, unsigned n)
{
	struct wire *w = ctx;
	struct step st = w->script[w->at < w->nsteps ? w->at : w->nsteps - 1];
	unsigned i;

	w->at++;
	w->calls++;
	if (!st.take) {
		errno = st.err;
		return -1;
	}
	for (i = 0; i < n && i < st.take; i++)
		w->delivered[w->ndelivered++] = *(unsigned *)msg[i].msg_hdr.msg_iov[0].iov_base;
	return (int)i;
}

static void fake_refused(void *ctx, const struct mmsghdr *msg, int err)
{
	struct wire *w = ctx;

	CC_CHECK(err == EMSGSIZE, "refused with %d", err);
	w->refused[w->nrefused++] = *(unsigned *)msg->msg_hdr.msg_iov[0].iov_base;
}

static unsigned ids[N];
static struct iovec iov[N];
static struct mmsghdr msg[N];

static void burst_init(void)
{
	for (unsigned i = 0; i < N; i++) {
		ids[i] = i;
		iov[i] = (struct iovec){ &ids[i], sizeof(ids[i]) };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
}

static struct dp_afp_sent run(struct wire *w, uint64_t wait_ns)
{
	struct dp_afp_sender s = { .send = fake_send, .refused = fake_refused, .ctx = w, .wait_ns = wait_ns };
	struct dp_afp_sent out;

	burst_init();
	dp_afp_send_burst(&s, msg, N, &out);
	CC_CHECK(out.sent + out.refused + out.failed == N, "every frame accounted for once: %u + %u + %u", out.sent,
		 out.refused, out.failed);
	return out;
}

static int in_order(const struct wire *w, unsigned skip)
{
	for (unsigned i = 0, id = 0; i < w->ndelivered; i++, id++) {
		if (id == skip)
			id++;
		if (w->delivered[i] != id)
			return 0;
	}
	return 1;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The interface fills after 5 frames and has room again after three waits: nothing is lost. */
static void test_full_interface_waits_and_delivers(void)
{
	struct wire w = { .script = { { 5, 0 }, { 0, ENOBUFS }, { 0, EAGAIN }, { 0, ENOBUFS }, { 4, 0 }, { 64, 0 } },
			  .nsteps = 6 };
	struct dp_afp_sent out = run(&w, DP_AFP_TX_WAIT_NS);

	CC_CHECK(out.sent == N && out.failed == 0, "sent %u failed %u", out.sent, out.failed);
	CC_CHECK(out.waits == 3, "waits %u", out.waits);
	CC_CHECK(w.ndelivered == N && in_order(&w, N), "delivered %u, in order %d", w.ndelivered, in_order(&w, N));
}

/* A frame the interface refuses is handed back once; those after it still leave, in order. */
static void test_refused_frame_skipped(void)
{
	struct wire w = { .script = { { 4, 0 }, { 0, EMSGSIZE }, { 64, 0 } }, .nsteps = 3 };
	struct dp_afp_sent out = run(&w, DP_AFP_TX_WAIT_NS);

	CC_CHECK(out.sent == N - 1 && out.refused == 1 && out.failed == 0, "sent %u refused %u failed %u", out.sent,
		 out.refused, out.failed);
	CC_CHECK(w.nrefused == 1 && w.refused[0] == 4, "refused frame %u", w.refused[0]);
	CC_CHECK(in_order(&w, 4), "the others in order");
	CC_CHECK(out.waits == 0, "no wait for a refused frame: %u", out.waits);
}

/* An interface that stays full is given up after the wait (bounded: the worker goes on), the rest counted. */
static void test_stuck_interface_given_up(void)
{
	struct wire w = { .script = { { 3, 0 }, { 0, ENOBUFS } }, .nsteps = 2 };
	struct timespec t0;
	struct dp_afp_sent out;
	double took;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	out = run(&w, 5000000ull); /* 5 ms */
	took = seconds_since(&t0);
	CC_CHECK(out.sent == 3 && out.failed == N - 3, "sent %u failed %u", out.sent, out.failed);
	CC_CHECK(out.waits >= 2, "waited before giving up: %u", out.waits);
	CC_CHECK(took >= 0.005, "gave up after %.4f s, before the wait", took);
	CC_CHECK(took < 2.0, "gave up after %.4f s", took);
}

/* A downed interface (any other error) is not waited for. */
static void test_down_interface_fails_at_once(void)
{
	struct wire w = { .script = { { 0, ENETDOWN } }, .nsteps = 1 };
	struct dp_afp_sent out = run(&w, DP_AFP_TX_WAIT_NS);

	CC_CHECK(out.failed == N && out.sent == 0 && out.waits == 0, "failed %u sent %u waits %u", out.failed, out.sent,
		 out.waits);
	CC_CHECK(w.calls == 1, "one call: %u", w.calls);
}

int main(void)
{
	test_full_interface_waits_and_delivers();
	test_refused_frame_skipped();
	test_stuck_interface_given_up();
	test_down_interface_fails_at_once();
	return cc_summary();
}

/* afpacket_tx.c: one burst out by sendmmsg(), retried while the interface has no room (see afpacket_tx.h). */
#include <errno.h>
#include <time.h>

#include "backend/afpacket_tx.h"

#define FIRST_NAP_NS 16000ull /* a veth or NIC queue drains a burst in tens of microseconds */
#define LONGEST_NAP_NS 1000000ull

/* A full interface is waited for by sleeping, not spinning: the CPU goes to whoever drains the queue, which on a
 * small box is often this one (a veth peer's NAPI, the softirq). */
static void nap(uint64_t ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ns };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void dp_afp_send_burst(const struct dp_afp_sender *s, struct mmsghdr *msg, unsigned n, struct dp_afp_sent *out)
{
	uint64_t first_stall = 0, next_nap = FIRST_NAP_NS;
	unsigned at = 0;

	*out = (struct dp_afp_sent){ 0 };
	while (at < n) {
		int r = s->send(s->ctx, msg + at, n - at);
		int err = errno;

		if (r > 0) {
			at += (unsigned)r;
			out->sent += (unsigned)r;
			next_nap = FIRST_NAP_NS; /* progress: the queue drains, so the next stall starts short again */
			continue;
		}
		if (r < 0 && (err == EMSGSIZE || err == EINVAL)) { /* this frame, never: the ones after it may go */
			s->refused(s->ctx, &msg[at], err);
			out->refused++;
			at++;
			continue;
		}
		if (r < 0 && (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)) {
			/* wall time, not the naps' sum: a descheduled worker has waited too */
			uint64_t now = mono_ns(), waited = first_stall ? now - first_stall : 0;

			if (!first_stall)
				first_stall = now;
			if (waited < s->wait_ns) {
				nap(next_nap < s->wait_ns - waited ? next_nap : s->wait_ns - waited);
				out->waits++;
				if (next_nap < LONGEST_NAP_NS)
					next_nap *= 2;
				continue;
			}
		}
		out->failed += n - at; /* down, or full for longer than wait_ns */
		return;
	}
}

/* afpacket_tx.h: sending one burst of frames by sendmmsg() until every frame has left or has a counted reason not
 * to: the AF_PACKET backend's transmit policy, apart from the socket so that its retries can be tested. */
#ifndef DP_AFPACKET_TX_H
#define DP_AFPACKET_TX_H

#include <stdint.h>
#include <sys/socket.h>

/*
 * How long a burst waits, in all, for an interface that has no room (EAGAIN/ENOBUFS: the socket's buffer is full,
 * or the driver's queue is stopped until its consumer catches up). Meanwhile the worker reads nothing, so the
 * receive ring, which holds far longer, takes the back-pressure and counts what it cannot hold. Past this, the
 * interface is taken as stuck: the rest of the burst is counted as tx_failed, so a dead link cannot stall the
 * worker.
 */
#define DP_AFP_TX_WAIT_NS (50ull * 1000000ull)

struct dp_afp_sender {
	/* sendmmsg(): the number of frames sent from the front of msg, or -1 with errno */
	int (*send)(void *ctx, struct mmsghdr *msg, unsigned n);
	/* a frame this interface will never take (longer than its MTU and not GSO): err is the kernel's reason */
	void (*refused)(void *ctx, const struct mmsghdr *msg, int err);
	void *ctx;
	uint64_t wait_ns; /* DP_AFP_TX_WAIT_NS; tests shorten it */
};

struct dp_afp_sent {
	unsigned sent;	  /* frames the kernel took */
	unsigned refused; /* frames handed to refused() */
	unsigned failed;  /* frames given up: the interface stayed full for wait_ns, or it is down */
	unsigned waits;	  /* times the burst waited for room */
};

/* Sends msg[0..n) in order; every frame ends up in exactly one of sent, refused and failed. */
void dp_afp_send_burst(const struct dp_afp_sender *s, struct mmsghdr *msg, unsigned n, struct dp_afp_sent *out);

#endif /* DP_AFPACKET_TX_H */

/* backend_xdp.h: AF_XDP and the XDP fast path are real only when libxdp/libbpf and clang were present at build
 * time; stubs otherwise. */
#ifndef DP_BACKEND_XDP_H
#define DP_BACKEND_XDP_H

#ifdef DP_HAVE_XDP
extern const struct dp_backend_ops dp_backend_afxdp;
extern const struct dp_backend_ops dp_backend_xdp;
#define DP_BACKEND_AFXDP (&dp_backend_afxdp)
#define DP_BACKEND_XDP (&dp_backend_xdp)
#define DP_BACKEND_AFXDP_STATUS "yes"
#define DP_BACKEND_AFXDP_SHORT "yes"
#else
#define DP_BACKEND_AFXDP ((const struct dp_backend_ops *)0)
#define DP_BACKEND_XDP ((const struct dp_backend_ops *)0)
#define DP_BACKEND_AFXDP_STATUS "no (libxdp/libbpf or clang were absent at build time)"
#define DP_BACKEND_AFXDP_SHORT "no"
#endif

/*
 * The AF_XDP worker's nap after it drained its RX ring, in ns: 200 µs (250-300 µs slept with a 50 µs timer slack),
 * the long end of what a NIC's interrupt moderation waits. A shorter nap wakes the worker more often for the same
 * frames: with 50 µs, AF_XDP cost about a third more CPU per SYN at 100 kpps (docs/benchmarks.md, "The worker's
 * nap"). Capped so that the RX ring holds four naps at 1 Mpps: a small ring gets a shorter nap (64 entries: 16 µs);
 * the worker's timer slack is a quarter of its nap, so that a short nap is not stretched to 50 µs.
 */
static inline long dp_afxdp_nap_ns(unsigned rx_frames)
{
	enum {
		NAP_NS = 200000,
		NS_PER_FRAME = 250 /* a quarter of a frame's time at 1 Mpps */
	};

	return rx_frames < NAP_NS / NS_PER_FRAME ? (long)rx_frames * NS_PER_FRAME : NAP_NS;
}

#endif

/* fastpath.h: the XDP program (src/xdp) as userspace drives it: loaded from the object built into the library, its
 * maps filled from the core's published configuration, its counters read back. Real only with libbpf/libxdp and
 * clang at build time (DP_HAVE_XDP); stubs that say so otherwise. */
#ifndef DP_BACKEND_FASTPATH_H
#define DP_BACKEND_FASTPATH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syncookied/core.h"

struct dp_config;
struct dp_fastpath;

/*
 * Which programs of the object are loaded: only the one a backend attaches, so that a kernel whose verifier refuses
 * the fast path still runs plain AF_XDP and AF_PACKET's tc filter.
 */
enum dp_fastpath_use {
	DP_FASTPATH_ALL = 0,  /* every program (the tests) */
	DP_FASTPATH_XDP,      /* backend xdp: dp_xdp_fastpath */
	DP_FASTPATH_REDIRECT, /* plain AF_XDP: dp_xdp_redirect and the hosts map, records not checked */
	DP_FASTPATH_TC,	      /* AF_PACKET: dp_tc_taken and the hosts map, records not checked */
};

struct dp_fastpath_opts {
	uint32_t flow_slots; /* as the worker's flow table (0 = its default); the map holds 3/4 of it */
	uint32_t est_timeout_s, closing_timeout_s; /* 0 = the core's defaults (600, 120) */
	int tx_ifindex; /* > 0: forwards leave by this interface (XDP_REDIRECT), else XDP_TX */
	enum dp_fastpath_use use;
};

#ifdef DP_HAVE_XDP
/* Loads the object and sets up its maps (no host yet, nothing attached). 0 or -errno with a reason in err. */
int dp_fastpath_open(const struct dp_fastpath_opts *o, struct dp_fastpath **out, char *err, size_t errlen);
void dp_fastpath_close(struct dp_fastpath *fp);
/* The programs and the AF_XDP socket map, for the backend to attach and fill. */
int dp_fastpath_prog_fd(const struct dp_fastpath *fp);	   /* dp_xdp_fastpath: decides what it can (-1: none) */
int dp_fastpath_redirect_fd(const struct dp_fastpath *fp); /* dp_xdp_redirect: every IP frame to the socket */
int dp_fastpath_xsk_map_fd(const struct dp_fastpath *fp);
int dp_fastpath_tc_fd(const struct dp_fastpath *fp); /* dp_tc_taken: the AF_PACKET backend's tc filter */
/* Whether every host of cfg makes a record the program can use: 0, or -EINVAL naming the host and the field. */
int dp_fastpath_check(const struct dp_config *cfg, char *err, size_t errlen);
/* Makes the maps say what the published cfg says: our MACs, every host (each host one element, replaced whole, so a
 * packet sees the old record or the new), no other host. Checks every record first (dp_fastpath_check): when one
 * is refused nothing is written. 0 or -errno with the reason in err. */
int dp_fastpath_sync(struct dp_fastpath *fp, const struct dp_config *cfg, char *err, size_t errlen);
/* The program's counters, for dp_core_set_counter_source(). */
void dp_fastpath_counter_source(struct dp_fastpath *fp, struct dp_counter_source *out);
/* Frames its XDP programs left to the kernel as for no protected host (every CPU, since the load). */
uint64_t dp_fastpath_to_kernel(struct dp_fastpath *fp);
/* Removes expired flows, looking at up to budget of them from where the last call stopped; returns how many. */
uint32_t dp_fastpath_sweep(struct dp_fastpath *fp, uint64_t now_ns, uint32_t budget);
/* The passes over the flow map the sweep began (it skips a map it knows to be empty). */
uint64_t dp_fastpath_sweep_scans(const struct dp_fastpath *fp);
/* The AF_PACKET backend's tc ingress filter (dp_tc_taken) on ifindex: frames of the protected hosts end after the
 * packet sockets took them, instead of going on into the box's own IP stack. Detach: when it was attached. */
int dp_fastpath_tc_attach(struct dp_fastpath *fp, int ifindex, char *err, size_t errlen);
void dp_fastpath_tc_detach(struct dp_fastpath *fp);
#else
static inline int dp_fastpath_open(const struct dp_fastpath_opts *o, struct dp_fastpath **out, char *err, size_t errlen)
{
	(void)o;
	*out = NULL;
	if (errlen)
		__builtin_snprintf(err, errlen, "the XDP fast path was not built (libbpf/libxdp or clang absent)");
	return -EOPNOTSUPP;
}
static inline void dp_fastpath_close(struct dp_fastpath *fp)
{
	(void)fp;
}
static inline int dp_fastpath_sync(struct dp_fastpath *fp, const struct dp_config *cfg, char *err, size_t errlen)
{
	(void)fp, (void)cfg, (void)err, (void)errlen;
	return -EOPNOTSUPP;
}
static inline int dp_fastpath_check(const struct dp_config *cfg, char *err, size_t errlen)
{
	(void)cfg, (void)err, (void)errlen;
	return -EOPNOTSUPP;
}
static inline void dp_fastpath_counter_source(struct dp_fastpath *fp, struct dp_counter_source *out)
{
	(void)fp;
	*out = (struct dp_counter_source){ 0 };
}
static inline uint64_t dp_fastpath_to_kernel(struct dp_fastpath *fp)
{
	(void)fp;
	return 0;
}
static inline uint32_t dp_fastpath_sweep(struct dp_fastpath *fp, uint64_t now_ns, uint32_t budget)
{
	(void)fp, (void)now_ns, (void)budget;
	return 0;
}
static inline uint64_t dp_fastpath_sweep_scans(const struct dp_fastpath *fp)
{
	(void)fp;
	return 0;
}
static inline int dp_fastpath_tc_attach(struct dp_fastpath *fp, int ifindex, char *err, size_t errlen)
{
	(void)fp, (void)ifindex, (void)err, (void)errlen;
	return -EOPNOTSUPP;
}
static inline void dp_fastpath_tc_detach(struct dp_fastpath *fp)
{
	(void)fp;
}
#endif

#endif /* DP_BACKEND_FASTPATH_H */

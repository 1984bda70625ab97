/* synflood_cfg.h: what the SYN-flood generator's loader (tests/bench/synflood.h) and its XDP program
 * (tests/xdp/synflood.bpf.c) share: the frame's configuration, set before the program is loaded, and the state of a
 * paced run. Numbers in host order. */
#ifndef DP_SYNFLOOD_CFG_H
#define DP_SYNFLOOD_CFG_H

#include <stdint.h>

#define SYNFLOOD_FRAME_LEN 54 /* Ethernet, IPv4 and TCP headers, no options, no payload */

struct synflood_cfg {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint32_t daddr;	  /* the SYNs' destination */
	uint32_t ifindex; /* the interface the frames go out of */
	uint16_t src_net; /* the sources are random addresses of this /16 */
	uint16_t dport;
};

/* One run: the program sends count frames at one every interval_ps, then drops every frame it is run on. The loader
 * writes the first three fields (and zeroes the rest) before a run, and reads the rest after. */
struct synflood_state {
	uint64_t count;
	uint64_t interval_ps; /* 0: as fast as the CPU goes */
	uint64_t max_lag_ps;  /* a sender later than this forgets the rest of its debt instead of sending a burst */
	uint64_t burst;	      /* frames leave in bursts of this many, back to back, at the same average rate (>= 1) */
	uint64_t sent;
	uint64_t next_ps;	    /* when the next frame is due (CLOCK_MONOTONIC) */
	uint64_t first_ns, last_ns; /* when the first and the last frame went */
	uint64_t forgiven;	    /* frames the sender was too late for (CPU 0 was taken) */
};

#endif /* DP_SYNFLOOD_CFG_H */

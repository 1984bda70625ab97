/* synflood.bpf.c: the SYN-flood generator's program (tests/bench/synflood_gen.c), run by BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES on the generator's CPU. Each run writes one whole IPv4 SYN (no options) from a random
 * source 10.1.x.y and port, with a random ISN and IP id and complete checksums, into the frame, and redirects it out
 * of the generator's interface: on a veth the frame goes straight into the peer's receive ring, without an skb or
 * the stack's work on the generator's side.
 *
 * Pacing: the loader runs the program back to back; a run before the next frame is due drops its frame (which goes
 * straight back to the run's page pool), so frames leave evenly spaced, one every interval, as a NIC's transmit at
 * a set rate would send them. A sender that falls behind (the CPU was taken from it) sends at most a short burst,
 * then forgets the rest of its debt: the run's achieved rate says so, and the receiver never sees a burst that no
 * NIC at that rate would send. With a burst of N, the frames leave N at a time, back to back, every N intervals: a
 * NIC that coalesces its interrupts hands its driver the frames of a few microseconds at once.
 *
 * The kernel fills a live frame from data_in only when it allocates its page, and recycles pages with whatever the
 * last user left in them (an answerer that reflects frames in place sends them back modified), so every run writes
 * all 54 bytes. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <stdint.h>

#include "synflood_cfg.h"

/* Set by the loader before the program is loaded (the object's .rodata). */
const volatile struct synflood_cfg cfg;
/* The run: set and read by the loader between runs of the program (the object's .bss). */
struct synflood_state st;

static __always_inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static __always_inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static __always_inline uint16_t fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

SEC("xdp")
int synflood(struct xdp_md *md)
{
	uint8_t *d = (void *)(long)md->data, *end = (void *)(long)md->data_end, *ip = d + 14, *th = d + 34;
	uint32_t r1, r2, saddr, daddr = cfg.daddr, seq, sum;
	uint64_t now = bpf_ktime_get_ns(), now_ps = now * 1000;
	uint16_t sport, id;

	if (st.sent >= st.count || d + SYNFLOOD_FRAME_LEN > end)
		return XDP_DROP;
	if (st.interval_ps && st.burst && st.sent % st.burst == 0) { /* a burst's first frame waits for its time */
		if (st.sent == 0)
			st.next_ps = now_ps;
		if (now_ps < st.next_ps)
			return XDP_DROP;
		if (now_ps - st.next_ps > st.max_lag_ps) {
			st.forgiven += (now_ps - st.next_ps) / st.interval_ps;
			st.next_ps = now_ps;
		}
		st.next_ps += st.interval_ps * st.burst;
	}
	if (st.sent++ == 0)
		st.first_ns = now;
	st.last_ns = now;
	r1 = bpf_get_prandom_u32();
	r2 = bpf_get_prandom_u32();
	saddr = (uint32_t)cfg.src_net << 16 | (r1 & 0xffff);
	sport = 1024 + (r1 >> 16) % 64512;
	id = (uint16_t)(r2 >> 16 ^ r1);
	seq = r2;
#pragma unroll
	for (int i = 0; i < 6; i++) {
		d[i] = cfg.dst_mac[i];
		d[6 + i] = cfg.src_mac[i];
	}
	put16(d + 12, 0x0800);
	/* IPv4: version 4, 20 bytes, total length 40, DF, TTL 64, TCP */
	sum = 0x4500 + 40 + id + 0x4000 + 0x4006 + (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff);
	put16(ip, 0x4500);
	put16(ip + 2, 40);
	put16(ip + 4, id);
	put16(ip + 6, 0x4000);
	put16(ip + 8, 0x4006);
	put16(ip + 10, fold(sum));
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	/* TCP: the pseudo-header, then SYN, 20 bytes, window 64240, no options */
	sum = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 6 + 20;
	sum += sport + cfg.dport + (seq >> 16) + (seq & 0xffff) + 0x5002 + 64240;
	put16(th, sport);
	put16(th + 2, cfg.dport);
	put32(th + 4, seq);
	put32(th + 8, 0);
	put16(th + 12, 0x5002);
	put16(th + 14, 64240);
	put16(th + 16, fold(sum));
	put16(th + 18, 0);
	return bpf_redirect(cfg.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";

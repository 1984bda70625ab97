/* bench.c: `syncookied-dp bench`: the packet core's throughput per thread on synthetic bursts (one JSON line). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core_int.h"
#include "csum.h"
#include "parse.h"

/*
 * Each thread owns a worker and a pool of pristine frames. Per burst of DP_BURST it copies the next frames
 * into its burst buffers (what a NIC's DMA would have done: the reply overwrites a SYN, forwarding rewrites
 * the MACs) and calls dp_worker_burst(). The copy is inside the measured time, so figures are conservative.
 * ns_per_packet is thread CPU time per packet (other processes on a shared machine do not count); mpps_total is
 * packets over wall time (it does suffer from them).
 *   syn          SYN with MSS, SACK_PERM, TS, WSCALE (a Linux client's), random sources -> SYN-ACK
 *   ack          the valid cookie ACKs of those SYNs (with TS echo) -> new flow, forward; the flow table is
 *                emptied between passes over the pool, outside the measured time, so every ACK is new
 *   established  data segments of known flows -> forward
 *   filtered     TCP to port 80 against a 3-rule filter whose last rule drops it
 */
enum workload {
	W_SYN,
	W_ACK,
	W_EST,
	W_FILTERED
};

#define POOL 8192
#define FRAME 128

static const uint8_t OUR_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t ROUTER_MAC[6] = { 0x02, 0, 0, 0, 0, 0xee };
static const uint8_t HOST_MAC[6] = { 0x0c, 0xc4, 0x7a, 0x6a, 0xfa, 0xbf };
static const uint8_t HOST_IP[4] = { 10, 99, 0, 2 };

struct bench {
	enum workload wl;
	int ts2026; /* host in tcp_timestamps=1 with the 2026 tsoff rule (one more SipHash per SYN and ACK) */
	double seconds;
	struct dp_core *core;
};

struct thread_res {
	uint64_t packets;
	uint64_t ns; /* thread CPU time */
	uint64_t wall_ns;
	uint64_t wrong; /* verdicts other than the workload's */
	int err;
};

struct thread_arg {
	struct bench *b;
	unsigned id;
	struct thread_res res;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CPU time of this thread: on a shared machine, wall time would count other processes' time slices. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* An IPv4 TCP frame; opts padded to 4 by the caller. Returns the length. */
static uint32_t build(uint8_t *f, uint32_t saddr, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		      uint8_t flags, const uint8_t *opts, unsigned optlen, unsigned payload)
{
	uint8_t *ip = f + 14, *th = ip + 20;
	unsigned thl = 20 + optlen, l4 = thl + payload;
	uint64_t sum;
	uint16_t c;

	memcpy(f, OUR_MAC, 6);
	memcpy(f + 6, ROUTER_MAC, 6);
	f[12] = 0x08;
	f[13] = 0;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	dp_put_be16(ip + 2, (uint16_t)(20 + l4));
	ip[6] = 0x40;
	ip[8] = 57;
	ip[9] = 6;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, HOST_IP, 4);
	c = dp_csum_finish(dp_csum_add(0, ip, 20));
	memcpy(ip + 10, &c, 2);
	memset(th, 0, thl + payload);
	dp_put_be16(th, sport);
	dp_put_be16(th + 2, dport);
	dp_put_be32(th + 4, seq);
	dp_put_be32(th + 8, ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	dp_put_be16(th + 14, 64240);
	memcpy(th + 20, opts, optlen);
	sum = dp_csum_pseudo(ip + 12, ip + 16, 4, 6, l4);
	c = dp_csum_finish(dp_csum_add(sum, th, l4));
	memcpy(th + 16, &c, 2);
	return 14 + 20 + l4;
}

static struct dp_config *make_config(enum workload wl, int ts2026, uint64_t t0)
{
	static const struct dp_filter_rule rules[] = {
		{ "tcp and dst port 22", DP_FILTER_PASS },
		{ "udp and dst port 53", DP_FILTER_DROP },
		{ "tcp and dst port 80", DP_FILTER_DROP },
	};
	struct dp_config *cfg = dp_config_new(&OUR_MAC, 1);
	struct dp_host_cfg h;
	char err[256];

	if (!cfg)
		return NULL;
	dp_host_cfg_init(&h);
	h.ip.family = 4;
	memcpy(h.ip.a, HOST_IP, 4);
	memcpy(h.mac, HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	h.cur.v4[0][0] = 0x22d66e2a30aa5387ULL;
	h.cur.v4[0][1] = 0x4b459b49f3a9d00aULL;
	h.cur.v4[1][0] = 0x675e70b4be33f434ULL;
	h.cur.v4[1][1] = 0xc1bf14b609b4e230ULL;
	h.ts_mode = ts2026 ? DP_TS_2026 : DP_TS_ZERO;
	h.sysctl.timestamps = ts2026 ? 1 : 2;
	h.cur.ts[0] = 0x0123456789abcdefULL;
	h.cur.ts[1] = 0xfedcba9876543210ULL;
	h.clock.hz = 250;
	h.clock.jiffies = 286326ULL * 15000 + 30 * 250;
	h.clock.count = 286326;
	h.clock.tcp_clock_ms = 308286;
	h.clock.local_ns = t0;
	if (wl == W_FILTERED && dp_filter_compile(rules, 3, DP_FILTER_PASS, &h.filter, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		dp_config_free(cfg);
		return NULL;
	}
	if (dp_config_set_host(cfg, &h)) {
		dp_config_free(cfg);
		cfg = NULL;
	}
	dp_filter_put(h.filter);
	return cfg;
}

static const uint8_t SYN_OPTS[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };

/* Fills the pool; for ack/established the SYNs go through the core first to learn their cookies. */
static int fill_pool(struct dp_worker *w, enum workload wl, uint8_t *pool, uint32_t *lens, unsigned id, uint64_t t)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL * (id + 1);
	uint8_t ackopts[12] = { 1, 1, 8, 10, 0, 0, 0, 2 };
	unsigned i;

	for (i = 0; i < POOL; i++) {
		uint8_t *f = pool + (size_t)i * FRAME;
		uint32_t saddr = (uint32_t)xs(&s) | 0x01, seq = (uint32_t)xs(&s);
		uint16_t sport = (uint16_t)(1024 + xs(&s) % 60000);
		struct dp_pkt p = { .data = f, .cap = FRAME }, *pp = &p;
		uint8_t act;
		uint32_t isn, tsval;

		lens[i] = build(f, saddr, sport, 80, seq, 0, DP_TCP_SYN, SYN_OPTS, 20, 0);
		if (wl == W_SYN)
			continue;
		if (wl == W_FILTERED) {
			lens[i] = build(f, saddr, sport, 80, seq, (uint32_t)xs(&s), DP_TCP_ACK, NULL, 0, 0);
			continue;
		}
		p.len = lens[i];
		dp_worker_burst(w, &pp, &act, 1, t);
		if (act != DP_ACT_REPLY)
			return -EPROTO;
		isn = dp_be32(f + 34 + 4);
		tsval = dp_be32(f + 34 + 20 + 8);
		dp_put_be32(ackopts + 8, tsval);
		lens[i] = build(f, saddr, sport, 80, seq + 1, isn + 1, DP_TCP_ACK, ackopts, 12, 0);
		if (wl == W_EST) { /* make the flow, then keep a data segment of it */
			p.len = lens[i];
			dp_worker_burst(w, &pp, &act, 1, t);
			if (act != DP_ACT_FORWARD)
				return -EPROTO;
			lens[i] = build(f, saddr, sport, 80, seq + 1 + 1000, isn + 1 + 5000, DP_TCP_ACK | DP_TCP_PSH,
					ackopts, 12, 32);
		}
	}
	return 0;
}

static void *thread_main(void *arg)
{
	struct thread_arg *ta = arg;
	struct bench *b = ta->b;
	uint8_t expect = b->wl == W_SYN ? DP_ACT_REPLY : b->wl == W_FILTERED ? DP_ACT_DROP : DP_ACT_FORWARD;
	struct dp_worker *w = dp_worker_new(b->core, &(struct dp_worker_params){ .flow_slots = POOL * 4 });
	uint8_t *pool = aligned_alloc(64, (size_t)POOL * FRAME), *ring = aligned_alloc(64, (size_t)POOL * FRAME);
	uint32_t *lens = malloc(POOL * sizeof(*lens));
	struct dp_pkt pkts[DP_BURST], *pp[DP_BURST];
	uint8_t act[DP_BURST];
	uint64_t t0, t, end, n = 0, wrong = 0, c0, excluded = 0;
	unsigned next = 0, i;

	if (!w || !pool || !ring || !lens || fill_pool(w, b->wl, pool, lens, ta->id, now_ns())) {
		ta->res.err = 1;
		goto out;
	}
	/* ring = the frames as a NIC would have left them in its buffers; pool = pristine copies */
	memcpy(ring, pool, (size_t)POOL * FRAME);
	for (i = 0; i < DP_BURST; i++)
		pp[i] = &pkts[i];
	t0 = now_ns();
	c0 = cpu_ns();
	end = t0 + (uint64_t)(b->seconds * 1e9);
	t = t0;
	while (t < end) {
		for (int k = 0; k < 64; k++) {
			uint8_t *base = ring + (size_t)next * FRAME;
			const uint8_t *src = pool + (size_t)next * FRAME;

			/* Undo the previous pass's rewrite (what fresh DMA would do): the whole frame after a reply, the
			 * MACs after a forward, nothing after a drop. */
			for (i = 0; i < DP_BURST; i++) {
				if (b->wl == W_SYN)
					memcpy(base + (size_t)i * FRAME, src + (size_t)i * FRAME, 80);
				else if (b->wl != W_FILTERED)
					memcpy(base + (size_t)i * FRAME, src + (size_t)i * FRAME, 12);
				pkts[i] = (struct dp_pkt){ .data = base + (size_t)i * FRAME,
							   .len = lens[next + i],
							   .cap = FRAME };
			}
			dp_worker_burst(w, pp, act, DP_BURST, t);
			for (i = 0; i < DP_BURST; i++)
				wrong += act[i] != expect;
			n += DP_BURST;
			next = (next + DP_BURST) & (POOL - 1);
			if (b->wl == W_ACK && next == 0) { /* every ACK of the next pass must be new again */
				uint64_t p0 = cpu_ns();
				memset(w->ft.tags, 0, (size_t)(w->ft.mask + 1) * sizeof(*w->ft.tags));
				w->ft.count = 0;
				excluded += cpu_ns() - p0;
			}
		}
		t = now_ns();
	}
	ta->res.packets = n;
	ta->res.ns = cpu_ns() - c0 - excluded;
	ta->res.wall_ns = t - t0;
	ta->res.wrong = wrong;
out:
	free(pool);
	free(ring);
	free(lens);
	dp_worker_free(w);
	return NULL;
}

static int usage_error(const char *what)
{
	fprintf(stderr,
		"syncookied-dp bench: %s\n"
		"usage: syncookied-dp bench --workload syn|ack|established|filtered --seconds S --threads T"
		" [--ts-rule zero|2026]\n",
		what);
	return DP_CLI_EBADARG;
}

int dp_cli_bench(int argc, char **argv)
{
	struct bench b = { .wl = W_SYN, .seconds = 5 };
	static const char *names[] = { "syn", "ack", "established", "filtered" };
	unsigned threads = 1, i;
	struct thread_arg *ta;
	pthread_t *th;
	uint64_t packets = 0, ns_max = 0, wrong = 0;
	double ns_sum = 0;
	char *end;

	for (i = 1; i < (unsigned)argc; i++) {
		const char *opt = argv[i], *val = i + 1 < (unsigned)argc ? argv[i + 1] : NULL;

		if (!val)
			return usage_error("missing value for the last option");
		i++;
		if (!strcmp(opt, "--workload")) {
			unsigned k;
			for (k = 0; k < 4 && strcmp(val, names[k]); k++)
				;
			if (k == 4)
				return usage_error("bad --workload (syn|ack|established|filtered)");
			b.wl = (enum workload)k;
		} else if (!strcmp(opt, "--seconds")) {
			errno = 0;
			b.seconds = strtod(val, &end);
			if (errno || *end || !(b.seconds > 0 && b.seconds <= 3600))
				return usage_error("bad --seconds (0 < S <= 3600)");
		} else if (!strcmp(opt, "--ts-rule")) {
			if (strcmp(val, "zero") && strcmp(val, "2026"))
				return usage_error("bad --ts-rule (zero|2026)");
			b.ts2026 = !strcmp(val, "2026");
		} else if (!strcmp(opt, "--threads")) {
			errno = 0;
			unsigned long v = strtoul(val, &end, 10);
			if (errno || *end || v == 0 || v > 256)
				return usage_error("bad --threads (1..256)");
			threads = (unsigned)v;
		} else {
			char msg[128];
			snprintf(msg, sizeof(msg), "unknown option '%s'", opt);
			return usage_error(msg);
		}
	}
	b.core = dp_core_new(threads);
	ta = calloc(threads, sizeof(*ta));
	th = calloc(threads, sizeof(*th));
	if (!b.core || !ta || !th || dp_core_publish(b.core, make_config(b.wl, b.ts2026, now_ns()))) {
		fprintf(stderr, "syncookied-dp bench: setup failed\n");
		return 1;
	}
	for (i = 0; i < threads; i++) {
		ta[i].b = &b;
		ta[i].id = i;
		if (pthread_create(&th[i], NULL, thread_main, &ta[i])) {
			fprintf(stderr, "syncookied-dp bench: cannot start thread %u\n", i);
			return 1;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (ta[i].res.err) {
			fprintf(stderr, "syncookied-dp bench: thread %u could not prepare its packets\n", i);
			return 1;
		}
		packets += ta[i].res.packets;
		wrong += ta[i].res.wrong;
		ns_sum += (double)ta[i].res.ns / (double)ta[i].res.packets;
		if (ta[i].res.wall_ns > ns_max)
			ns_max = ta[i].res.wall_ns;
	}
	if (wrong) {
		fprintf(stderr, "syncookied-dp bench: %llu of %llu verdicts were not the workload's\n",
			(unsigned long long)wrong, (unsigned long long)packets);
		return 1;
	}
	double ns_pp = ns_sum / threads;
	printf("{\"workload\":\"%s\",\"packets\":%llu,\"seconds\":%.3f,\"threads\":%u,\"mpps_per_thread\":%.2f,"
	       "\"ns_per_packet\":%.2f,\"mpps_total\":%.2f}\n",
	       names[b.wl], (unsigned long long)packets, (double)ns_max / 1e9, threads, 1000.0 / ns_pp, ns_pp,
	       (double)packets / ((double)ns_max / 1e3));
	free(ta);
	free(th);
	dp_core_free(b.core);
	return 0;
}

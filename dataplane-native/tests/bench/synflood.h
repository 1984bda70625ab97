/* synflood.h: the SYN-flood generator's loader and pacer (the CLI synflood_gen.c and its test use it). The program
 * (tests/xdp/synflood.bpf.c) writes and redirects each frame; this side loads it with the frame's configuration
 * and runs it back to back under BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (Linux >= 5.18) until the run's
 * count has gone. One test run lasts the whole run: a watcher thread ends it with a signal when the count has gone
 * (a test run checks for signals between batches), since every test run sets up and tears down a page pool: test
 * runs of 65536 program runs each left gaps of tens of milliseconds between them here (measured: a sender paced at
 * 100 kpps achieved 30-50), which no paced sender can have. One page pool for the whole run also recycles the
 * frames' pages, as a NIC driver's are, instead of allocating them. */
#ifndef DP_SYNFLOOD_H
#define DP_SYNFLOOD_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../xdp/synflood_cfg.h"

#define SYNFLOOD_REPEAT 0x7fffffff /* program runs per test run: more than any run takes */
#define SYNFLOOD_MAX_LAG 16	   /* frames a late sender may still send back to back */

struct synflood {
	struct bpf_object *obj;
	int prog_fd, state_fd;
	struct synflood_cfg cfg;
};

static inline struct bpf_map *synflood_map(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	size_t n = strlen(suffix);

	bpf_object__for_each_map(m, obj)
	{
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (len >= n && !strcmp(name + len - n, suffix))
			return m;
	}
	return NULL;
}

/* Loads the program with its configuration. 0, or -errno with the reason in err. */
static inline int synflood_open(struct synflood *g, const char *path, const struct synflood_cfg *cfg, char *err,
				size_t errlen)
{
	struct bpf_map *rodata, *bss;
	size_t sz = 0;
	int rc;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->obj = bpf_object__open_file(path, NULL);
	if (!g->obj) {
		rc = -errno;
		snprintf(err, errlen, "opening %s: %s", path, strerror(-rc));
		return rc;
	}
	rodata = synflood_map(g->obj, ".rodata");
	bss = synflood_map(g->obj, ".bss");
	if (rodata)
		bpf_map__initial_value(rodata, &sz);
	if (sz != sizeof(*cfg) || !bss || bpf_map__value_size(bss) != sizeof(struct synflood_state) ||
	    bpf_map__set_initial_value(rodata, cfg, sizeof(*cfg))) {
		snprintf(err, errlen,
			 "%s: not the generator's program (its .rodata and .bss do not match synflood_cfg.h)", path);
		bpf_object__close(g->obj);
		return -EINVAL;
	}
	rc = bpf_object__load(g->obj);
	if (rc) {
		snprintf(err, errlen, "loading %s: %s", path, strerror(-rc));
		bpf_object__close(g->obj);
		return rc;
	}
	g->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(g->obj, "synflood"));
	g->state_fd = bpf_map__fd(bss);
	return 0;
}

static inline void synflood_close(struct synflood *g)
{
	bpf_object__close(g->obj);
}

/* Arms a run of count frames at pps frames per second (0: as fast as the CPU goes), in bursts of burst frames. */
static inline int synflood_arm(struct synflood *g, uint64_t count, uint64_t pps, uint64_t burst)
{
	struct synflood_state s = { .count = count, .burst = burst ? burst : 1 };
	uint32_t zero = 0;

	if (pps) {
		s.interval_ps = 1000000000000ULL / pps;
		s.max_lag_ps = (SYNFLOOD_MAX_LAG > 2 * s.burst ? SYNFLOOD_MAX_LAG : 2 * s.burst) * s.interval_ps;
	}
	return bpf_map_update_elem(g->state_fd, &zero, &s, BPF_ANY) ? -errno : 0;
}

static inline int synflood_state(const struct synflood *g, struct synflood_state *s)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(g->state_fd, &zero, s) ? -errno : 0;
}

/* One run of the program on the frame in (SYNFLOOD_FRAME_LEN bytes of anything), not sent: its verdict, and the
 * frame it wrote in out. */
static inline int synflood_frame(struct synflood *g, const uint8_t *in, uint8_t *out, uint32_t *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = in, .data_size_in = SYNFLOOD_FRAME_LEN, .data_out = out,
		    .data_size_out = SYNFLOOD_FRAME_LEN, .repeat = 1);
	int rc = bpf_prog_test_run_opts(g->prog_fd, &tr);

	*verdict = tr.retval;
	return rc ? -errno : 0;
}

static inline uint64_t synflood_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void synflood_wake(int sig)
{
	(void)sig; /* only there to interrupt the test run */
}

struct synflood_watch {
	const struct synflood *g;
	pthread_t sender;
	uint64_t count, until;
	volatile int finished; /* the sender has left its loop */
};

/* Every millisecond: once the count has gone or the time is up, signals the sender until it has stopped. */
static inline void *synflood_watcher(void *arg)
{
	struct synflood_watch *w = arg;
	struct timespec ms = { 0, 1000000 };
	struct synflood_state s;

	while (!w->finished) {
		nanosleep(&ms, NULL);
		if (synflood_state(w->g, &s) || s.sent >= w->count || synflood_now_ns() > w->until)
			pthread_kill(w->sender, SIGUSR1);
	}
	return NULL;
}

/* Sends count frames at pps, in bursts of burst, out of the configured interface (the caller's network namespace), on the calling
 * thread's CPU; gives up after timeout_ns. 0 (the run's figures in *s), -ETIMEDOUT, or -errno of the test run.
 * Uses SIGUSR1 (its handler is replaced). */
static inline int synflood_send(struct synflood *g, uint64_t count, uint64_t pps, uint64_t burst, uint64_t timeout_ns,
				struct synflood_state *s)
{
	uint8_t in[SYNFLOOD_FRAME_LEN] = { 0 };
	struct xdp_md ctx = { .data_end = sizeof(in), .ingress_ifindex = g->cfg.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = in, .data_size_in = sizeof(in), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = SYNFLOOD_REPEAT, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct synflood_watch w = { .g = g, .sender = pthread_self(), .count = count };
	struct sigaction sa = { .sa_handler = synflood_wake }; /* no SA_RESTART */
	pthread_t watcher;
	int rc = synflood_arm(g, count, pps, burst);

	if (rc)
		return rc;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	w.until = synflood_now_ns() + timeout_ns;
	rc = -pthread_create(&watcher, NULL, synflood_watcher, &w);
	if (rc)
		return rc;
	while (rc == 0) {
		if (bpf_prog_test_run_opts(g->prog_fd, &tr) && errno != EINTR) {
			rc = -errno;
			break;
		}
		rc = synflood_state(g, s);
		if (rc || s->sent >= count)
			break;
		if (synflood_now_ns() > w.until)
			rc = -ETIMEDOUT;
	}
	w.finished = 1;
	pthread_join(watcher, NULL);
	return rc;
}

#endif /* DP_SYNFLOOD_H */

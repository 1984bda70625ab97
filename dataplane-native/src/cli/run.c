/* run.c: `syncookied-dp run`: the standalone firewall (hosts.yml + secrets dir) and the control-plane worker. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "engine/control.h"
#include "engine/engine.h"
#include "engine/secrets_dir.h"
#include "syncookied/core.h"
#include "syncookied/dataplane.h"

static volatile sig_atomic_t stop_requested, reload_requested, dump_requested;

static void on_usr1(int sig)
{
	(void)sig;
	dump_requested = 1;
}

/* SIGUSR1: every counter's total on one line, for operators and the netns tests. */
static void dump_counters(struct dp_dataplane *dp)
{
	struct dp_dataplane_stats st;
	struct dp_dataplane_health h;

	dp_dataplane_stats(dp, &st);
	dp_dataplane_health(dp, &h);
	fprintf(stderr, "counters:");
	for (unsigned i = 0; i < st.n; i++)
		fprintf(stderr, " %s=%llu", dp_dataplane_stat_name(i), (unsigned long long)st.v[i]);
	fprintf(stderr, " hosts=%u hosts_with_secrets=%u generation=%llu workers_alive=%u\n", h.hosts,
		h.hosts_with_secrets, (unsigned long long)h.generation, h.workers_alive);
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: syncookied-dp run [--backend auto|xdp|afxdp|afpacket|netmap] --iface IF [--tx-iface IF2]\n"
		"                         --hosts hosts.yml --secrets-dir DIR [--cpus 0-3] [--stats-interval S]\n"
		"                         [--control-socket PATH [--control-socket-group GROUP]] [--flow-slots N]\n"
		"                         [--xdp-mode auto|skb|drv] [--xsk-ring N] [--rt-priority 1..99]\n"
		"  worker mode (driven by the control plane): --control-socket PATH without --hosts\n"
		"  --backend auto (the default) starts the fastest backend this kernel and NIC run: xdp, then afxdp,\n"
		"                 then afpacket, and says which and why.\n"
		"  --control-socket-group GROUP  members of GROUP may use the control socket (mode 0660); default: only\n"
		"                                this process's user (0600). The socket carries the hosts' secrets.\n"
		"  --flow-slots N  flow-table slots per packet worker, rounded up to a power of two (default %u);\n"
		"                  %u bytes each, allocated at start (default: %u MiB per worker)\n"
		"  --xsk-ring N    xdp and afxdp: entries of each AF_XDP socket's RX and fill rings, a power of two from\n"
		"                  %u to %u (default %u); as many 4 KiB receive frames per worker. What the ring holds\n"
		"                  is what arrives while the worker is not scheduled: more holds a longer gap.\n"
		"  SIGHUP re-reads hosts.yml and every secrets file; a bad file keeps the running config.\n",
		DP_DEFAULT_FLOW_SLOTS, DP_FLOW_BYTES_PER_SLOT,
		DP_DEFAULT_FLOW_SLOTS / (1u << 20) * DP_FLOW_BYTES_PER_SLOT, DP_XSK_RING_MIN, DP_XSK_RING_MAX,
		DP_XSK_RING_DEFAULT);
}

static int bad_arg(const char *name, const char *why)
{
	fprintf(stderr, "syncookied-dp run: %s: %s\n", name, why);
	return DP_CLI_EBADARG;
}

/* A decimal number from min to max (dp_parse_unsigned: no sign, nothing that wraps into the range). */
static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!dp_parse_unsigned(s, 10, max, &v) || v < min)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * Lets the members of one group (the control plane's user) connect: the worker can then run under its own identity,
 * holding the raw-socket and BPF capabilities that the control plane never gets.
 */
static int share_socket(const char *path, gid_t gid, const char *group)
{
	if (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0) {
		fprintf(stderr, "syncookied-dp run: --control-socket-group %s: %s: %s\n", group, path, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_hosts(struct dp_dataplane *dp, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int err;

	if (!f) {
		fprintf(stderr, "hosts: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	do {
		if (cap - len < 4096) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!p) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	err = dp_dataplane_set_hosts_yaml(dp, buf, len, path, 1);
	free(buf);
	if (err)
		fprintf(stderr, "hosts: %s (the previous configuration keeps running)\n", dp_dataplane_last_error(dp));
	return err;
}

static int stat_index(const char *name)
{
	for (unsigned i = 0; dp_dataplane_stat_name(i); i++)
		if (!strcmp(dp_dataplane_stat_name(i), name))
			return (int)i;
	return -1;
}

static void stats_line(struct dp_dataplane *dp, struct dp_dataplane_stats *prev, double secs)
{
	struct dp_dataplane_stats st;
	struct dp_dataplane_health h;
	char drops[512] = "";
	size_t off = 0;
	unsigned i;
	uint64_t v[DP_DATAPLANE_STATS_MAX];

	dp_dataplane_stats(dp, &st);
	dp_dataplane_health(dp, &h);
	for (i = 0; i < st.n; i++)
		v[i] = st.v[i] - prev->v[i];
	/* every drop reason that moved, by its metric name */
	for (i = 0; i < st.n; i++) {
		const char *name = dp_dataplane_stat_name(i);

		if (v[i] && !strncmp(name, "rx_drop_", 8) && off < sizeof(drops) - 64)
			off += (size_t)snprintf(drops + off, sizeof(drops) - off, " %s=%.0f/s", name + 8, v[i] / secs);
	}
#define RATE(name) (stat_index(name) >= 0 ? v[stat_index(name)] / secs : 0.0)
#define TOTAL(name) (stat_index(name) >= 0 ? (unsigned long long)st.v[stat_index(name)] : 0ull)
	fprintf(stderr,
		"stats: rx %.0f/s syn %.0f/s fwd %.0f/s drop %.0f/s%s%s%s | tx %.0f/s tx_failed %llu | flows %llu | "
		"workers %u/%u hosts %u (%u with secrets) gen %llu\n",
		RATE("rx_pps"), RATE("rx_syn"), RATE("rx_forwarded"), RATE("rx_drop"), off ? " (" : "", drops + !!off,
		off ? ")" : "", RATE("tx_pps"), TOTAL("tx_failed"), TOTAL("flows"), h.workers_alive, h.workers, h.hosts,
		h.hosts_with_secrets, (unsigned long long)h.generation);
	*prev = st;
}

/*
 * One start with the backend o names: 0; -1 when the backend could not start (the reason in why, the exit code it
 * would be in *code); > 0, an exit code, when something else is wrong (a bad hosts file is the operator's).
 */
static int start_with(struct dp_dataplane_opts *o, const char *hosts, const char *secrets, struct dp_dataplane **dpp,
		      struct dp_secrets_dir **sdp, char *why, size_t whylen, int *code)
{
	struct dp_dataplane *dp = NULL;
	int rc = dp_dataplane_create(o, &dp);

	*dpp = dp;
	if (rc) {
		snprintf(why, whylen, "%s", dp ? dp_dataplane_last_error(dp) : strerror(-rc));
		if (rc == -ENODEV) { /* no such interface: no other backend finds it either */
			fprintf(stderr, "syncookied-dp run: %s\n", why);
			return DP_CLI_EBADARG;
		}
		*code = rc == -EINVAL || rc == -EPROTONOSUPPORT ? DP_CLI_EBADARG : 1;
		return -1;
	}
	if (hosts && load_hosts(dp, hosts))
		return DP_CLI_EBADARG;
	if (secrets && !*sdp) {
		*sdp = dp_secrets_dir_new(secrets);
		if (!*sdp)
			return 1;
	}
	if (*sdp)
		dp_secrets_dir_scan(*sdp, dp, true, stderr);
	if (dp_dataplane_start(dp)) {
		snprintf(why, whylen, "%s", dp_dataplane_last_error(dp));
		*code = 1;
		return -1;
	}
	return 0;
}

/*
 * The backend --backend names, or (auto) the fastest that starts here: the XDP fast path, then AF_XDP, then
 * AF_PACKET. Prints what it picked and why. 0, or the exit code.
 */
static int start_fastest(struct dp_dataplane_opts *o, const char *hosts, const char *secrets, struct dp_dataplane **dpp,
			 struct dp_secrets_dir **sdp)
{
	static const char *const order[] = { "xdp", "afxdp", "afpacket" };
	bool automatic = !strcmp(o->backend, "auto");
	char why[300], skipped[700] = "";
	size_t off = 0;
	int rc = 1, code = 1;

	for (unsigned i = 0; i < (automatic ? 3u : 1u); i++) {
		if (automatic)
			o->backend = order[i];
		rc = start_with(o, hosts, secrets, dpp, sdp, why, sizeof(why), &code);
		if (rc == 0) {
			fprintf(stderr, "syncookied-dp %s: backend %s on %s%s%s (%s%s), backends compiled: %s\n",
				DP_VERSION, o->backend, o->iface, o->tx_iface ? " -> " : "",
				o->tx_iface ? o->tx_iface : "",
				automatic ? "auto: the fastest this kernel and NIC run" : "as --backend says", skipped,
				dp_dataplane_backends());
			return 0;
		}
		if (rc > 0)
			return rc;
		fprintf(stderr, "syncookied-dp run: backend %s: %s\n", o->backend, why);
		if (automatic && off < sizeof(skipped))
			off += (size_t)snprintf(skipped + off, sizeof(skipped) - off, "; %s did not start: %s",
						o->backend, why);
		dp_dataplane_destroy(*dpp);
		*dpp = NULL;
	}
	return code;
}

int dp_cli_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "iface", required_argument, NULL, 'i' },
		{ "tx-iface", required_argument, NULL, 'o' },
		{ "hosts", required_argument, NULL, 'c' },
		{ "secrets-dir", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "stats-interval", required_argument, NULL, 'S' },
		{ "control-socket", required_argument, NULL, 'u' },
		{ "control-socket-group", required_argument, NULL, 'g' },
		{ "flow-slots", required_argument, NULL, 'f' },
		{ "xdp-mode", required_argument, NULL, 'x' },
		{ "rt-priority", required_argument, NULL, 'R' },
		{ "xsk-ring", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dp_dataplane_opts o = { .backend = "auto" };
	const char *hosts = NULL, *secrets = NULL, *sock = NULL, *sock_group = NULL;
	gid_t sock_gid = 0;
	struct dp_secrets_dir *sd = NULL;
	struct dp_control *ctl = NULL;
	struct dp_dataplane *dp = NULL;
	struct dp_dataplane_stats prev = { 0 };
	double interval = 5;
	uint64_t last_stats, last_scan;
	char err[256];
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:i:o:c:s:C:S:u:g:f:x:R:X:h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'b':
			o.backend = optarg;
			break;
		case 'i':
			o.iface = optarg;
			break;
		case 'o':
			o.tx_iface = optarg;
			break;
		case 'c':
			hosts = optarg;
			break;
		case 's':
			secrets = optarg;
			break;
		case 'C':
			o.cpus = optarg;
			break;
		case 'u':
			sock = optarg;
			break;
		case 'g': {
			struct group *g = getgrnam(optarg);

			if (!g)
				return bad_arg("--control-socket-group", "no such group");
			sock_group = optarg;
			sock_gid = g->gr_gid;
			break;
		}
		case 'S':
			errno = 0;
			interval = strtod(optarg, &end);
			/* written so that NaN (which every comparison calls false) is refused too */
			if (errno || end == optarg || *end || !(interval >= 0.1 && interval <= 3600))
				return bad_arg("--stats-interval", "expected seconds from 0.1 to 3600");
			break;
		case 'f':
			if (!parse_u32(optarg, 1024, UINT32_MAX, &o.flow_slots))
				return bad_arg("--flow-slots", "expected a number from 1024 to 4294967295");
			break;
		case 'R':
			if (!parse_u32(optarg, 1, 99, &o.rt_priority))
				return bad_arg("--rt-priority", "expected 1..99 (SCHED_FIFO workers)");
			break;
		case 'X':
			if (!parse_u32(optarg, DP_XSK_RING_MIN, DP_XSK_RING_MAX, &o.xsk_ring) ||
			    (o.xsk_ring & (o.xsk_ring - 1)))
				return bad_arg("--xsk-ring", "expected a power of two from 64 to 32768 (AF_XDP RX ring "
							     "entries)");
			break;
		case 'x':
			if (!strcmp(optarg, "auto"))
				o.xdp_mode = 0;
			else if (!strcmp(optarg, "skb"))
				o.xdp_mode = 1;
			else if (!strcmp(optarg, "drv"))
				o.xdp_mode = 2;
			else
				return bad_arg("--xdp-mode", "expected auto, skb or drv");
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return DP_CLI_EBADARG;
		}
	}
	if (optind < argc)
		return bad_arg(argv[optind], "unexpected argument");
	if (!o.iface)
		return bad_arg("--iface", "missing (the interface the diverted traffic arrives on)");
	if (!hosts && !sock)
		return bad_arg("--hosts", "missing (or --control-socket for worker mode)");
	if (hosts && !secrets)
		return bad_arg("--secrets-dir", "missing (DIR/<protected-ip> holds each host's /proc/tcp_secrets)");
	if (sock_group && !sock)
		return bad_arg("--control-socket-group", "needs --control-socket");

	if (sock && dp_control_open(sock, &ctl, err, sizeof(err))) {
		fprintf(stderr, "syncookied-dp run: %s\n", err);
		return 1;
	}
	if (sock_group && share_socket(sock, sock_gid, sock_group)) {
		rc = 1;
		goto out_destroy;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGHUP, on_hup);
	signal(SIGUSR1, on_usr1);
	rc = start_fastest(&o, hosts, secrets, &dp, &sd);
	if (rc)
		goto out_destroy;
	fprintf(stderr, "running%s%s\n", sock ? ", control socket " : "", sock ? sock : "");
	last_stats = last_scan = dp_now_ns();
	while (!stop_requested) {
		uint64_t now;

		if (ctl) {
			if (dp_control_poll(ctl, dp, 200))
				break;
		} else {
			usleep(200000);
		}
		if (reload_requested) {
			reload_requested = 0;
			fprintf(stderr, "SIGHUP: reloading %s and secrets\n", hosts ? hosts : "(no hosts file)");
			if (hosts && !load_hosts(dp, hosts))
				fprintf(stderr, "hosts: %s reloaded, flows kept\n", hosts);
			if (sd)
				dp_secrets_dir_scan(sd, dp, true, stderr);
		}
		if (dump_requested) {
			dump_requested = 0;
			dump_counters(dp);
		}
		now = dp_now_ns();
		if (sd && now - last_scan >= 1000000000ull) {
			dp_secrets_dir_scan(sd, dp, false, stderr);
			last_scan = now;
		}
		if ((double)(now - last_stats) >= interval * 1e9) {
			stats_line(dp, &prev, (double)(now - last_stats) / 1e9);
			last_stats = now;
		}
	}
	fprintf(stderr, "stopping: draining in-flight bursts\n");
	dp_dataplane_stop(dp);
	dump_counters(dp);
	rc = 0;
out_destroy:
	dp_control_close(ctl);
	dp_secrets_dir_free(sd);
	dp_dataplane_destroy(dp);
	return rc;
}

/* test_cli_cookie.c: runs the syncookied-dp binary over every real-kernel vector line (cookie4/6, check4/6, tsval)
 * comparing its output byte for byte, and checks that bad arguments give one stderr line naming them and exit 2. */
#include <sys/wait.h>
#include <unistd.h>

#include "crypto_check.h"
#include "vectors.h"

struct run {
	int status;
	char out[512];
	char err[512];
};

/* fork/exec without a shell: argv goes to the tool as given; stdout and stderr captured separately. */
static void run(char *const argv[], struct run *r)
{
	int po[2], pe[2];
	pid_t pid;
	ssize_t n;
	size_t lo = 0, le = 0;
	int st;

	memset(r, 0, sizeof(*r));
	if (pipe(po) || pipe(pe)) {
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execv(DP_CLI_PATH, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	while ((n = read(po[0], r->out + lo, sizeof(r->out) - 1 - lo)) > 0)
		lo += (size_t)n;
	while ((n = read(pe[0], r->err + le, sizeof(r->err) - 1 - le)) > 0)
		le += (size_t)n;
	close(po[0]);
	close(pe[0]);
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_vector_line(const struct vec *v)
{
	const char (*c)[64] = v->col;
	char seq1[16], ack1[16], want[256];
	struct run r;

	char *mk[] = { "syncookied-dp", v->v6 ? "cookie6" : "cookie4", "--k0", (char *)c[C_K0], "--k1",
		       (char *)c[C_K1], "--count", (char *)c[C_COUNT], "--saddr", (char *)c[C_SADDR], "--daddr",
		       (char *)c[C_DADDR], "--sport", (char *)c[C_SPORT], "--dport", (char *)c[C_DPORT], "--seq",
		       (char *)c[C_SEQ], "--mss", (char *)c[C_MSS_IN], NULL };
	run(mk, &r);
	snprintf(want, sizeof(want), "isn=%s mss_index=%s mss=%s\n", c[C_ISN], c[C_MSS_INDEX], c[C_MSS_ENCODED]);
	CC_CHECK(r.status == 0 && !strcmp(r.out, want) && !r.err[0], "line %d: %s -> status %d out '%s' err '%s'",
		 v->line, mk[1], r.status, r.out, r.err);

	snprintf(seq1, sizeof(seq1), "%u", v->client_seq + 1);
	snprintf(ack1, sizeof(ack1), "%u", v->isn + 1);
	char *ck[] = { "syncookied-dp", v->v6 ? "check6" : "check4", "--k0", (char *)c[C_K0], "--k1",
		       (char *)c[C_K1], "--count", (char *)c[C_COUNT], "--saddr", (char *)c[C_SADDR], "--daddr",
		       (char *)c[C_DADDR], "--sport", (char *)c[C_SPORT], "--dport", (char *)c[C_DPORT], "--seq", seq1,
		       "--ack", ack1, NULL };
	run(ck, &r);
	snprintf(want, sizeof(want), "mss=%s\n", c[C_MSS_ENCODED]);
	CC_CHECK(r.status == 0 && !strcmp(r.out, want), "line %d: %s -> status %d out '%s'", v->line, ck[1],
		 r.status, r.out);
	snprintf(ack1, sizeof(ack1), "%u", v->isn + 1 + (1U << 20));
	run(ck, &r);
	CC_CHECK(r.status == 0 && !strcmp(r.out, "invalid\n"), "line %d: tampered %s -> '%s'", v->line, ck[1],
		 r.out);

	if (!v->has_ts)
		return;
	char *tv[] = { "syncookied-dp", "tsval", "--now-ms", (char *)c[C_TS_CLOCK], "--tsoff", (char *)c[C_TSOFF],
		       "--wscale", (char *)c[C_WSCALE_IN], "--sack", (char *)c[C_SACK_IN], "--ecn",
		       (char *)c[C_ECN_IN], NULL };
	run(tv, &r);
	snprintf(want, sizeof(want), "tsval=%s\n", c[C_TSVAL]);
	CC_CHECK(r.status == 0 && !strcmp(r.out, want), "line %d: tsval -> status %d out '%s' err '%s'", v->line,
		 r.status, r.out, r.err);
}

/* Each bad argument: exit 2, nothing on stdout, exactly one stderr line that names the option. */
static void expect_bad(const char *names, char *const argv[])
{
	struct run r;
	char *nl;

	run(argv, &r);
	nl = strchr(r.err, '\n');
	CC_CHECK(r.status == 2, "%s: status %d (err '%s')", names, r.status, r.err);
	CC_CHECK(!r.out[0], "%s: printed '%s'", names, r.out);
	CC_CHECK(nl && nl[1] == '\0' && strstr(r.err, names), "%s: stderr '%s'", names, r.err);
}

#define K "0123456789abcdef,fedcba9876543210"

static void test_bad_arguments(void)
{
	expect_bad("--k0", (char *[]){ "x", "cookie4", "--k0", "zz,00", "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
				       "--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--mss",
				       "1460", NULL });
	expect_bad("--k1", (char *[]){ "x", "cookie4", "--k0", K, "--k1", "12345678901234567,1", "--count", "1",
				       "--saddr", "1.2.3.4", "--daddr", "5.6.7.8", "--sport", "1", "--dport", "2",
				       "--seq", "3", "--mss", "1460", NULL });
	expect_bad("--count", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "-1", "--saddr", "1.2.3.4",
					  "--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--mss",
					  "1460", NULL });
	expect_bad("--saddr", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3",
					  "--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--mss",
					  "1460", NULL });
	expect_bad("--daddr", (char *[]){ "x", "cookie6", "--k0", K, "--k1", K, "--count", "1", "--saddr", "::1",
					  "--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--mss",
					  "1460", NULL });
	expect_bad("--sport", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
					  "--daddr", "5.6.7.8", "--sport", "65536", "--dport", "2", "--seq", "3",
					  "--mss", "1460", NULL });
	expect_bad("--seq", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
					"--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "4294967296",
					"--mss", "1460", NULL });
	expect_bad("--mss", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
					"--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--mss",
					"big", NULL });
	expect_bad("--mss", (char *[]){ "x", "cookie4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
					"--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", NULL });
	expect_bad("--ack", (char *[]){ "x", "check4", "--k0", K, "--k1", K, "--count", "1", "--saddr", "1.2.3.4",
					"--daddr", "5.6.7.8", "--sport", "1", "--dport", "2", "--seq", "3", "--ack",
					"0x10", NULL });
	expect_bad("--bogus", (char *[]){ "x", "check6", "--bogus", "1", NULL });
	expect_bad("--xsk-ring", (char *[]){ "x", "run", "--iface", "lo", "--xsk-ring", "3000", NULL });
	expect_bad("--xsk-ring", (char *[]){ "x", "run", "--iface", "lo", "--xsk-ring", "65536", NULL });
	/* above UINT32_MAX or signed: strtoul would wrap these into the range (2^32 + 64, -(2^32 - 64), 2^32 + 1) */
	expect_bad("--xsk-ring", (char *[]){ "x", "run", "--iface", "lo", "--xsk-ring", "4294967360", NULL });
	expect_bad("--xsk-ring", (char *[]){ "x", "run", "--iface", "lo", "--xsk-ring", "-4294967232", NULL });
	expect_bad("--xsk-ring", (char *[]){ "x", "run", "--iface", "lo", "--xsk-ring", " 64", NULL });
	expect_bad("--rt-priority", (char *[]){ "x", "run", "--iface", "lo", "--rt-priority", "4294967297", NULL });
	expect_bad("--stats-interval", (char *[]){ "x", "run", "--iface", "lo", "--stats-interval", "nan", NULL });
	expect_bad("--stats-interval", (char *[]){ "x", "run", "--iface", "lo", "--stats-interval", "", NULL });
	expect_bad("--stats-interval", (char *[]){ "x", "run", "--iface", "lo", "--stats-interval", "1e999", NULL });
	expect_bad("--rt-priority", (char *[]){ "x", "run", "--iface", "lo", "--rt-priority", "+10", NULL });
	expect_bad("--flow-slots", (char *[]){ "x", "run", "--iface", "lo", "--flow-slots", "4294968320", NULL });
	expect_bad("--flow-slots", (char *[]){ "x", "run", "--iface", "lo", "--flow-slots", "", NULL });
	expect_bad("--wscale", (char *[]){ "x", "tsval", "--now-ms", "1", "--tsoff", "0", "--wscale", "256", "--sack",
					   "0", "--ecn", "0", NULL });
	expect_bad("--sack", (char *[]){ "x", "tsval", "--now-ms", "1", "--tsoff", "0", "--wscale", "none", "--sack",
					 "2", "--ecn", "0", NULL });
	expect_bad("--now-ms", (char *[]){ "x", "tsval", "--now-ms", "", "--tsoff", "0", "--wscale", "none", "--sack",
					   "0", "--ecn", "0", NULL });
	expect_bad("--rule", (char *[]){ "x", "tsoff4", "--rule", "2025", "--secret", K, "--local", "1.2.3.4",
					 "--remote", "5.6.7.8", "--lport", "80", "--rport", "1000", NULL });
	expect_bad("--remote", (char *[]){ "x", "tsoff6", "--rule", "2026", "--secret", K, "--local", "::1",
					   "--remote", "fe80::1::2", "--lport", "80", "--rport", "1000", NULL });
	expect_bad("--rport", (char *[]){ "x", "tsoff4", "--rule", "pre2026", "--secret", K, "--local", "1.2.3.4",
					  "--remote", "5.6.7.8", "--lport", "80", NULL });
	expect_bad("nosuchcmd", (char *[]){ "x", "nosuchcmd", NULL });
}

static void test_tsoff_and_version(void)
{
	struct run r;

	run((char *[]){ "x", "tsoff4", "--rule", "2026", "--secret", K, "--local", "10.0.0.1", "--remote",
			"192.0.2.1", "--lport", "443", "--rport", "40000", NULL }, &r);
	CC_CHECK(r.status == 0 && !strncmp(r.out, "tsoff=", 6), "tsoff4: %d '%s' '%s'", r.status, r.out, r.err);
	run((char *[]){ "x", "tsoff6", "--rule=pre2026", "--secret", K, "--local", "fd00::1", "--remote", "fd00::2",
			"--lport", "443", "--rport", "40000", NULL }, &r);
	CC_CHECK(r.status == 0 && !strncmp(r.out, "tsoff=", 6), "tsoff6: %d '%s' '%s'", r.status, r.out, r.err);
	run((char *[]){ "x", "--version", NULL }, &r);
	CC_CHECK(r.status == 0 && !strncmp(r.out, "syncookied-dp ", 14) && strstr(r.out, "\nbackends: "),
		 "--version: '%s'", r.out);
}

int main(void)
{
	unsigned n;
	struct vec *v = vec_load(&n);

	for (unsigned i = 0; i < n; i++)
		test_vector_line(&v[i]);
	free(v);
	test_bad_arguments();
	test_tsoff_and_version();
	printf("%u vector lines through %s\n", n, DP_CLI_PATH);
	return cc_summary();
}

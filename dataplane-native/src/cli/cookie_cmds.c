/* cookie_cmds.c: syncookied-dp cookie4/check4/cookie6/check6/tsval/tsoff4/tsoff6 (kernel-exact cookie tools). */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "cookie.h"
#include "tsopt.h"

#define FAIL DP_CLI_EBADARG

/* --mss: decimal 0..65535, or "none" for a SYN without an MSS option (the kernel then uses 536 / 1220). */
static bool mss_arg(const struct dp_args *a, uint32_t none_value, uint32_t *mss)
{
	const char *v = dp_args_get(a, "mss");
	uint16_t m;

	if (!v)
		return false;
	if (!strcmp(v, "none")) {
		*mss = none_value;
		return true;
	}
	if (!dp_args_port(a, "mss", &m))
		return false;
	*mss = m;
	return true;
}

static int cookie_cmd(int argc, char **argv, bool v6, bool check)
{
	struct dp_args a = { .cmd = argv[0],
			     .name = { "k0", "k1", "count", "saddr", "daddr", "sport", "dport", "seq",
				       check ? "ack" : "mss", NULL } };
	uint64_t k0[2], k1[2];
	uint32_t count, seq, ack = 0, mss = 0, out[3];
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	int r;

	if (!dp_args_parse(&a, argc, argv) || !dp_args_key(&a, "k0", k0) || !dp_args_key(&a, "k1", k1) ||
	    !dp_args_u32(&a, "count", &count) ||
	    !(v6 ? dp_args_ip6(&a, "saddr", saddr) : dp_args_ip4(&a, "saddr", saddr)) ||
	    !(v6 ? dp_args_ip6(&a, "daddr", daddr) : dp_args_ip4(&a, "daddr", daddr)) ||
	    !dp_args_port(&a, "sport", &sport) || !dp_args_port(&a, "dport", &dport) || !dp_args_u32(&a, "seq", &seq) ||
	    !(check ? dp_args_u32(&a, "ack", &ack) : mss_arg(&a, v6 ? DP_TCP6_MSS_DEFAULT : DP_TCP_MSS_DEFAULT, &mss)))
		return FAIL;

	if (check) {
		r = v6 ? dp_cookie6_check(k0, k1, count, saddr, daddr, sport, dport, seq, ack) :
			 dp_cookie4_check(k0, k1, count, saddr, daddr, sport, dport, seq, ack);
		if (r > 0)
			printf("mss=%d\n", r);
		else
			printf("invalid\n");
		return 0;
	}
	if (v6)
		dp_cookie6_make(k0, k1, count, saddr, daddr, sport, dport, seq, mss, out);
	else
		dp_cookie4_make(k0, k1, count, saddr, daddr, sport, dport, seq, mss, out);
	printf("isn=%u mss_index=%u mss=%u\n", out[0], out[1], out[2]);
	return 0;
}

int dp_cli_cookie4(int argc, char **argv)
{
	return cookie_cmd(argc, argv, false, false);
}
int dp_cli_check4(int argc, char **argv)
{
	return cookie_cmd(argc, argv, false, true);
}
int dp_cli_cookie6(int argc, char **argv)
{
	return cookie_cmd(argc, argv, true, false);
}
int dp_cli_check6(int argc, char **argv)
{
	return cookie_cmd(argc, argv, true, true);
}

int dp_cli_tsval(int argc, char **argv)
{
	struct dp_args a = { .cmd = argv[0], .name = { "now-ms", "tsoff", "wscale", "sack", "ecn", NULL } };
	uint64_t now;
	uint32_t tsoff;
	int wscale = -1;
	bool sack, ecn;
	const char *w;

	if (!dp_args_parse(&a, argc, argv) || !dp_args_u64(&a, "now-ms", &now) || !dp_args_u32(&a, "tsoff", &tsoff))
		return FAIL;
	w = dp_args_get(&a, "wscale");
	if (!w)
		return FAIL;
	if (strcmp(w, "none")) {
		uint16_t ws = 0;

		/* a WSCALE option carries one byte; the kernel caps shifts above 14 at 14 */
		if (!dp_args_port(&a, "wscale", &ws))
			return FAIL;
		if (ws > 255) {
			dp_args_error(&a, "bad --wscale '%s': expected a shift 0..255 or none", w);
			return FAIL;
		}
		wscale = ws;
	}
	if (!dp_args_bool01(&a, "sack", &sack) || !dp_args_bool01(&a, "ecn", &ecn))
		return FAIL;
	printf("tsval=%u\n", dp_ts_tsval(now, tsoff, wscale, sack, ecn));
	return 0;
}

static int tsoff_cmd(int argc, char **argv, bool v6)
{
	struct dp_args a = { .cmd = argv[0], .name = { "rule", "secret", "local", "remote", "lport", "rport", NULL } };
	uint64_t secret[2];
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	const char *rule;
	int r;

	if (!dp_args_parse(&a, argc, argv) || !(rule = dp_args_get(&a, "rule")))
		return FAIL;
	if (!strcmp(rule, "2026"))
		r = DP_TSOFF_2026;
	else if (!strcmp(rule, "pre2026"))
		r = DP_TSOFF_PRE2026;
	else {
		dp_args_error(&a, "bad --rule '%s': expected 2026 or pre2026", rule);
		return FAIL;
	}
	if (!dp_args_key(&a, "secret", secret) ||
	    !(v6 ? dp_args_ip6(&a, "local", local) : dp_args_ip4(&a, "local", local)) ||
	    !(v6 ? dp_args_ip6(&a, "remote", remote) : dp_args_ip4(&a, "remote", remote)) ||
	    !dp_args_port(&a, "lport", &lport) || !dp_args_port(&a, "rport", &rport))
		return FAIL;
	printf("tsoff=%u\n", v6 ? dp_ts_tsoff6(r, secret, local, remote, lport, rport) :
				  dp_ts_tsoff4(r, secret, local, remote, lport, rport));
	return 0;
}

int dp_cli_tsoff4(int argc, char **argv)
{
	return tsoff_cmd(argc, argv, false);
}
int dp_cli_tsoff6(int argc, char **argv)
{
	return tsoff_cmd(argc, argv, true);
}

/* fuzz_verdict.c: libFuzzer target on the whole per-frame verdict (parse, filters, SYN-ACK, cookie ACK, flows).
 * Input: byte 0 = packet flags (bit 0: CSUM_PARTIAL with csum_start/offset from bytes 1-2), byte 3 = extra cap,
 * then the frame; the destination MAC is forced to ours (bit 1) so the fuzzer gets past the MAC check, and bit 2
 * fixes the IPv4 header checksum of an untagged frame so that mutations get past it into TCP. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syncookied/core.h"

static const uint8_t OUR_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t HOST_MAC[6] = { 0x0c, 0xc4, 0x7a, 0x6a, 0xfa, 0xbf };
static struct dp_core *core;
static struct dp_worker *w;

static void add_host(struct dp_config *cfg, uint8_t family, const uint8_t *ip, uint8_t flags, enum dp_ts_mode mode,
		     struct dp_filter *f)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = family;
	memcpy(h.ip.a, ip, family == 4 ? 4 : 16);
	memcpy(h.mac, HOST_MAC, 6);
	h.flags = flags;
	h.ts_mode = mode;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = h.cur.v6[i][j] = 0x0123456789abcdefULL * (uint64_t)(i * 2 + j + 1);
	h.cur.ts[0] = 7;
	h.cur.ts[1] = 9;
	h.clock.hz = 250;
	h.clock.jiffies = 4295000000ULL;
	h.clock.count = (uint32_t)(h.clock.jiffies / 15000);
	h.clock.tcp_clock_ms = 99999999;
	h.clock.local_ns = 1000000000000ULL;
	h.syn_refresh_ms = flags & DP_HOST_PREV_VALID ? 55000 : 0;
	/* a pickup window that time (moving with the inputs) runs past: adopted flows, then the normal rule */
	h.pickup_until_ns = flags & DP_HOST_PREV_VALID ? h.clock.local_ns + 3600ULL * 1000000000ULL : 0;
	h.filter = f;
	if (dp_config_set_host(cfg, &h))
		abort();
}

static void setup(void)
{
	static const struct dp_filter_rule rules[] = {
		{ "tcp and dst port 53", DP_FILTER_DROP },
		{ "udp and src portrange 1-1023", DP_FILTER_PASS },
		{ "ip[8] < 5 or ip6[7] < 5", DP_FILTER_DROP },
	};
	static const uint8_t v4a[4] = { 10, 99, 0, 2 }, v4b[4] = { 10, 99, 0, 3 }, v4c[4] = { 10, 99, 0, 4 };
	static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 2 };
	struct dp_config *cfg = dp_config_new(&OUR_MAC, 1);
	struct dp_filter *f;
	char err[256];

	if (!cfg || dp_filter_compile(rules, 3, DP_FILTER_PASS, &f, err, sizeof(err)))
		abort();
	add_host(cfg, 4, v4a, DP_HOST_SECRETS_VALID, DP_TS_2026, f);
	add_host(cfg, 4, v4b, DP_HOST_SECRETS_VALID | DP_HOST_PREV_VALID, DP_TS_PRE2026, NULL);
	add_host(cfg, 4, v4c, DP_HOST_PASSTHROUGH, DP_TS_ZERO, NULL);
	add_host(cfg, 6, v6a, DP_HOST_SECRETS_VALID, DP_TS_2026, f);
	dp_filter_put(f);
	core = dp_core_new(1);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 64 });
	if (!core || !w || dp_core_publish(core, cfg))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t now = 1000000000000ULL;
	uint8_t *buf;
	struct dp_pkt p = { 0 }, *pp = &p;
	uint8_t act;
	size_t len;

	if (!core)
		setup();
	if (size < 4 || size > 4096)
		return 0;
	len = size - 4;
	p.cap = (uint32_t)(len + data[3]);
	buf = malloc(p.cap ? p.cap : 1); /* exact size: ASan catches any write past cap */
	if (!buf)
		return 0;
	memcpy(buf, data + 4, len);
	if ((data[0] & 2) && len >= 6)
		memcpy(buf, OUR_MAC, 6);
	if ((data[0] & 4) && len >= 34 && buf[12] == 0x08 && buf[13] == 0 && (buf[14] >> 4) == 4) {
		unsigned ihl = (buf[14] & 15) * 4u, i;
		uint32_t sum = 0;

		if (14 + ihl <= len) {
			buf[24] = buf[25] = 0;
			for (i = 0; i + 1 < ihl; i += 2)
				sum += (uint32_t)buf[14 + i] << 8 | buf[15 + i];
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			buf[24] = (uint8_t)(~sum >> 8);
			buf[25] = (uint8_t)~sum;
		}
	}
	p.data = buf;
	p.len = (uint32_t)len;
	if (data[0] & 1) {
		p.flags = DP_PKT_CSUM_PARTIAL;
		p.csum_start = data[1];
		p.csum_offset = data[2];
	}
	now += (uint64_t)(data[0] >> 2) * 7000000000ULL; /* time moves: expiry and count changes get exercised */
	dp_worker_burst(w, &pp, &act, 1, now);
	if (p.len > p.cap)
		abort();
	if (act == DP_ACT_FORWARD && memcmp(buf, HOST_MAC, 6))
		abort();
	if (act == DP_ACT_REPLY && (p.len < 54 || p.len > DP_REPLY_MAX_LEN))
		abort();
	free(buf);
	return 0;
}

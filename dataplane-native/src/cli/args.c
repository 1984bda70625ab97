/* args.c: strict option parsing for syncookied-dp; every error is one line naming the bad option. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

void dp_args_error(const struct dp_args *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "syncookied-dp %s: ", a->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int find(const struct dp_args *a, const char *name)
{
	for (int i = 0; i < DP_ARGS_MAX && a->name[i]; i++)
		if (!strcmp(a->name[i], name))
			return i;
	return -1;
}

bool dp_args_parse(struct dp_args *a, int argc, char **argv)
{
	memset(a->value, 0, sizeof(a->value));
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *eq;
		char name[64];
		int idx;

		if (strncmp(opt, "--", 2) != 0) {
			dp_args_error(a, "unexpected argument '%s' (options are --name value)", opt);
			return false;
		}
		opt += 2;
		eq = strchr(opt, '=');
		if (eq) {
			if ((size_t)(eq - opt) >= sizeof(name)) {
				dp_args_error(a, "unknown option --%s", opt);
				return false;
			}
			memcpy(name, opt, (size_t)(eq - opt));
			name[eq - opt] = '\0';
		} else {
			snprintf(name, sizeof(name), "%s", opt);
		}
		idx = find(a, name);
		if (idx < 0) {
			dp_args_error(a, "unknown option --%s", name);
			return false;
		}
		if (a->value[idx]) {
			dp_args_error(a, "option --%s given twice", name);
			return false;
		}
		if (eq) {
			a->value[idx] = eq + 1;
		} else {
			if (i + 1 >= argc) {
				dp_args_error(a, "option --%s needs a value", name);
				return false;
			}
			a->value[idx] = argv[++i];
		}
	}
	return true;
}

const char *dp_args_get(const struct dp_args *a, const char *name)
{
	int idx = find(a, name);

	if (idx < 0 || !a->value[idx]) {
		dp_args_error(a, "missing --%s", name);
		return NULL;
	}
	return a->value[idx];
}

bool dp_parse_unsigned(const char *s, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || (base == 10 && !isdigit((unsigned char)*s)) || (base == 16 && !isxdigit((unsigned char)*s)))
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool dp_args_u64(const struct dp_args *a, const char *name, uint64_t *out)
{
	const char *v = dp_args_get(a, name);

	if (!v)
		return false;
	if (!dp_parse_unsigned(v, 10, UINT64_MAX, out)) {
		dp_args_error(a, "bad --%s '%s': expected an unsigned decimal 64-bit number", name, v);
		return false;
	}
	return true;
}

bool dp_args_u32(const struct dp_args *a, const char *name, uint32_t *out)
{
	const char *v = dp_args_get(a, name);
	uint64_t x;

	if (!v)
		return false;
	if (!dp_parse_unsigned(v, 10, UINT32_MAX, &x)) {
		dp_args_error(a, "bad --%s '%s': expected an unsigned decimal number 0..4294967295", name, v);
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

bool dp_args_port(const struct dp_args *a, const char *name, uint16_t *out)
{
	const char *v = dp_args_get(a, name);
	uint64_t x;

	if (!v)
		return false;
	if (!dp_parse_unsigned(v, 10, 65535, &x)) {
		dp_args_error(a, "bad --%s '%s': expected a port 0..65535", name, v);
		return false;
	}
	*out = (uint16_t)x;
	return true;
}

bool dp_args_bool01(const struct dp_args *a, const char *name, bool *out)
{
	const char *v = dp_args_get(a, name);

	if (!v)
		return false;
	if (strcmp(v, "0") && strcmp(v, "1")) {
		dp_args_error(a, "bad --%s '%s': expected 0 or 1", name, v);
		return false;
	}
	*out = v[0] == '1';
	return true;
}

/* A siphash_key_t as its two u64 words in hex, "<hex64>,<hex64>" (a '.' separator as in /proc/tcp_secrets too). */
bool dp_args_key(const struct dp_args *a, const char *name, uint64_t out[2])
{
	const char *v = dp_args_get(a, name);
	char w[2][17];
	const char *sep;
	size_t l0, l1;

	if (!v)
		return false;
	sep = strpbrk(v, ",.");
	if (!sep)
		goto bad;
	l0 = (size_t)(sep - v);
	l1 = strlen(sep + 1);
	if (l1 && sep[l1] == '.') /* tolerate the trailing '.' of the /proc format */
		l1--;
	if (!l0 || l0 > 16 || !l1 || l1 > 16)
		goto bad;
	memcpy(w[0], v, l0);
	w[0][l0] = '\0';
	memcpy(w[1], sep + 1, l1);
	w[1][l1] = '\0';
	if (!dp_parse_unsigned(w[0], 16, UINT64_MAX, &out[0]) || !dp_parse_unsigned(w[1], 16, UINT64_MAX, &out[1]))
		goto bad;
	return true;
bad:
	dp_args_error(a, "bad --%s '%s': expected two 64-bit hex words <hex64>,<hex64>", name, v);
	return false;
}

bool dp_args_ip4(const struct dp_args *a, const char *name, uint8_t out[4])
{
	const char *v = dp_args_get(a, name);

	if (!v)
		return false;
	if (inet_pton(AF_INET, v, out) != 1) {
		dp_args_error(a, "bad --%s '%s': expected an IPv4 address", name, v);
		return false;
	}
	return true;
}

bool dp_args_ip6(const struct dp_args *a, const char *name, uint8_t out[16])
{
	const char *v = dp_args_get(a, name);

	if (!v)
		return false;
	if (inet_pton(AF_INET6, v, out) != 1) {
		dp_args_error(a, "bad --%s '%s': expected an IPv6 address", name, v);
		return false;
	}
	return true;
}

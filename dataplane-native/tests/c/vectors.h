/* vectors.h: reader for the real-kernel cookie vectors (src/test/resources/vectors/linux-6.1-debian.tsv). */
#ifndef DP_TEST_VECTORS_H
#define DP_TEST_VECTORS_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_FILE DP_TEST_RESOURCES "/vectors/linux-6.1-debian.tsv"
#define VEC_COLS 22

struct vec {
	int line;
	bool v6;
	char col[VEC_COLS][64]; /* raw text of every column, for the CLI test */
	uint64_t k0[2], k1[2];
	uint32_t count;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t client_seq;
	int mss_in; /* -1 = none */
	uint32_t isn;
	unsigned mss_index, mss_encoded;
	bool ts_in;
	int wscale_in; /* -1 = none */
	bool sack_in, ecn_in;
	bool has_ts; /* ts_clock_ms/tsoff/tsval present */
	uint64_t ts_clock_ms;
	uint32_t tsoff, tsval;
	unsigned server_mss_option;
	int tcp_timestamps;
};

enum {
	C_FAMILY,
	C_K0,
	C_K1,
	C_COUNT,
	C_SADDR,
	C_DADDR,
	C_SPORT,
	C_DPORT,
	C_SEQ,
	C_MSS_IN,
	C_ISN,
	C_MSS_INDEX,
	C_MSS_ENCODED,
	C_TS_IN,
	C_WSCALE_IN,
	C_SACK_IN,
	C_ECN_IN,
	C_TS_CLOCK,
	C_TSOFF,
	C_TSVAL,
	C_SERVER_MSS,
	C_TCP_TIMESTAMPS
};

static const char *const vec_header[VEC_COLS] = {
	"family",	 "k0",	       "k1",	 "count",	"saddr",     "daddr",	    "sport",
	"dport",	 "client_seq", "mss_in", "isn",		"mss_index", "mss_encoded", "ts_in",
	"wscale_in",	 "sack_in",    "ecn_in", "ts_clock_ms", "tsoff",     "tsval",	    "server_mss_option",
	"tcp_timestamps"
};

static bool vec_key(const char *s, uint64_t k[2])
{
	return sscanf(s, "%16llx,%16llx", (unsigned long long *)&k[0], (unsigned long long *)&k[1]) == 2;
}

static int vec_split(char *line, char col[VEC_COLS][64])
{
	int n = 0;
	char *save = NULL;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *t = strtok_r(line, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
		if (n >= VEC_COLS || strlen(t) >= 64)
			return -1;
		strcpy(col[n++], t);
	}
	return n;
}

/* Loads every vector; exits with a message naming the line on a malformed file (it is test data). */
static struct vec *vec_load(unsigned *n_out)
{
	FILE *f = fopen(VEC_FILE, "r");
	char line[1024];
	struct vec *v = NULL;
	unsigned n = 0, cap = 0;
	int lineno = 0;

	if (!f) {
		perror(VEC_FILE);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		char col[VEC_COLS][64];
		struct vec *x;
		bool ok;

		lineno++;
		if (vec_split(line, col) != VEC_COLS) {
			fprintf(stderr, "%s:%d: expected %d columns\n", VEC_FILE, lineno, VEC_COLS);
			exit(1);
		}
		if (lineno == 1) {
			for (int i = 0; i < VEC_COLS; i++)
				if (strcmp(col[i], vec_header[i])) {
					fprintf(stderr, "%s: column %d is '%s', expected '%s'\n", VEC_FILE, i, col[i],
						vec_header[i]);
					exit(1);
				}
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		x = &v[n];
		memset(x, 0, sizeof(*x));
		memcpy(x->col, col, sizeof(col));
		x->line = lineno;
		x->v6 = !strcmp(col[C_FAMILY], "ipv6");
		ok = vec_key(col[C_K0], x->k0) && vec_key(col[C_K1], x->k1);
		ok = ok && inet_pton(x->v6 ? AF_INET6 : AF_INET, col[C_SADDR], x->saddr) == 1;
		ok = ok && inet_pton(x->v6 ? AF_INET6 : AF_INET, col[C_DADDR], x->daddr) == 1;
		x->count = (uint32_t)strtoul(col[C_COUNT], NULL, 10);
		x->sport = (uint16_t)atoi(col[C_SPORT]);
		x->dport = (uint16_t)atoi(col[C_DPORT]);
		x->client_seq = (uint32_t)strtoul(col[C_SEQ], NULL, 10);
		x->mss_in = strcmp(col[C_MSS_IN], "none") ? atoi(col[C_MSS_IN]) : -1;
		x->isn = (uint32_t)strtoul(col[C_ISN], NULL, 10);
		x->mss_index = (unsigned)atoi(col[C_MSS_INDEX]);
		x->mss_encoded = (unsigned)atoi(col[C_MSS_ENCODED]);
		x->ts_in = !strcmp(col[C_TS_IN], "yes");
		x->wscale_in = strcmp(col[C_WSCALE_IN], "none") ? atoi(col[C_WSCALE_IN]) : -1;
		x->sack_in = !strcmp(col[C_SACK_IN], "1");
		x->ecn_in = !strcmp(col[C_ECN_IN], "1");
		x->has_ts = strcmp(col[C_TSVAL], "none") != 0;
		if (x->has_ts) {
			x->ts_clock_ms = strtoull(col[C_TS_CLOCK], NULL, 10);
			x->tsoff = (uint32_t)strtoul(col[C_TSOFF], NULL, 10);
			x->tsval = (uint32_t)strtoul(col[C_TSVAL], NULL, 10);
		}
		x->server_mss_option = (unsigned)atoi(col[C_SERVER_MSS]);
		x->tcp_timestamps = atoi(col[C_TCP_TIMESTAMPS]);
		if (!ok) {
			fprintf(stderr, "%s:%d: bad key or address\n", VEC_FILE, lineno);
			exit(1);
		}
		n++;
	}
	fclose(f);
	*n_out = n;
	return v;
}

#endif /* DP_TEST_VECTORS_H */

/* control_int.h: what the control socket's connection layer (control_conn.c) and its requests (control.c) share. */
#ifndef DP_CONTROL_INT_H
#define DP_CONTROL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/control.h"

#define MAX_CLIENTS 8
#define MAX_LINE 4096		      /* a request line (its payload follows, len=N) */
#define MAX_REQUEST (64u << 20)	      /* a payload: 100,000 hosts with filters fit */
#define OUT_SOFT (256u << 10)	      /* unread replies above this: stop reading the client's requests */
#define OUT_MAX (32u << 20)	      /* unread replies above this: cut the client off */
#define STALL_NS (10ull * 1000000000) /* replies pending this long without progress: cut the client off */

struct client {
	int fd;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap;
	uint64_t stalled_since; /* dp_now_ns() when replies stopped draining; 0 = draining or none pending */
	bool cut;		/* drop after this round (output overflow) */
};

/* Queues n bytes of reply for the client (control_conn.c); past OUT_MAX the client is cut off instead. */
void dp_control_queue(struct client *cl, const void *buf, size_t n);
/* Serves the request at the start of buf (len bytes buffered) once its line and payload are complete (control.c):
 * bytes consumed, 0 if incomplete, -1 to drop the client, -2 on QUIT. */
long dp_control_handle(struct client *cl, struct dp_dataplane *dp, char *buf, size_t len);

#endif

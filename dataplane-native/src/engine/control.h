/* control.h: the worker process's Unix-socket control channel (protocol: docs/dataplane-worker-protocol.md). */
#ifndef DP_CONTROL_H
#define DP_CONTROL_H

#include <stddef.h>

#include "syncookied/dataplane.h"

#define DP_CONTROL_PROTO 2

struct dp_control;

/* Binds and listens on path (mode 0600). A stale socket file is replaced; one with a live listener is not
 * (-EADDRINUSE). 0 or -errno with the reason in err. */
int dp_control_open(const char *path, struct dp_control **out, char *err, size_t errlen);
/* Serves requests for up to timeout_ms. Returns 1 when a client asked the process to QUIT, else 0. */
int dp_control_poll(struct dp_control *c, struct dp_dataplane *dp, int timeout_ms);
void dp_control_close(struct dp_control *c);

/* Internal helpers shared with the CLI. */
unsigned dp_dataplane_host_ips(struct dp_dataplane *dp, char (*ips)[48], unsigned max);

#endif

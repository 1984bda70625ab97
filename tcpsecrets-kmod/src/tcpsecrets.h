/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsecrets.h: what the three parts of the module (proc file, symbol lookup, overflow hook) share. */
#ifndef TCPSECRETS_H
#define TCPSECRETS_H

#include <linux/siphash.h>
#include <linux/types.h>

#define TCPSECRETS_NAME "tcpsecrets"
#define TCPSECRETS_FORMAT 2

/* ksym.c: resolve a kernel symbol (data or text) that is not exported, and check that the
 * address really is that symbol at offset 0 with at least min_size bytes. 0 if not found. */
unsigned long tcpsecrets_ksym(const char *name, size_t min_size);
int tcpsecrets_ksym_init(bool force_kprobe);
const char *tcpsecrets_ksym_method(void);

/* overflow_hook.c: keep the listener's "recent synqueue overflow" stamp fresh while
 * tcp_syncookies=2, so that the kernel accepts cookies it did not send itself. */
int tcpsecrets_hook_init(void);
void tcpsecrets_hook_exit(void);
bool tcpsecrets_hook_enabled(void);
const char *tcpsecrets_hook_families(void);
u64 tcpsecrets_hook_calls(void);

#endif

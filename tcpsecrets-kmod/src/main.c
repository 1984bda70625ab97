// SPDX-License-Identifier: GPL-2.0
/* main.c: /proc/tcp_secrets (format 2, see docs/tcp_secrets-format.md), module load and unload.
 *
 * The file keeps the original tcpsecrets first three lines (jiffies count HZ, then the two SipHash
 * keys of syncookie_secret) so that old parsers work, and adds labelled "key value" lines: the IPv6
 * cookie secrets, the TCP timestamp clock, the timestamp offset rule (and, only on opt-in, its
 * secret), the sysctls the scrubber must honour, and the state of the overflow hook.
 */
#include <linux/cred.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/secure_seq.h>
#include <net/tcp.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <linux/ipv6.h>
#endif

#include "tcpsecrets.h"

#define PROC_NAME "tcp_secrets"

static bool export_ts_secret;
module_param(export_ts_secret, bool, 0644);
MODULE_PARM_DESC(export_ts_secret,
		 "Print the timestamp-offset secret (net_secret on kernels with the 2026 rule, else ts_secret). net_secret also seeds this server's ordinary ISNs: prefer tcp_timestamps=2 (default N)");

static char *resolver = "auto";
module_param(resolver, charp, 0444);
MODULE_PARM_DESC(resolver, "How to find non-exported symbols: auto (kallsyms_lookup_name when safely callable) or kprobe");

static const siphash_key_t *syncookie_secret; /* [2] */
static const siphash_key_t *syncookie6_secret; /* [2], NULL without IPv6 */
static const siphash_key_t *ts_off_secret;     /* net_secret or ts_secret */
static const char *ts_off_rule;                /* "net_secret" or "ts_secret" */
static struct proc_dir_entry *proc_entry;

static void show_key(struct seq_file *m, const siphash_key_t *key)
{
	seq_printf(m, "%016llx.%016llx.", (unsigned long long)key->key[0], (unsigned long long)key->key[1]);
}

static int tcp_secrets_show(struct seq_file *m, void *v)
{
	const struct net *net = &init_net;
	unsigned long flags;
	u64 j, ns;
	int i;

	/* jiffies and the TCP timestamp clock sampled together: the scrubber derives both
	 * the cookie count and the TSval clock from this one instant */
	local_irq_save(flags);
	j = get_jiffies_64();
	ns = tcp_clock_ns();
	local_irq_restore(flags);

	seq_printf(m, "%llu %llu %u\n", j, div_u64(j, TCP_SYNCOOKIE_PERIOD), HZ);
	for (i = 0; i < 2; i++) {
		show_key(m, &syncookie_secret[i]);
		seq_putc(m, '\n');
	}
	seq_printf(m, "format %d\n", TCPSECRETS_FORMAT);
	if (syncookie6_secret) {
		for (i = 0; i < 2; i++) {
			seq_printf(m, "syncookie6_secret%d ", i);
			show_key(m, &syncookie6_secret[i]);
			seq_putc(m, '\n');
		}
	}
	seq_printf(m, "tcp_clock_ms %llu\n", div_u64(ns, NSEC_PER_MSEC));
	seq_printf(m, "ts_offset_rule %s\n", ts_off_rule);
	if (READ_ONCE(export_ts_secret) && ts_off_secret) {
		seq_printf(m, "%s ", ts_off_rule);
		show_key(m, ts_off_secret);
		seq_putc(m, '\n');
	}
	seq_printf(m, "tcp_syncookies %u\n", (unsigned int)READ_ONCE(net->ipv4.sysctl_tcp_syncookies));
	seq_printf(m, "tcp_timestamps %u\n", (unsigned int)READ_ONCE(net->ipv4.sysctl_tcp_timestamps));
	seq_printf(m, "tcp_sack %u\n", (unsigned int)READ_ONCE(net->ipv4.sysctl_tcp_sack));
	seq_printf(m, "tcp_window_scaling %u\n", (unsigned int)READ_ONCE(net->ipv4.sysctl_tcp_window_scaling));
	seq_printf(m, "tcp_ecn %u\n", (unsigned int)READ_ONCE(net->ipv4.sysctl_tcp_ecn));
	if (!tcpsecrets_hook_enabled())
		seq_puts(m, "overflow_hook disabled\n");
	else if (READ_ONCE(net->ipv4.sysctl_tcp_syncookies) == 2)
		seq_puts(m, "overflow_hook active\n");
	else
		seq_puts(m, "overflow_hook inactive\n");
	seq_printf(m, "overflow_hook_calls %llu\n", tcpsecrets_hook_calls());
	return 0;
}

static int tcp_secrets_open(struct inode *inode, struct file *file)
{
	return single_open(file, tcp_secrets_show, NULL);
}

static const struct proc_ops tcp_secrets_ops = {
	.proc_open = tcp_secrets_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static bool key_is_zero(const siphash_key_t *key)
{
	return key->key[0] == 0 && key->key[1] == 0;
}

/* The kernel creates its secrets lazily (net_get_random_once) on first use. Make each of them now,
 * through the exported functions that use them, so that the file never shows all-zero keys. */
static void force_secrets_init(void)
{
	struct iphdr iph = {};
	struct tcphdr th = {};
	u16 mss = 536;

	__cookie_v4_init_sequence(&iph, &th, &mss);
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct ipv6hdr ip6h = {};

		mss = 1220;
		__cookie_v6_init_sequence(&ip6h, &th, &mss);
	}
#endif
	(void)secure_tcp_seq(0, 0, 0, 0); /* net_secret */
#ifdef TCPSECRETS_HAVE_TS_OFF_FN
	{
		/* ts_secret (pre-2026 kernels); only made while tcp_timestamps=1, see the README */
		struct in6_addr any = {};

		(void)secure_tcpv6_ts_off(&init_net, any.s6_addr32, any.s6_addr32);
	}
#endif
}

static int resolve_secrets(void)
{
	unsigned long addr;

	addr = tcpsecrets_ksym("syncookie_secret", 2 * sizeof(siphash_key_t));
	if (!addr) {
		pr_err(TCPSECRETS_NAME ": syncookie_secret not found (needs CONFIG_KALLSYMS_ALL and SipHash cookies, >= 4.13)\n");
		return -ENOENT;
	}
	syncookie_secret = (const siphash_key_t *)addr;
#if IS_ENABLED(CONFIG_IPV6)
	addr = tcpsecrets_ksym("syncookie6_secret", 2 * sizeof(siphash_key_t));
	if (!addr) {
		pr_err(TCPSECRETS_NAME ": syncookie6_secret not found\n");
		return -ENOENT;
	}
	syncookie6_secret = (const siphash_key_t *)addr;
#endif
	/* The 2026 change ("tcp: use net_secret for timestamp offsets") removed ts_secret: the
	 * symbol's presence tells which rule this kernel follows. */
	addr = tcpsecrets_ksym("ts_secret", sizeof(siphash_key_t));
	if (addr) {
		ts_off_rule = "ts_secret";
	} else {
		ts_off_rule = "net_secret";
		addr = tcpsecrets_ksym("net_secret", sizeof(siphash_key_t));
		if (!addr)
			pr_warn(TCPSECRETS_NAME ": net_secret not found: export_ts_secret has no effect\n");
	}
	ts_off_secret = (const siphash_key_t *)addr;
	return 0;
}

static int __init tcp_secrets_init(void)
{
	int ret;

	if (strcmp(resolver, "auto") != 0 && strcmp(resolver, "kprobe") != 0) {
		pr_err(TCPSECRETS_NAME ": resolver=%s: must be auto or kprobe\n", resolver);
		return -EINVAL;
	}
	ret = tcpsecrets_ksym_init(strcmp(resolver, "kprobe") == 0);
	if (ret)
		return ret;
	ret = resolve_secrets();
	if (ret)
		return ret;
	force_secrets_init();
	if (key_is_zero(&syncookie_secret[0]) || key_is_zero(&syncookie_secret[1]) ||
	    (syncookie6_secret && (key_is_zero(&syncookie6_secret[0]) || key_is_zero(&syncookie6_secret[1])))) {
		pr_err(TCPSECRETS_NAME ": syncookie secrets still zero after forced init: refusing to serve them\n");
		return -EIO;
	}

	ret = tcpsecrets_hook_init();
	if (ret)
		return ret;

	proc_entry = proc_create(PROC_NAME, 0400, NULL, &tcp_secrets_ops);
	if (!proc_entry) {
		pr_err(TCPSECRETS_NAME ": cannot create /proc/" PROC_NAME "\n");
		ret = -ENOMEM;
		goto out_unhook;
	}
	proc_set_user(proc_entry, GLOBAL_ROOT_UID, GLOBAL_ROOT_GID);
	pr_info(TCPSECRETS_NAME ": /proc/" PROC_NAME " ready (format %d, symbols via %s, ts offset rule %s, overflow hook %s)\n",
		TCPSECRETS_FORMAT, tcpsecrets_ksym_method(), ts_off_rule, tcpsecrets_hook_families());
	return 0;

out_unhook:
	tcpsecrets_hook_exit();
	return ret;
}

static void __exit tcp_secrets_exit(void)
{
	proc_remove(proc_entry);
	tcpsecrets_hook_exit();
}

module_init(tcp_secrets_init);
module_exit(tcp_secrets_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SYN cookie secrets in /proc/tcp_secrets, and acceptance of cookies sent by a scrubber");
MODULE_VERSION("2.0.0");

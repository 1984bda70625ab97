// SPDX-License-Identifier: GPL-2.0
/* overflow_hook.c: make the kernel accept SYN cookies that the scrubber sent on its behalf.
 *
 * cookie_v4_check()/cookie_v6_check() refuse any cookie unless the listening socket itself overflowed
 * recently: tcp_synq_no_recent_overflow() looks at the listener's rx_opt.ts_recent_stamp, or at
 * reuse->synq_overflow_ts for a SO_REUSEPORT group, and wants it within TCP_SYNCOOKIE_VALID (2 min).
 * Behind the scrubber the server never sends cookies, so that stamp stays stale and every valid
 * cookie is answered with RST (and no counter moves).
 *
 * We put a kprobe (ftrace-based on x86, no code patching of our own) on the entry of both functions.
 * The pre-handler only refreshes the stamp, exactly as the kernel's own tcp_synq_overflow() does
 * when it sends a cookie, and only when that socket's netns has tcp_syncookies=2. It never changes
 * control flow (the original module rewrote regs->ip into a wrapper jumping past the fentry call,
 * which breaks IBT and kCFI). unregister_kprobes() waits for running handlers (RCU), so unloading
 * under traffic is safe.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <net/tcp.h>

#include "tcpsecrets.h"

static DEFINE_MUTEX(hook_lock);
static bool hook_wanted = true;  /* module parameter overflow_hook */
static bool hook_ready;          /* module initialised: parameter writes act at once */
static bool hook_registered[2];
static DEFINE_PER_CPU(u64, hook_calls);

static int refresh_overflow_stamp(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);

	if (unlikely(!sk) || sk->sk_state != TCP_LISTEN)
		return 0;
	if (READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_syncookies) != 2)
		return 0;
	tcp_synq_overflow(sk);
	this_cpu_inc(hook_calls);
	return 0;
}

static struct kprobe hook_probes[2] = {
	{ .symbol_name = "cookie_v4_check", .pre_handler = refresh_overflow_stamp },
	{ .symbol_name = "cookie_v6_check", .pre_handler = refresh_overflow_stamp },
};

/* Called with hook_lock held. IPv4 is mandatory; IPv6 is hooked when the kernel has it. */
static int hook_register(void)
{
	int ret, i;

	for (i = 0; i < ARRAY_SIZE(hook_probes); i++) {
		struct kprobe *kp = &hook_probes[i];

		if (hook_registered[i])
			continue;
		/* a kprobe can be registered again only after its state is reset */
		memset(kp, 0, sizeof(*kp));
		kp->symbol_name = i == 0 ? "cookie_v4_check" : "cookie_v6_check";
		kp->pre_handler = refresh_overflow_stamp;
		ret = register_kprobe(kp);
		if (ret == 0) {
			hook_registered[i] = true;
			continue;
		}
		if (i == 0) {
			pr_err(TCPSECRETS_NAME ": cannot hook cookie_v4_check: %d\n", ret);
			return ret;
		}
		pr_warn(TCPSECRETS_NAME ": cannot hook cookie_v6_check (%d): IPv6 cookies need the server's own overflow\n",
			ret);
	}
	return 0;
}

static void hook_unregister(void)
{
	struct kprobe *kps[ARRAY_SIZE(hook_probes)];
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(hook_probes); i++) {
		if (hook_registered[i])
			kps[n++] = &hook_probes[i];
		hook_registered[i] = false;
	}
	if (n)
		unregister_kprobes(kps, n); /* includes synchronize_rcu(): no handler runs after this */
}

static int overflow_hook_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	mutex_lock(&hook_lock);
	if (hook_ready) {
		if (on)
			ret = hook_register();
		else
			hook_unregister();
	}
	if (!ret)
		hook_wanted = on;
	mutex_unlock(&hook_lock);
	return ret;
}

static int overflow_hook_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", READ_ONCE(hook_wanted) ? 'Y' : 'N');
}

static const struct kernel_param_ops overflow_hook_ops = {
	.set = overflow_hook_set,
	.get = overflow_hook_get,
};
module_param_cb(overflow_hook, &overflow_hook_ops, NULL, 0644);
MODULE_PARM_DESC(overflow_hook,
		 "Refresh the listener's synqueue-overflow stamp on cookie checks while tcp_syncookies=2 (default Y; writable at run time)");

int tcpsecrets_hook_init(void)
{
	int ret = 0;

	mutex_lock(&hook_lock);
	if (hook_wanted)
		ret = hook_register();
	if (ret)
		hook_unregister();
	else
		hook_ready = true;
	mutex_unlock(&hook_lock);
	return ret;
}

void tcpsecrets_hook_exit(void)
{
	mutex_lock(&hook_lock);
	hook_ready = false;
	hook_unregister();
	mutex_unlock(&hook_lock);
}

bool tcpsecrets_hook_enabled(void)
{
	return READ_ONCE(hook_registered[0]);
}

const char *tcpsecrets_hook_families(void)
{
	if (!READ_ONCE(hook_registered[0]))
		return "none";
	return READ_ONCE(hook_registered[1]) ? "ipv4,ipv6" : "ipv4";
}

u64 tcpsecrets_hook_calls(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(hook_calls, cpu);
	return sum;
}

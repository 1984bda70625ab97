// SPDX-License-Identifier: GPL-2.0
/* ksym.c: find non-exported kernel symbols (syncookie_secret, net_secret, ...) safely.
 *
 * kallsyms_lookup_name() is not exported since 5.7. Two ways in, both through register_kprobe(),
 * which resolves a symbol name with the kernel's own kallsyms:
 *  - "kallsyms": a kprobe on kallsyms_lookup_name yields its address; we then call it. That is an
 *    indirect call into a function that was never address-taken: on an IBT kernel whose boot code
 *    sealed (poisoned) that function's ENDBR it would fault, and on a kCFI kernel the type hash
 *    may be missing. So we only call it when its entry starts with ENDBR64 (IBT) and never on kCFI.
 *  - "kprobe": register_kprobe() stores the resolved address in kp.addr before it checks that the
 *    address is probe-able text, so a (failing) registration on a data symbol still resolves it,
 *    with no indirect call at all.
 * Either way the result is cross-checked with sprint_symbol(): it must name exactly that symbol at
 * offset 0, with at least the expected size. A wrong or moved symbol fails the load, never serves
 * garbage.
 */
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/string.h>

#include "tcpsecrets.h"

typedef unsigned long (*kallsyms_lookup_name_fn)(const char *name);

static kallsyms_lookup_name_fn lookup_name;

static unsigned long kprobe_resolve(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	addr = (unsigned long)kp.addr;
	if (ret == 0)
		unregister_kprobe(&kp);
	else if (ret == -ENOENT)
		addr = 0;
	return addr;
}

static bool callable_indirectly(unsigned long fn)
{
	if (IS_ENABLED(CONFIG_CFI_CLANG))
		return false;
#ifdef CONFIG_X86_KERNEL_IBT
	{
		static const u8 endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

		if (memcmp((const void *)fn, endbr64, sizeof(endbr64)) != 0)
			return false;
	}
#endif
	return true;
}

int tcpsecrets_ksym_init(bool force_kprobe)
{
	unsigned long fn;

	lookup_name = NULL;
	if (force_kprobe)
		return 0;
	fn = kprobe_resolve("kallsyms_lookup_name");
	if (!fn) {
		pr_info(TCPSECRETS_NAME ": kallsyms_lookup_name not found, resolving with kprobes\n");
		return 0;
	}
	if (!callable_indirectly(fn)) {
		pr_info(TCPSECRETS_NAME ": kallsyms_lookup_name is not safely callable (IBT/kCFI), resolving with kprobes\n");
		return 0;
	}
	lookup_name = (kallsyms_lookup_name_fn)fn;
	return 0;
}

const char *tcpsecrets_ksym_method(void)
{
	return lookup_name ? "kallsyms" : "kprobe";
}

/* sprint_symbol() prints "name+0xoff/0xsize [module]". */
static bool is_symbol_start(unsigned long addr, const char *name, size_t min_size)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t n = strlen(name);
	unsigned long size;
	char *p;

	sprint_symbol(buf, addr);
	if (strncmp(buf, name, n) != 0 || strncmp(buf + n, "+0x0/", 5) != 0)
		return false;
	p = strchr(buf + n + 5, ' ');
	if (p)
		*p = '\0';
	if (kstrtoul(buf + n + 5, 16, &size))
		return false;
	return size >= min_size;
}

unsigned long tcpsecrets_ksym(const char *name, size_t min_size)
{
	unsigned long addr = lookup_name ? lookup_name(name) : kprobe_resolve(name);

	if (!addr)
		return 0;
	if (!is_symbol_start(addr, name, min_size)) {
		char buf[KSYM_SYMBOL_LEN];

		sprint_symbol(buf, addr);
		pr_err(TCPSECRETS_NAME ": %s resolved to %px which is %s, not %s (>= %zu bytes)\n",
		       name, (void *)addr, buf, name, min_size);
		return 0;
	}
	return addr;
}

/* filter.c: pcap-filter rules compiled by libpcap (DLT_RAW) and run by a bounds-checked classic-BPF interpreter. */
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "parse.h"

#ifndef BPF_MAXINSNS
#define BPF_MAXINSNS 4096
#endif

struct dp_bpf_prog {
	struct bpf_insn *insns;
	uint32_t len;
	enum dp_filter_action action;
};

struct dp_filter {
	_Atomic uint32_t refs;
	unsigned n;
	enum dp_filter_action dflt;
	struct dp_bpf_prog progs[];
};

/* pcap_compile() keeps global parser state in older libpcaps: serialise it. */
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * What the interpreter relies on, checked once here so that the hot loop needs no per-instruction checks
 * beyond packet bounds: known opcodes only, jumps forward and inside the program, scratch memory indexes
 * < BPF_MEMWORDS, no division by a constant zero, and the program ends with a return.
 */
static bool validate(const struct bpf_insn *p, uint32_t len)
{
	uint32_t i;

	if (len == 0 || len > BPF_MAXINSNS)
		return false;
	for (i = 0; i < len; i++) {
		const struct bpf_insn *in = &p[i];
		uint32_t rest = len - i - 1;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX:
			switch (BPF_MODE(in->code)) {
			case BPF_ABS: case BPF_IND: case BPF_MSH: case BPF_LEN: case BPF_IMM:
				break;
			case BPF_MEM:
				if (in->k >= BPF_MEMWORDS)
					return false;
				break;
			default:
				return false;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS)
				return false;
			break;
		case BPF_ALU:
			switch (BPF_OP(in->code)) {
			case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND: case BPF_XOR:
			case BPF_LSH: case BPF_RSH: case BPF_NEG:
				break;
			case BPF_DIV: case BPF_MOD:
				if (BPF_SRC(in->code) == BPF_K && in->k == 0)
					return false;
				break;
			default:
				return false;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				if (in->k > rest)
					return false;
			} else if (in->jt > rest || in->jf > rest) {
				return false;
			}
			break;
		case BPF_RET:
		case BPF_MISC:
			break;
		default:
			return false;
		}
	}
	return BPF_CLASS(p[len - 1].code) == BPF_RET;
}

int dp_filter_compile(const struct dp_filter_rule *rules, unsigned n, enum dp_filter_action dflt,
		      struct dp_filter **out, char *err, size_t errlen)
{
	struct dp_filter *f;
	pcap_t *pc;
	unsigned i;
	int rc = 0;

	*out = NULL;
	if (n > 4096 || (n && !rules)) {
		snprintf(err, errlen, "filters: too many rules (%u, at most 4096)", n);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f) + n * sizeof(f->progs[0]));
	if (!f)
		return -ENOMEM;
	atomic_init(&f->refs, 1);
	f->dflt = dflt;
	pthread_mutex_lock(&compile_lock);
	pc = pcap_open_dead(DLT_RAW, 65535);
	if (!pc) {
		pthread_mutex_unlock(&compile_lock);
		free(f);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct bpf_program bp;

		if (!rules[i].expr || (rules[i].action != DP_FILTER_PASS && rules[i].action != DP_FILTER_DROP)) {
			snprintf(err, errlen, "filters: rule %u: missing expression or bad action", i + 1);
			rc = -EINVAL;
			break;
		}
		if (pcap_compile(pc, &bp, rules[i].expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "filters: rule %u (%s): %s", i + 1, rules[i].expr, pcap_geterr(pc));
			rc = -EINVAL;
			break;
		}
		if (!validate(bp.bf_insns, bp.bf_len)) {
			snprintf(err, errlen, "filters: rule %u (%s): compiled program failed validation", i + 1,
				 rules[i].expr);
			pcap_freecode(&bp);
			rc = -EINVAL;
			break;
		}
		f->progs[i].insns = malloc(bp.bf_len * sizeof(*bp.bf_insns));
		if (!f->progs[i].insns) {
			pcap_freecode(&bp);
			rc = -ENOMEM;
			break;
		}
		memcpy(f->progs[i].insns, bp.bf_insns, bp.bf_len * sizeof(*bp.bf_insns));
		f->progs[i].len = bp.bf_len;
		f->progs[i].action = rules[i].action;
		f->n = i + 1;
		pcap_freecode(&bp);
	}
	pcap_close(pc);
	pthread_mutex_unlock(&compile_lock);
	if (rc) {
		dp_filter_put(f);
		return rc;
	}
	*out = f;
	return 0;
}

struct dp_filter *dp_filter_get(struct dp_filter *f)
{
	if (f)
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	return f;
}

void dp_filter_put(struct dp_filter *f)
{
	unsigned i;

	if (!f || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < f->n; i++)
		free(f->progs[i].insns);
	free(f);
}

/*
 * Classic BPF, as bpf_filter() in libpcap and the kernel: a load outside the packet ends the program with 0
 * (no match), division by a zero X returns 0. Returns the program's return value (non-zero = match).
 */
static uint32_t bpf_run(const struct bpf_insn *pc, const uint8_t *p, uint32_t len)
{
	uint32_t A = 0, X = 0, k;
	uint32_t mem[BPF_MEMWORDS] = { 0 };

	for (;; pc++) {
		switch (pc->code) {
		case BPF_RET | BPF_K:
			return pc->k;
		case BPF_RET | BPF_A:
			return A;
		case BPF_LD | BPF_W | BPF_ABS:
			k = pc->k;
			if (k > len || len - k < 4)
				return 0;
			A = dp_be32(p + k);
			continue;
		case BPF_LD | BPF_H | BPF_ABS:
			k = pc->k;
			if (k > len || len - k < 2)
				return 0;
			A = dp_be16(p + k);
			continue;
		case BPF_LD | BPF_B | BPF_ABS:
			k = pc->k;
			if (k >= len)
				return 0;
			A = p[k];
			continue;
		case BPF_LD | BPF_W | BPF_LEN:
			A = len;
			continue;
		case BPF_LDX | BPF_W | BPF_LEN:
			X = len;
			continue;
		case BPF_LD | BPF_W | BPF_IND:
			k = X + pc->k;
			if (k < X || k > len || len - k < 4)
				return 0;
			A = dp_be32(p + k);
			continue;
		case BPF_LD | BPF_H | BPF_IND:
			k = X + pc->k;
			if (k < X || k > len || len - k < 2)
				return 0;
			A = dp_be16(p + k);
			continue;
		case BPF_LD | BPF_B | BPF_IND:
			k = X + pc->k;
			if (k < X || k >= len)
				return 0;
			A = p[k];
			continue;
		case BPF_LDX | BPF_MSH | BPF_B:
			k = pc->k;
			if (k >= len)
				return 0;
			X = (uint32_t)(p[k] & 0xf) << 2;
			continue;
		case BPF_LD | BPF_IMM:
			A = pc->k;
			continue;
		case BPF_LDX | BPF_IMM:
			X = pc->k;
			continue;
		case BPF_LD | BPF_MEM:
			A = mem[pc->k];
			continue;
		case BPF_LDX | BPF_MEM:
			X = mem[pc->k];
			continue;
		case BPF_ST:
			mem[pc->k] = A;
			continue;
		case BPF_STX:
			mem[pc->k] = X;
			continue;
		case BPF_JMP | BPF_JA:
			pc += pc->k;
			continue;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += (A > pc->k) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += (A >= pc->k) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += (A == pc->k) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & pc->k) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JGT | BPF_X:
			pc += (A > X) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JGE | BPF_X:
			pc += (A >= X) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += (A == X) ? pc->jt : pc->jf;
			continue;
		case BPF_JMP | BPF_JSET | BPF_X:
			pc += (A & X) ? pc->jt : pc->jf;
			continue;
		case BPF_ALU | BPF_ADD | BPF_X: A += X; continue;
		case BPF_ALU | BPF_SUB | BPF_X: A -= X; continue;
		case BPF_ALU | BPF_MUL | BPF_X: A *= X; continue;
		case BPF_ALU | BPF_DIV | BPF_X:
			if (X == 0)
				return 0;
			A /= X;
			continue;
		case BPF_ALU | BPF_MOD | BPF_X:
			if (X == 0)
				return 0;
			A %= X;
			continue;
		case BPF_ALU | BPF_AND | BPF_X: A &= X; continue;
		case BPF_ALU | BPF_OR | BPF_X: A |= X; continue;
		case BPF_ALU | BPF_XOR | BPF_X: A ^= X; continue;
		case BPF_ALU | BPF_LSH | BPF_X: A = X < 32 ? A << X : 0; continue;
		case BPF_ALU | BPF_RSH | BPF_X: A = X < 32 ? A >> X : 0; continue;
		case BPF_ALU | BPF_ADD | BPF_K: A += pc->k; continue;
		case BPF_ALU | BPF_SUB | BPF_K: A -= pc->k; continue;
		case BPF_ALU | BPF_MUL | BPF_K: A *= pc->k; continue;
		case BPF_ALU | BPF_DIV | BPF_K: A /= pc->k; continue;
		case BPF_ALU | BPF_MOD | BPF_K: A %= pc->k; continue;
		case BPF_ALU | BPF_AND | BPF_K: A &= pc->k; continue;
		case BPF_ALU | BPF_OR | BPF_K: A |= pc->k; continue;
		case BPF_ALU | BPF_XOR | BPF_K: A ^= pc->k; continue;
		case BPF_ALU | BPF_LSH | BPF_K: A = pc->k < 32 ? A << pc->k : 0; continue;
		case BPF_ALU | BPF_RSH | BPF_K: A = pc->k < 32 ? A >> pc->k : 0; continue;
		case BPF_ALU | BPF_NEG: A = -A; continue;
		case BPF_MISC | BPF_TAX: X = A; continue;
		case BPF_MISC | BPF_TXA: A = X; continue;
		default:
			return 0; /* unknown opcode (validate() rejects them): no match */
		}
	}
}

enum dp_filter_action dp_filter_run(const struct dp_filter *f, const uint8_t *ip, uint32_t len)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (bpf_run(f->progs[i].insns, ip, len))
			return f->progs[i].action;
	return f->dflt;
}

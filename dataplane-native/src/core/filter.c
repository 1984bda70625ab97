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
			case BPF_ABS:
			case BPF_IND:
			case BPF_MSH:
			case BPF_LEN:
			case BPF_IMM:
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
			case BPF_ADD:
			case BPF_SUB:
			case BPF_MUL:
			case BPF_OR:
			case BPF_AND:
			case BPF_XOR:
			case BPF_LSH:
			case BPF_RSH:
			case BPF_NEG:
				break;
			case BPF_DIV:
			case BPF_MOD:
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

/* Compiles one expression into prog (insns malloc'ed). Caller holds compile_lock. 0, -EINVAL or -ENOMEM. */
static int compile_one(pcap_t *pc, const char *expr, struct dp_bpf_prog *prog, char *err, size_t errlen)
{
	struct bpf_program bp;

	if (pcap_compile(pc, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s", pcap_geterr(pc));
		return -EINVAL;
	}
	if (!validate(bp.bf_insns, bp.bf_len)) {
		snprintf(err, errlen, "compiled program failed validation");
		pcap_freecode(&bp);
		return -EINVAL;
	}
	prog->insns = malloc(bp.bf_len * sizeof(*bp.bf_insns));
	if (!prog->insns) {
		pcap_freecode(&bp);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(prog->insns, bp.bf_insns, bp.bf_len * sizeof(*bp.bf_insns));
	prog->len = bp.bf_len;
	pcap_freecode(&bp);
	return 0;
}

DP_EXPORT int dp_filter_check(const char *expr, char *err, size_t errlen)
{
	struct dp_bpf_prog prog = { 0 };
	pcap_t *pc;
	int rc;

	if (!expr || !*expr) {
		snprintf(err, errlen, "empty expression");
		return -EINVAL;
	}
	pthread_mutex_lock(&compile_lock);
	pc = pcap_open_dead(DLT_RAW, 65535);
	if (!pc) {
		pthread_mutex_unlock(&compile_lock);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = compile_one(pc, expr, &prog, err, errlen);
	pcap_close(pc);
	pthread_mutex_unlock(&compile_lock);
	free(prog.insns);
	return rc;
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
		char why[200];

		if (!rules[i].expr || (rules[i].action != DP_FILTER_PASS && rules[i].action != DP_FILTER_DROP)) {
			snprintf(err, errlen, "filters: rule %u: missing expression or bad action", i + 1);
			rc = -EINVAL;
			break;
		}
		rc = compile_one(pc, rules[i].expr, &f->progs[i], why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "filters: rule %u (%s): %s", i + 1, rules[i].expr, why);
			break;
		}
		f->progs[i].action = rules[i].action;
		f->n = i + 1;
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
 * Threaded dispatch (one indirect jump per instruction through a table of label addresses, a GNU C extension
 * that gcc and clang both have) instead of a switch in a loop: about a third fewer instructions per BPF insn.
 */
#define LOAD_ABS(n, expr)             \
	k = pc->k;                    \
	if (k > len || len - k < (n)) \
		return 0;             \
	A = (expr);                   \
	NEXT
#define LOAD_IND(n, expr)                      \
	k = X + pc->k;                         \
	if (k < X || k > len || len - k < (n)) \
		return 0;                      \
	A = (expr);                            \
	NEXT
#define NEXT goto *dispatch[(++pc)->code & 0xff]
#define JUMP(cond)                      \
	pc += (cond) ? pc->jt : pc->jf; \
	NEXT

static uint32_t bpf_run(const struct bpf_insn *pc, const uint8_t *p, uint32_t len)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#if defined(__clang__)
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
	static const void *const dispatch[256] = {
		[0 ... 255] = &&bad,
		[BPF_RET | BPF_K] = &&ret_k,
		[BPF_RET | BPF_A] = &&ret_a,
		[BPF_LD | BPF_W | BPF_ABS] = &&ld_w_abs,
		[BPF_LD | BPF_H | BPF_ABS] = &&ld_h_abs,
		[BPF_LD | BPF_B | BPF_ABS] = &&ld_b_abs,
		[BPF_LD | BPF_W | BPF_LEN] = &&ld_len,
		[BPF_LDX | BPF_W | BPF_LEN] = &&ldx_len,
		[BPF_LD | BPF_W | BPF_IND] = &&ld_w_ind,
		[BPF_LD | BPF_H | BPF_IND] = &&ld_h_ind,
		[BPF_LD | BPF_B | BPF_IND] = &&ld_b_ind,
		[BPF_LDX | BPF_MSH | BPF_B] = &&ldx_msh,
		[BPF_LD | BPF_IMM] = &&ld_imm,
		[BPF_LDX | BPF_IMM] = &&ldx_imm,
		[BPF_LD | BPF_MEM] = &&ld_mem,
		[BPF_LDX | BPF_MEM] = &&ldx_mem,
		[BPF_ST] = &&st,
		[BPF_STX] = &&stx,
		[BPF_JMP | BPF_JA] = &&ja,
		[BPF_JMP | BPF_JGT | BPF_K] = &&jgt_k,
		[BPF_JMP | BPF_JGE | BPF_K] = &&jge_k,
		[BPF_JMP | BPF_JEQ | BPF_K] = &&jeq_k,
		[BPF_JMP | BPF_JSET | BPF_K] = &&jset_k,
		[BPF_JMP | BPF_JGT | BPF_X] = &&jgt_x,
		[BPF_JMP | BPF_JGE | BPF_X] = &&jge_x,
		[BPF_JMP | BPF_JEQ | BPF_X] = &&jeq_x,
		[BPF_JMP | BPF_JSET | BPF_X] = &&jset_x,
		[BPF_ALU | BPF_ADD | BPF_X] = &&add_x,
		[BPF_ALU | BPF_SUB | BPF_X] = &&sub_x,
		[BPF_ALU | BPF_MUL | BPF_X] = &&mul_x,
		[BPF_ALU | BPF_DIV | BPF_X] = &&div_x,
		[BPF_ALU | BPF_MOD | BPF_X] = &&mod_x,
		[BPF_ALU | BPF_AND | BPF_X] = &&and_x,
		[BPF_ALU | BPF_OR | BPF_X] = &&or_x,
		[BPF_ALU | BPF_XOR | BPF_X] = &&xor_x,
		[BPF_ALU | BPF_LSH | BPF_X] = &&lsh_x,
		[BPF_ALU | BPF_RSH | BPF_X] = &&rsh_x,
		[BPF_ALU | BPF_ADD | BPF_K] = &&add_k,
		[BPF_ALU | BPF_SUB | BPF_K] = &&sub_k,
		[BPF_ALU | BPF_MUL | BPF_K] = &&mul_k,
		[BPF_ALU | BPF_DIV | BPF_K] = &&div_k,
		[BPF_ALU | BPF_MOD | BPF_K] = &&mod_k,
		[BPF_ALU | BPF_AND | BPF_K] = &&and_k,
		[BPF_ALU | BPF_OR | BPF_K] = &&or_k,
		[BPF_ALU | BPF_XOR | BPF_K] = &&xor_k,
		[BPF_ALU | BPF_LSH | BPF_K] = &&lsh_k,
		[BPF_ALU | BPF_RSH | BPF_K] = &&rsh_k,
		[BPF_ALU | BPF_NEG] = &&neg,
		[BPF_MISC | BPF_TAX] = &&tax,
		[BPF_MISC | BPF_TXA] = &&txa,
	};
#pragma GCC diagnostic pop
	uint32_t A = 0, X = 0, k;
	uint32_t mem[BPF_MEMWORDS] = { 0 };

	goto *dispatch[pc->code & 0xff];
ret_k:
	return pc->k;
ret_a:
	return A;
ld_w_abs:
	LOAD_ABS(4, dp_be32(p + k));
ld_h_abs:
	LOAD_ABS(2, dp_be16(p + k));
ld_b_abs:
	LOAD_ABS(1, p[k]);
ld_len:
	A = len;
	NEXT;
ldx_len:
	X = len;
	NEXT;
ld_w_ind:
	LOAD_IND(4, dp_be32(p + k));
ld_h_ind:
	LOAD_IND(2, dp_be16(p + k));
ld_b_ind:
	LOAD_IND(1, p[k]);
ldx_msh:
	k = pc->k;
	if (k >= len)
		return 0;
	X = (uint32_t)(p[k] & 0xf) << 2;
	NEXT;
ld_imm:
	A = pc->k;
	NEXT;
ldx_imm:
	X = pc->k;
	NEXT;
ld_mem:
	A = mem[pc->k];
	NEXT;
ldx_mem:
	X = mem[pc->k];
	NEXT;
st:
	mem[pc->k] = A;
	NEXT;
stx:
	mem[pc->k] = X;
	NEXT;
ja:
	pc += pc->k;
	NEXT;
jgt_k:
	JUMP(A > pc->k);
jge_k:
	JUMP(A >= pc->k);
jeq_k:
	JUMP(A == pc->k);
jset_k:
	JUMP(A & pc->k);
jgt_x:
	JUMP(A > X);
jge_x:
	JUMP(A >= X);
jeq_x:
	JUMP(A == X);
jset_x:
	JUMP(A & X);
add_x:
	A += X;
	NEXT;
sub_x:
	A -= X;
	NEXT;
mul_x:
	A *= X;
	NEXT;
div_x:
	if (X == 0)
		return 0;
	A /= X;
	NEXT;
mod_x:
	if (X == 0)
		return 0;
	A %= X;
	NEXT;
and_x:
	A &= X;
	NEXT;
or_x:
	A |= X;
	NEXT;
xor_x:
	A ^= X;
	NEXT;
lsh_x:
	A = X < 32 ? A << X : 0;
	NEXT;
rsh_x:
	A = X < 32 ? A >> X : 0;
	NEXT;
add_k:
	A += pc->k;
	NEXT;
sub_k:
	A -= pc->k;
	NEXT;
mul_k:
	A *= pc->k;
	NEXT;
div_k:
	A /= pc->k;
	NEXT;
mod_k:
	A %= pc->k;
	NEXT;
and_k:
	A &= pc->k;
	NEXT;
or_k:
	A |= pc->k;
	NEXT;
xor_k:
	A ^= pc->k;
	NEXT;
lsh_k:
	A = pc->k < 32 ? A << pc->k : 0;
	NEXT;
rsh_k:
	A = pc->k < 32 ? A >> pc->k : 0;
	NEXT;
neg:
	A = -A;
	NEXT;
tax:
	X = A;
	NEXT;
txa:
	A = X;
	NEXT;
bad:
	return 0; /* an opcode validate() let through but we do not know: no match */
}

#undef LOAD_ABS
#undef LOAD_IND
#undef NEXT
#undef JUMP

enum dp_filter_action dp_filter_run(const struct dp_filter *f, const uint8_t *ip, uint32_t len)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (bpf_run(f->progs[i].insns, ip, len))
			return f->progs[i].action;
	return f->dflt;
}

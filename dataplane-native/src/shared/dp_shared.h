/* dp_shared.h: the base of every header in src/shared, the code compiled both into the userspace core (gcc, libc)
 * and into the XDP program (clang -target bpf -ffreestanding, no libc). Headers here include only this, the
 * compiler's freestanding headers and each other; they use __builtin_memcpy with constant sizes, no libc calls,
 * no signed 64-bit division (BPF has none) and no globals but static const tables. */
#ifndef DP_SHARED_H
#define DP_SHARED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The BPF program inlines everything (one function for the verifier to walk); userspace leaves it to gcc. */
#ifdef __bpf__
#define DP_SHARED static inline __attribute__((always_inline))
#else
#define DP_SHARED static inline
#endif
/* For the few that the userspace hot path needs inlined too (gcc left the SYN-ACK layout out of line). */
#define DP_SHARED_INLINE static inline __attribute__((always_inline))

/* The kernel hashes its structs as a little-endian CPU lays them out (the vectors come from x86-64), and the
 * SYN-ACK words are byte-swapped once: both builds target little-endian machines only. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "src/shared assumes a little-endian target");

#endif /* DP_SHARED_H */

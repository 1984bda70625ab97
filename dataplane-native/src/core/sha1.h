/* sha1.h: the SHA-1 compression function as Linux's sha_transform() (lib/sha1.c), for legacy (<= 4.10) cookies. */
#ifndef DP_CORE_SHA1_H
#define DP_CORE_SHA1_H

#include <stdint.h>

#define DP_SHA1_DIGEST_WORDS 5
#define DP_SHA1_BLOCK_BYTES 64

/* One SHA-1 block: data is read as 16 big-endian words; the result is added into digest (no padding, no init:
 * the kernel's cookie_hash() seeds the digest with secret words, so this is exactly sha_transform()). */
void dp_sha1_transform(uint32_t digest[DP_SHA1_DIGEST_WORDS], const uint8_t data[DP_SHA1_BLOCK_BYTES]);

#endif /* DP_CORE_SHA1_H */

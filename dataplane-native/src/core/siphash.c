/* siphash.c: generic-length SipHash-2-4 (the fixed-size forms the cookie path uses are inline in siphash.h). */
#include "siphash.h"

DP_EXPORT uint64_t dp_siphash(const void *data, size_t len, const dp_siphash_key_t *key)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len - (len % 8));
	unsigned left = len & 7;
	DP_SIP_PREAMBLE(key, len);

	for (; p != end; p += 8)
		DP_SIP_COMPRESS(dp_le64(p));
	switch (left) {
	case 7: b |= (uint64_t)p[6] << 48; /* fall through */
	case 6: b |= (uint64_t)p[5] << 40; /* fall through */
	case 5: b |= (uint64_t)p[4] << 32; /* fall through */
	case 4: b |= dp_le32(p); break;
	case 3: b |= (uint64_t)p[2] << 16; /* fall through */
	case 2: b |= (uint64_t)p[1] << 8;  /* fall through */
	case 1: b |= p[0]; break;
	case 0: break;
	}
	DP_SIP_POSTAMBLE;
}

/* csum.h: Internet checksums (RFC 1071): partial sums, IPv4 header, TCP/UDP pseudo headers, folding. */
#ifndef DP_SHARED_CSUM_H
#define DP_SHARED_CSUM_H

#include "dp_shared.h"

/*
 * Sums are kept as native-order 64-bit accumulators of native 32/16-bit loads: the one's-complement sum is
 * byte-order independent (RFC 1071 §2(B)), so folding and storing the result with a native 16-bit store
 * gives the right bytes on the wire, as long as every load starts at an even offset from the summed area.
 */
DP_SHARED uint64_t dp_csum_add(uint64_t sum, const void *data, uint32_t len)
{
	const uint8_t *p = data;

	while (len >= 8) {
		uint64_t v;
		__builtin_memcpy(&v, p, 8);
		sum += (v & 0xffffffffULL) + (v >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		__builtin_memcpy(&v, p, 4);
		sum += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		__builtin_memcpy(&v, p, 2);
		sum += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t v = 0;
		__builtin_memcpy(&v, p, 1); /* the odd byte is the high-order byte of a zero-padded word on the wire */
		sum += v;
	}
	return sum;
}

/*
 * Ones'-complement fold, 64 -> 16 bits: 32-bit halves added with the end-around carry (add, adc), then the kernel's
 * csum_fold() trick: in s + ror32(s, 16) the high half is hi + lo plus the carry out of the low half, which is the
 * end-around carry. Two short steps instead of four dependent mask/shift/add rounds; the same value for every input
 * (checked against those rounds for all 2^32 32-bit sums and 4e8 random 64-bit ones).
 */
DP_SHARED uint16_t dp_csum_fold(uint64_t sum)
{
	uint32_t lo = (uint32_t)sum, s = lo + (uint32_t)(sum >> 32);

	s += s < lo;
	return (uint16_t)((s + (s >> 16 | s << 16)) >> 16);
}

/* The checksum field value (complemented fold), in native order: store it with memcpy. */
DP_SHARED uint16_t dp_csum_finish(uint64_t sum)
{
	return (uint16_t)~dp_csum_fold(sum);
}

DP_SHARED uint64_t dp_csum_add_be16(uint64_t sum, uint16_t host_order)
{
	uint8_t b[2] = { (uint8_t)(host_order >> 8), (uint8_t)host_order };
	uint16_t v;
	__builtin_memcpy(&v, b, 2);
	return sum + v;
}

/* Pseudo header sum: addresses (alen 4 or 16 bytes each), protocol and L4 length. */
DP_SHARED uint64_t dp_csum_pseudo(const uint8_t *saddr, const uint8_t *daddr, unsigned alen, uint8_t proto,
				  uint32_t l4len)
{
	uint64_t sum = dp_csum_add(0, saddr, alen);
	sum = dp_csum_add(sum, daddr, alen);
	sum = dp_csum_add_be16(sum, proto);
	sum = dp_csum_add_be16(sum, (uint16_t)(l4len >> 16));
	return dp_csum_add_be16(sum, (uint16_t)l4len);
}

/* Incremental update (RFC 1624 eqn 3): the checksum field after a 16-bit word changed from old to new. */
DP_SHARED uint16_t dp_csum_replace16(uint16_t check, uint16_t old, uint16_t new_)
{
	uint64_t sum = (uint16_t)~check;
	sum += (uint16_t)~old;
	sum += new_;
	return (uint16_t)~dp_csum_fold(sum);
}

#endif /* DP_SHARED_CSUM_H */

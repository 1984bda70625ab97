/* syncookie.h: the kernel's SYN cookie (net/ipv4/syncookies.c, net/ipv6/syncookies.c, SipHash since 4.11): the
 * formula, the MSS tables, the message layouts of both families. The legacy SHA-1 hash (kernels <= 4.10) is
 * userspace-only (cookie.c) and plugs its hashes into the same formula. */
#ifndef DP_SHARED_SYNCOOKIE_H
#define DP_SHARED_SYNCOOKIE_H

#include "siphash.h"

/*
 * The cookie (all arithmetic mod 2^32; the kernel's secure_tcp_syn_cookie()):
 *
 *   isn = H(k0, 0) + client_seq + (count << COOKIEBITS) + ((H(k1, count) + mss_index) & COOKIEMASK)
 *
 *   31          24 23                                  0
 *  +--------------+-------------------------------------+
 *  | count (8 bit)|  H(k1, count) + mss_index (24 bit)  |   ...plus H(k0, 0) + client_seq over all 32 bits
 *  +--------------+-------------------------------------+
 *
 * H(k, count) is the low 32 bits of SipHash-2-4 keyed with k over the client's 4-tuple and count.
 * count = jiffies_64 / (60 * HZ) of the protected server. A cookie is accepted for age 0 and 1 (1-2 minutes).
 */
#define DP_COOKIEBITS 24
#define DP_COOKIEMASK (((uint32_t)1 << DP_COOKIEBITS) - 1)
#define DP_MAX_SYNCOOKIE_AGE 2
#define DP_MSS_TABLE_SIZE 4
#define DP_TCP_MSS_DEFAULT 536U	  /* IPv4 SYN without an MSS option */
#define DP_TCP6_MSS_DEFAULT 1220U /* IPv6 SYN without an MSS option: IPV6_MIN_MTU - 40 - 20 */

/*
 * MSS Values are chosen based on the 2011 paper
 * 'An Analysis of TCP Maximum Segement Sizes' by S. Alcock and R. Nelson.
 * Values ..
 *  .. lower than 536 are rare (< 0.2%)
 *  .. between 537 and 1299 account for less than < 1.5% of observed values
 *  .. in the 1300-1349 range account for about 15 to 20% of observed mss values
 *  .. exceeding 1460 are very rare (< 0.04%)
 *
 *  1460 is the single most frequently announced mss value (30 to 46% depending
 *  on monitor location).  Table must be sorted.
 */
static const uint16_t dp_msstab4[DP_MSS_TABLE_SIZE] = {
	536,
	1300,
	1440, /* 1440, 1452: PPPoE */
	1460,
};

/* IPv6: 1280 - 60 (IPv6 min MTU minus headers), 1480 - 60 (IPv6-in-IPv4), 1500 - 60, 9000 - 60 (jumbo).
 * Table must be sorted. */
static const uint16_t dp_msstab6[DP_MSS_TABLE_SIZE] = {
	1280 - 60, /* IPV6_MIN_MTU - 60 */
	1480 - 60,
	1500 - 60,
	9000 - 60,
};

/* Index of the largest table entry <= mss (index 0 when mss is below every entry), as cookie_v4_init_sequence. */
DP_SHARED unsigned dp_mss_index(const uint16_t *tab, uint16_t mss)
{
	unsigned i;

	for (i = DP_MSS_TABLE_SIZE - 1; i; i--)
		if (mss >= tab[i])
			break;
	return i;
}

/* ---- the formula, over the two hashes H(k0, 0) and H(k1, count) of either algorithm ---- */

/*
 * Compute the secure sequence number.
 * The output should be:
 *   HASH(sec1,saddr,sport,daddr,dport,sec1) + sseq + (count * 2^24)
 *      + (HASH(sec2,saddr,sport,daddr,dport,count,sec2) % 2^24).
 * Where sseq is their sequence number and count increases every minute by 1.
 * As an extra hack, we add a small "data" value that encodes the MSS into the second hash value.
 */
DP_SHARED uint32_t dp_cookie_compose(uint32_t h0, uint32_t h1, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	return h0 + client_seq + (count << DP_COOKIEBITS) + ((h1 + mss_index) & DP_COOKIEMASK);
}

/*
 * This retrieves the small "data" value from the syncookie, in two steps because the second hash depends on the
 * first: dp_cookie_strip() peels H(k0, 0) and sseq off and gives the cookie's age in minutes (valid below
 * DP_MAX_SYNCOOKIE_AGE); dp_cookie_data() takes H(k1, count - age) and gives the mss_index, or -1 when the cookie
 * is bad (the data is out of range).
 */
DP_SHARED uint32_t dp_cookie_strip(uint32_t cookie, uint32_t h0, uint32_t sseq, uint32_t count, uint32_t *age)
{
	/* Strip away the layers from the cookie */
	cookie -= h0 + sseq;

	/* Cookie is now reduced to (count * 2^24) ^ (hash % 2^24) */
	*age = (count - (cookie >> DP_COOKIEBITS)) & ((uint32_t)-1 >> DP_COOKIEBITS);
	return cookie;
}

DP_SHARED int dp_cookie_data(uint32_t stripped, uint32_t h1)
{
	uint32_t data = (stripped - h1) & DP_COOKIEMASK;

	return data < DP_MSS_TABLE_SIZE ? (int)data : -1;
}

/* ---- the SipHash messages (addresses and ports in network byte order as in the headers; saddr the client) ---- */

/*
 * IPv4: siphash_4u32(saddr, daddr, sport << 16 | dport, count), low 32 bits.
 * The 16-byte message a little-endian kernel hashes: saddr, daddr, dport, sport, count (LE u32).
 */
DP_SHARED uint32_t dp_cookie_v4_hash(const dp_siphash_key_t *k, uint32_t saddr, uint32_t daddr, uint16_t sport,
				     uint16_t dport, uint32_t count)
{
	return (uint32_t)dp_siphash_4u32(saddr, daddr, (uint32_t)sport << 16 | dport, count, k);
}

/* IPv6: { struct in6_addr saddr, daddr; u32 count; __be16 sport, dport; } hashed up to dport: 40 bytes, i.e. five
 * little-endian words: saddr lo/hi, daddr lo/hi, count | sport << 32 | dport << 48. Low 32 bits. */
DP_SHARED uint32_t dp_cookie_v6_hash(const dp_siphash_key_t *k, const uint8_t saddr[16], const uint8_t daddr[16],
				     uint16_t sport, uint16_t dport, uint32_t count)
{
	return (uint32_t)dp_siphash_5u64(dp_le64(saddr), dp_le64(saddr + 8), dp_le64(daddr), dp_le64(daddr + 8),
					 (uint64_t)count | (uint64_t)sport << 32 | (uint64_t)dport << 48, k);
}

/* ---- SipHash cookies, kernel-shaped: key = syncookie_secret[2] (syncookie6_secret[2] for IPv6) ---- */

/* make: client_seq is the SYN's sequence number (host order); returns the SYN-ACK's ISN. mss_index must be < 4. */
DP_SHARED uint32_t dp_syncookie_v4_make(const dp_siphash_key_t key[2], uint32_t saddr, uint32_t daddr, uint16_t sport,
					uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	return dp_cookie_compose(dp_cookie_v4_hash(&key[0], saddr, daddr, sport, dport, 0),
				 dp_cookie_v4_hash(&key[1], saddr, daddr, sport, dport, count), client_seq, count,
				 mss_index);
}

/* check: cookie = ack_seq - 1 and sseq = seq - 1 of the ACK (as __cookie_v4_check); count is the server's
 * current count. Returns the mss_index (0..3) or -1 when the cookie is invalid (age >= 2, or index >= 4). */
DP_SHARED int dp_syncookie_v4_check(const dp_siphash_key_t key[2], uint32_t saddr, uint32_t daddr, uint16_t sport,
				    uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t age, c = dp_cookie_strip(cookie, dp_cookie_v4_hash(&key[0], saddr, daddr, sport, dport, 0), sseq,
					  count, &age);

	if (age >= DP_MAX_SYNCOOKIE_AGE)
		return -1;
	return dp_cookie_data(c, dp_cookie_v4_hash(&key[1], saddr, daddr, sport, dport, count - age));
}

DP_SHARED uint32_t dp_syncookie_v6_make(const dp_siphash_key_t key[2], const uint8_t saddr[16], const uint8_t daddr[16],
					uint16_t sport, uint16_t dport, uint32_t client_seq, uint32_t count,
					uint32_t mss_index)
{
	return dp_cookie_compose(dp_cookie_v6_hash(&key[0], saddr, daddr, sport, dport, 0),
				 dp_cookie_v6_hash(&key[1], saddr, daddr, sport, dport, count), client_seq, count,
				 mss_index);
}

DP_SHARED int dp_syncookie_v6_check(const dp_siphash_key_t key[2], const uint8_t saddr[16], const uint8_t daddr[16],
				    uint16_t sport, uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t age, c = dp_cookie_strip(cookie, dp_cookie_v6_hash(&key[0], saddr, daddr, sport, dport, 0), sseq,
					  count, &age);

	if (age >= DP_MAX_SYNCOOKIE_AGE)
		return -1;
	return dp_cookie_data(c, dp_cookie_v6_hash(&key[1], saddr, daddr, sport, dport, count - age));
}

#endif /* DP_SHARED_SYNCOOKIE_H */

package io.syncookied.telemetry;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admission before any crypto, so a flood costs a map lookup per datagram. Two token buckets:
 * <ul>
 * <li>one per source IP, bounded to {@code maxSources} buckets (least recently seen evicted);</li>
 * <li>one shared by every source that has not yet sent an authenticated datagram ({@link #trust}). A flood from
 * spoofed, ever-changing source addresses (for a local attacker, any of 127.0.0.0/8) gets a fresh per-source bucket
 * for each address, so the per-source limit alone does not bound it; the shared bucket does, and sources that
 * proved they hold a key are not charged to it.</li>
 * </ul>
 * A flood spoofing a trusted agent's own address still drains that agent's per-source bucket: source addresses
 * are not authenticated, and that is a limit of any admission by address (docs/limitations.md). Event-loop
 * confined.
 */
final class SourceRateLimiter {

	private final double tokensPerNano;

	private final long burstMilli;

	private final double untrustedTokensPerNano;

	private final long untrustedBurstMilli;

	/** bucket[0] = last refill time, bucket[1] = milli-tokens (integer arithmetic) */
	private final Map<InetAddress, long[]> buckets;

	private final Map<InetAddress, Boolean> trusted;

	private final long[] untrusted;

	SourceRateLimiter(double ratePerSecond, int burst, int maxSources, double untrustedRatePerSecond,
			int untrustedBurst) {
		this.tokensPerNano = ratePerSecond / 1e9;
		this.burstMilli = burst * 1000L;
		this.untrustedTokensPerNano = untrustedRatePerSecond / 1e9;
		this.untrustedBurstMilli = untrustedBurst * 1000L;
		this.buckets = lru(maxSources);
		this.trusted = lru(maxSources);
		this.untrusted = new long[] { Long.MIN_VALUE, this.untrustedBurstMilli };
	}

	private static <V> Map<InetAddress, V> lru(int max) {
		return new LinkedHashMap<>(64, 0.75f, true) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<InetAddress, V> eldest) {
				return size() > max;
			}
		};
	}

	/** @return true if a datagram from {@code source} at {@code nowNanos} may be processed */
	boolean tryAcquire(InetAddress source, long nowNanos) {
		long[] bucket = this.buckets.get(source);
		if (bucket == null) {
			bucket = new long[] { nowNanos, this.burstMilli };
			this.buckets.put(source, bucket);
		}
		if (!take(bucket, nowNanos, this.tokensPerNano, this.burstMilli)) {
			return false;
		}
		if (this.trusted.get(source) != null) {
			return true;
		}
		if (this.untrusted[0] == Long.MIN_VALUE) {
			this.untrusted[0] = nowNanos;
		}
		return take(this.untrusted, nowNanos, this.untrustedTokensPerNano, this.untrustedBurstMilli);
	}

	/** {@code source} sent an authenticated datagram: from now on it is charged only to its own bucket. */
	void trust(InetAddress source) {
		this.trusted.put(source, Boolean.TRUE);
	}

	private static boolean take(long[] bucket, long nowNanos, double tokensPerNano, long burstMilli) {
		long elapsed = Math.max(0, nowNanos - bucket[0]);
		long refill = (long) (elapsed * tokensPerNano * 1000);
		if (refill > 0) {
			bucket[1] = Math.min(burstMilli, bucket[1] + refill);
			bucket[0] = nowNanos;
		}
		if (bucket[1] >= 1000) {
			bucket[1] -= 1000;
			return true;
		}
		return false;
	}

}

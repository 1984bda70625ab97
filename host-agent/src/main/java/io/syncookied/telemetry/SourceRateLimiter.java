package io.syncookied.telemetry;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token bucket per source IP, bounded to {@code maxSources} buckets (least recently seen evicted). Runs before
 * any crypto so a flood from one address costs a map lookup per datagram. Event-loop confined.
 */
final class SourceRateLimiter {

	private final double tokensPerNano;

	private final double burst;

	private final Map<InetAddress, long[]> buckets;

	SourceRateLimiter(double ratePerSecond, int burst, int maxSources) {
		this.tokensPerNano = ratePerSecond / 1e9;
		this.burst = burst;
		this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
				return size() > maxSources;
			}
		};
	}

	/** @return true if a datagram from {@code source} at {@code nowNanos} may be processed */
	boolean tryAcquire(InetAddress source, long nowNanos) {
		// bucket[0] = last refill time, bucket[1] = tokens * 1000 (milli-tokens, integer arithmetic)
		long[] bucket = this.buckets.get(source);
		if (bucket == null) {
			bucket = new long[] { nowNanos, (long) (this.burst * 1000) };
			this.buckets.put(source, bucket);
		}
		long elapsed = Math.max(0, nowNanos - bucket[0]);
		long refill = (long) (elapsed * this.tokensPerNano * 1000);
		if (refill > 0) {
			bucket[1] = Math.min((long) (this.burst * 1000), bucket[1] + refill);
			bucket[0] = nowNanos;
		}
		if (bucket[1] >= 1000) {
			bucket[1] -= 1000;
			return true;
		}
		return false;
	}

}

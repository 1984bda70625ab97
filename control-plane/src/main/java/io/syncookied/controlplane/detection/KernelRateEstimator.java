package io.syncookied.controlplane.detection;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.telemetry.TelemetrySample;

/**
 * Turns a host's absolute kernel counters into a SYN arrival estimate. Every SYN that reaches a listener ends up in
 * exactly one of: a full handshake ({@code PassiveOpens}, minus those completed by a cookie, which were already
 * counted as {@code SyncookiesSent}), a cookie ({@code SyncookiesSent}; {@code TCPReqQFullDoCookies} is a subset),
 * or a drop ({@code ListenDrops}; {@code TCPReqQFullDrop} is a subset, so the larger of the two is used, in case a
 * kernel counts one without the other; {@code ListenOverflows} is a subset too: the kernel counts every overflow as a
 * drop). Of those, the SYNs that did not become connections are the cookies that never came back
 * ({@code SyncookiesSent} minus {@code SyncookiesRecv}) and the drops: the flood's share. Not thread-safe: one
 * instance per host, fed in order.
 * <p>
 * A sample whose counters all equal the previous one's, less than {@link #NO_NEWS} after it, carries no news: an
 * agent or relay that read the same snapshot twice. It is skipped, and the next sample's rate spans both intervals,
 * instead of a zero rate that would break a run of hot samples. A host that is really idle for longer gets its zero
 * rate once {@code NO_NEWS} has passed.
 */
public final class KernelRateEstimator {

	static final Duration NO_NEWS = Duration.ofSeconds(1);

	private final Duration maxGap;

	private @Nullable TelemetrySample last;

	public KernelRateEstimator(Duration maxGap) {
		this.maxGap = maxGap;
	}

	/** The rates since the previous sample; empty for the first sample, after a gap or a counter reset. */
	public Optional<RateSample> next(TelemetrySample sample) {
		TelemetrySample previous = this.last;
		if (previous != null && sameCounters(previous, sample)
				&& Duration.between(previous.at(), sample.at()).compareTo(NO_NEWS) < 0) {
			return Optional.empty();
		}
		this.last = sample;
		if (previous == null) {
			return Optional.empty();
		}
		double seconds = Duration.between(previous.at(), sample.at()).toNanos() / 1e9;
		if (seconds <= 0 || seconds > this.maxGap.toNanos() / 1e9) {
			return Optional.empty();
		}
		long opens = sample.passiveOpens() - previous.passiveOpens();
		long cookiesRecv = sample.syncookiesRecv() - previous.syncookiesRecv();
		long cookiesSent = sample.syncookiesSent() - previous.syncookiesSent();
		long doCookies = sample.reqQFullDoCookies() - previous.reqQFullDoCookies();
		long listenDrops = sample.listenDrops() - previous.listenDrops();
		long qFullDrops = sample.reqQFullDrop() - previous.reqQFullDrop();
		long rx = sample.nicRxPackets() - previous.nicRxPackets();
		if (opens < 0 || cookiesRecv < 0 || cookiesSent < 0 || doCookies < 0 || listenDrops < 0 || qFullDrops < 0
				|| rx < 0) {
			return Optional.empty(); // host rebooted or counters wrapped: start again from this sample
		}
		long drops = Math.max(listenDrops, qFullDrops);
		long syns = Math.max(0, opens - cookiesRecv) + Math.max(cookiesSent, doCookies) + drops;
		// a cookie ACK may come back one sample after its SYN-ACK left: the difference is clamped, never negative
		long unanswered = Math.max(0, Math.max(cookiesSent, doCookies) - cookiesRecv) + drops;
		return Optional.of(new RateSample(sample.at(), syns / seconds, Math.min(syns, unanswered) / seconds,
				rx / seconds, "agent"));
	}

	private static boolean sameCounters(TelemetrySample a, TelemetrySample b) {
		return a.syncookiesSent() == b.syncookiesSent() && a.syncookiesRecv() == b.syncookiesRecv()
				&& a.reqQFullDoCookies() == b.reqQFullDoCookies() && a.reqQFullDrop() == b.reqQFullDrop()
				&& a.listenDrops() == b.listenDrops() && a.passiveOpens() == b.passiveOpens()
				&& a.nicRxPackets() == b.nicRxPackets();
	}

	public void reset() {
		this.last = null;
	}

}

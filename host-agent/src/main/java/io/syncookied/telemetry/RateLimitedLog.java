package io.syncookied.telemetry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per key per period; the next line that gets through says how many were suppressed.
 * Bad datagrams and unreachable control planes must not flood the journal.
 */
public final class RateLimitedLog {

	private final Logger logger;

	private final long periodNanos;

	private final LongSupplier nanoTime;

	private final ConcurrentHashMap<String, long[]> last = new ConcurrentHashMap<>();

	private final AtomicLong suppressedTotal = new AtomicLong();

	public RateLimitedLog(Logger logger, java.time.Duration period) {
		this(logger, period, System::nanoTime);
	}

	RateLimitedLog(Logger logger, java.time.Duration period, LongSupplier nanoTime) {
		this.logger = logger;
		this.periodNanos = period.toNanos();
		this.nanoTime = nanoTime;
	}

	/** Logs {@code message} unless a line with the same {@code key} went out within the period. */
	public void log(Level level, String key, String message) {
		if (this.last.size() > 1024 && !this.last.containsKey(key)) {
			key = "(other)"; // bound the map whatever the keys are
		}
		long now = this.nanoTime.getAsLong();
		long[] state = this.last.computeIfAbsent(key, k -> new long[] { now - this.periodNanos - 1, 0 });
		long suppressed;
		synchronized (state) {
			if (now - state[0] <= this.periodNanos) {
				state[1]++;
				this.suppressedTotal.incrementAndGet();
				return;
			}
			state[0] = now;
			suppressed = state[1];
			state[1] = 0;
		}
		this.logger.log(level, (suppressed > 0) ? message + " (" + suppressed + " similar suppressed)" : message);
	}

	public long suppressedTotal() {
		return this.suppressedTotal.get();
	}

}

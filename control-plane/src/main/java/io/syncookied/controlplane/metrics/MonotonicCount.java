package io.syncookied.controlplane.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic total fed with the values of a counter that another process keeps and that restarts at zero with
 * that process (the dataplane worker's counters, a server's kernel counters). A value below the last one means a
 * restart: it is all new, so the total never goes back and a restart is never a negative step.
 */
final class MonotonicCount {

	private final AtomicLong total;

	private long last;

	/**
	 * Starts from a first value of the followed counter.
	 * @param counted what of it the total starts with: all of it, or 0 to count only what comes later
	 */
	MonotonicCount(long first, long counted) {
		this.total = new AtomicLong(counted);
		this.last = first;
	}

	synchronized void observe(long value) {
		long increase = (value >= this.last) ? value - this.last : value;
		this.last = value;
		this.total.addAndGet(increase);
	}

	double total() {
		return this.total.get();
	}

}

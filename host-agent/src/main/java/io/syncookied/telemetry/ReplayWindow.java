package io.syncookied.telemetry;

/**
 * Anti-replay sliding window over sequence numbers (RFC 4303 §3.4.3 style): the highest sequence accepted plus a
 * bitmap of the {@value #SIZE} below it, so mild UDP reordering is tolerated and every duplicate is refused.
 * Sequences are compared as unsigned. Not thread-safe: one receiver thread owns it.
 */
final class ReplayWindow {

	static final int SIZE = 64;

	private boolean empty = true;

	private long highest;

	private long bitmap;

	/** @return true if {@code seq} was already accepted or is too old to tell */
	boolean isReplay(long seq) {
		if (this.empty) {
			return false;
		}
		if (Long.compareUnsigned(seq, this.highest) > 0) {
			return false;
		}
		long behind = this.highest - seq;
		if (Long.compareUnsigned(behind, SIZE) >= 0) {
			return true;
		}
		return (this.bitmap & (1L << behind)) != 0;
	}

	/** Marks {@code seq} as accepted; call only after {@link #isReplay} said false and the tag verified. */
	void accept(long seq) {
		if (this.empty) {
			this.empty = false;
			this.highest = seq;
			this.bitmap = 1;
			return;
		}
		if (Long.compareUnsigned(seq, this.highest) > 0) {
			long ahead = seq - this.highest;
			this.bitmap = (Long.compareUnsigned(ahead, SIZE) >= 0) ? 0 : this.bitmap << ahead;
			this.bitmap |= 1;
			this.highest = seq;
		}
		else {
			this.bitmap |= 1L << (this.highest - seq);
		}
	}

	long highest() {
		return this.highest;
	}

}

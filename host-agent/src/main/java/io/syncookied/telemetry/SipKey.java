package io.syncookied.telemetry;

/** A kernel {@code siphash_key_t}: its two u64 words in memory order, as /proc/tcp_secrets prints them. */
public record SipKey(long w0, long w1) {

	public boolean isZero() {
		return this.w0 == 0 && this.w1 == 0;
	}

	@Override
	public String toString() {
		return "SipKey[redacted]";
	}

}

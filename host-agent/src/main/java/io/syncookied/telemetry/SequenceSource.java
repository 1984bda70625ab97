package io.syncookied.telemetry;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sender's identity for nonces: a random 31-bit instance id (bit 31 = direction) and a sequence that starts at
 * the wall clock in microseconds and counts up by one per datagram. A restarted sender therefore continues above
 * its old sequence (receivers keep their replay window) unless the clock went back, and even then the new random
 * instance id keeps the (instance, sequence) nonce unique.
 */
public final class SequenceSource {

	private final int instance;

	private final AtomicLong next;

	public SequenceSource(boolean controlPlane) {
		this(new SecureRandom().nextInt() & ~Protocol.INSTANCE_DIRECTION_BIT
				| (controlPlane ? Protocol.INSTANCE_DIRECTION_BIT : 0), System.currentTimeMillis() * 1000);
	}

	// VisibleForTesting
	SequenceSource(int instance, long first) {
		this.instance = instance;
		this.next = new AtomicLong(first);
	}

	public int instance() {
		return this.instance;
	}

	long next() {
		return this.next.getAndIncrement();
	}

}

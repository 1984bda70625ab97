package io.syncookied.telemetry;

/** What {@link DatagramOpener#open} made of one datagram. */
public sealed interface OpenResult {

	/** Authenticated, fresh, and decrypted into the caller's buffer ({@code plaintextLength} bytes). */
	record Opened(Header header, PresharedKey key, int plaintextLength) implements OpenResult {
	}

	/** Dropped; {@code detail} names the field or check that failed (for rate-limited logs). */
	record Rejected(RejectReason reason, String detail) implements OpenResult {
	}

}

package io.syncookied.telemetry;

/** Why a datagram was dropped; each has a counter per source. */
public enum RejectReason {

	/** Longer than {@link Protocol#MAX_DATAGRAM}: never read further. */
	OVERSIZE("oversize"),
	/** Too short, wrong magic, unknown type/algorithm, nonzero reserved bits, wrong direction, or a payload
	 * that authenticated but does not decode. */
	MALFORMED("malformed"),
	/** Magic matches, version is not one we speak. */
	UNSUPPORTED_VERSION("unsupported_version"),
	/** No configured key has this id, or the key is configured for another algorithm. */
	UNKNOWN_KEY("unknown_key"),
	/** The AEAD tag does not verify: forged, corrupted, or sealed with another key. */
	BAD_TAG("bad_tag"),
	/** Sequence already seen by its sender instance, or older than that instance's replay window. */
	REPLAY("replay"),
	/** Authentic-looking but from an older sender instance of a key while a newer instance of it is live. */
	SUPERSEDED("superseded"),
	/** A new sender instance of a key that already has the most instances remembered. */
	INSTANCE_LIMIT("instance_limit"),
	/** Timestamp older than now minus the allowed skew. */
	STALE("stale"),
	/** Timestamp later than now plus the allowed skew. */
	FUTURE("future"),
	/** The source exceeded its datagram rate; dropped before any crypto. */
	RATE_LIMITED("rate_limited");

	private final String tag;

	RejectReason(String tag) {
		this.tag = tag;
	}

	/** Lower-case name for metric tags. */
	public String tag() {
		return this.tag;
	}

}

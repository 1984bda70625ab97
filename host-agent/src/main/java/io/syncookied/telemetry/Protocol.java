package io.syncookied.telemetry;

/** Wire constants of protocol version 1; docs/protocol.md is the normative text. */
public final class Protocol {

	/** "SCKD": lets a receiver drop stray traffic before any crypto. */
	public static final int MAGIC = 0x53434B44;

	public static final int VERSION = 1;

	/** magic(4) version(1) type(1) alg(1) reserved(1) keyId(4) instance(4) sequence(8) timestamp(8). */
	public static final int HEADER_LENGTH = 32;

	/** The AEAD nonce is header bytes [12, 24): instance || sequence. */
	public static final int NONCE_OFFSET = 12;

	public static final int NONCE_LENGTH = 12;

	public static final int TAG_LENGTH = 16;

	/**
	 * Largest datagram either side sends or accepts: fits a 1500-byte MTU under IPv6 + UDP headers
	 * (1500 - 40 - 8), so nothing is ever fragmented.
	 */
	public static final int MAX_DATAGRAM = 1452;

	public static final int MIN_DATAGRAM = HEADER_LENGTH + TAG_LENGTH;

	public static final int MAX_PLAINTEXT = MAX_DATAGRAM - HEADER_LENGTH - TAG_LENGTH;

	/** Bit 31 of the instance id: 0 for agent to control plane, 1 for control plane to agent. */
	public static final int INSTANCE_DIRECTION_BIT = 0x8000_0000;

	public static final int MAX_INTERFACES = 24;

	public static final int MAX_INTERFACE_NAME = 15;

	public static final int MAX_HOSTNAME = 64;

	private Protocol() {
	}

}

package io.syncookied.telemetry;

import java.nio.ByteBuffer;

/**
 * The 32-byte datagram header, sent in clear and authenticated as AEAD associated data. {@code instance} is
 * random per sender process (bit 31 says the direction) and, with {@code sequence}, forms the nonce.
 */
public record Header(MessageType type, AeadAlgorithm algorithm, int keyId, int instance, long sequence,
		long timestampMs) {

	void writeTo(byte[] out) {
		ByteBuffer.wrap(out, 0, Protocol.HEADER_LENGTH)
			.putInt(Protocol.MAGIC)
			.put((byte) Protocol.VERSION)
			.put((byte) this.type.code())
			.put((byte) this.algorithm.code())
			.put((byte) 0)
			.putInt(this.keyId)
			.putInt(this.instance)
			.putLong(this.sequence)
			.putLong(this.timestampMs);
	}

	/** True when the instance id says the datagram comes from a control plane (a resend request). */
	public boolean fromControlPlane() {
		return (this.instance & Protocol.INSTANCE_DIRECTION_BIT) != 0;
	}

}

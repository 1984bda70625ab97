package io.syncookied.telemetry;

import java.util.Arrays;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One per-host pre-shared key. {@code host} is the operator's name for the protected server: it is the
 * authenticated identity events carry (two keys of one host during a rollover share it).
 */
public final class PresharedKey {

	private final int id;

	private final String host;

	private final AeadAlgorithm algorithm;

	private final SecretKey secretKey;

	public PresharedKey(int id, String host, AeadAlgorithm algorithm, byte[] key) {
		if (key.length != AeadAlgorithm.KEY_LENGTH) {
			throw new IllegalArgumentException("key " + id + ": must be " + AeadAlgorithm.KEY_LENGTH
					+ " bytes, got " + key.length);
		}
		if (host.isBlank() || host.length() > 255) {
			throw new IllegalArgumentException("key " + id + ": host label must be 1..255 characters");
		}
		this.id = id;
		this.host = host;
		this.algorithm = algorithm;
		this.secretKey = new SecretKeySpec(Arrays.copyOf(key, key.length), algorithm.keyAlgorithm());
	}

	/** The key id as an unsigned 32-bit number on the wire; Java sees it as an int. */
	public int id() {
		return this.id;
	}

	public String host() {
		return this.host;
	}

	public AeadAlgorithm algorithm() {
		return this.algorithm;
	}

	SecretKey secretKey() {
		return this.secretKey;
	}

	/** Never prints key material. */
	@Override
	public String toString() {
		return "PresharedKey[id=" + Integer.toUnsignedString(this.id) + ", host=" + this.host + ", algorithm="
				+ this.algorithm + "]";
	}

}

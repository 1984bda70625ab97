package io.syncookied.telemetry;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.crypto.Cipher;

/**
 * Seals datagrams: header in clear as associated data, payload encrypted, 16-byte tag appended. Thread-safe
 * (sealing is rare: a few datagrams per second).
 */
public final class DatagramSealer {

	private final SequenceSource sequences;

	private final LongSupplier wallClockMs;

	private final Map<AeadAlgorithm, Cipher> ciphers = new EnumMap<>(AeadAlgorithm.class);

	public DatagramSealer(SequenceSource sequences, LongSupplier wallClockMs) {
		this.sequences = sequences;
		this.wallClockMs = wallClockMs;
	}

	public synchronized byte[] seal(PresharedKey key, MessageType type, byte[] plaintext, int offset, int length) {
		Header header = new Header(type, key.algorithm(), key.id(), this.sequences.instance(), this.sequences.next(),
				this.wallClockMs.getAsLong());
		Cipher cipher = this.ciphers.computeIfAbsent(key.algorithm(), AeadAlgorithm::newCipher);
		return seal(cipher, key, header, plaintext, offset, length);
	}

	/** Seals with an explicit header: for test vectors and tests. */
	static byte[] seal(Cipher cipher, PresharedKey key, Header header, byte[] plaintext, int offset, int length) {
		if (length > Protocol.MAX_PLAINTEXT) {
			throw new IllegalArgumentException("payload: " + length + " bytes, limit " + Protocol.MAX_PLAINTEXT);
		}
		if (header.algorithm() != key.algorithm() || header.keyId() != key.id()) {
			throw new IllegalArgumentException("header does not match key " + key);
		}
		byte[] out = new byte[Protocol.HEADER_LENGTH + length + Protocol.TAG_LENGTH];
		header.writeTo(out);
		byte[] nonce = Arrays.copyOfRange(out, Protocol.NONCE_OFFSET, Protocol.NONCE_OFFSET + Protocol.NONCE_LENGTH);
		try {
			cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), key.algorithm().nonceSpec(nonce));
			cipher.updateAAD(out, 0, Protocol.HEADER_LENGTH);
			int n = cipher.doFinal(plaintext, offset, length, out, Protocol.HEADER_LENGTH);
			if (n != length + Protocol.TAG_LENGTH) {
				throw new IllegalStateException("AEAD produced " + n + " bytes, expected " + (length + 16));
			}
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("sealing with " + key + " failed", ex);
		}
		return out;
	}

}

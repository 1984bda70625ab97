package io.syncookied.telemetry;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * Checks and opens datagrams of one accepted type: size, header fields, key, timestamp window, replay window,
 * then the AEAD tag; only a datagram whose tag verifies moves the replay window. Not thread-safe: each receiving
 * channel owns one. Never throws for bad input, and allocates nothing proportional to it.
 */
public final class DatagramOpener {

	private final MessageType accepted;

	private final long maxSkewMs;

	private final LongSupplier wallClockMs;

	private final Map<AeadAlgorithm, Cipher> ciphers = new EnumMap<>(AeadAlgorithm.class);

	private final byte[] nonce = new byte[Protocol.NONCE_LENGTH];

	/** One window per key id; only ids in the key ring that authenticated a datagram get one. */
	private final Map<Integer, ReplayWindow> windows = new HashMap<>();

	private volatile KeyRing keys;

	public DatagramOpener(MessageType accepted, KeyRing keys, Duration maxClockSkew, LongSupplier wallClockMs) {
		this.accepted = accepted;
		this.keys = keys;
		this.maxSkewMs = maxClockSkew.toMillis();
		this.wallClockMs = wallClockMs;
		for (AeadAlgorithm alg : AeadAlgorithm.values()) {
			this.ciphers.put(alg, alg.newCipher());
		}
	}

	/** Replaces the keys (rotation). Replay windows of keys that stay are kept. */
	public void setKeys(KeyRing keys) {
		this.keys = keys;
	}

	public KeyRing keys() {
		return this.keys;
	}

	/**
	 * @param datagram bytes [0, length) of the datagram
	 * @param plaintext receives the payload; at least {@link Protocol#MAX_PLAINTEXT} bytes long
	 */
	public OpenResult open(byte[] datagram, int length, byte[] plaintext) {
		if (length > Protocol.MAX_DATAGRAM) {
			return new OpenResult.Rejected(RejectReason.OVERSIZE, "datagram: " + length + " bytes, limit "
					+ Protocol.MAX_DATAGRAM);
		}
		if (length < Protocol.MIN_DATAGRAM) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "datagram: " + length + " bytes, minimum "
					+ Protocol.MIN_DATAGRAM);
		}
		ByteBuffer h = ByteBuffer.wrap(datagram, 0, Protocol.HEADER_LENGTH);
		if (h.getInt() != Protocol.MAGIC) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "magic: not SCKD");
		}
		int version = h.get() & 0xff;
		if (version != Protocol.VERSION) {
			return new OpenResult.Rejected(RejectReason.UNSUPPORTED_VERSION, "version: " + version);
		}
		MessageType type = MessageType.fromCode(h.get() & 0xff);
		if (type != this.accepted) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "type: " + (datagram[5] & 0xff) + ", expected "
					+ this.accepted.code());
		}
		AeadAlgorithm alg = AeadAlgorithm.fromCode(h.get() & 0xff);
		if (alg == null) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "algorithm: unknown code " + (datagram[6] & 0xff));
		}
		if (h.get() != 0) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "reserved: not zero");
		}
		int keyId = h.getInt();
		int instance = h.getInt();
		long sequence = h.getLong();
		long timestamp = h.getLong();
		boolean fromControlPlane = (instance & Protocol.INSTANCE_DIRECTION_BIT) != 0;
		if (fromControlPlane != (this.accepted == MessageType.RESEND_REQUEST)) {
			return new OpenResult.Rejected(RejectReason.MALFORMED, "instance: direction bit is wrong for type");
		}
		PresharedKey key = this.keys.get(keyId);
		if (key == null || key.algorithm() != alg) {
			return new OpenResult.Rejected(RejectReason.UNKNOWN_KEY, "key_id: " + Integer.toUnsignedString(keyId)
					+ ((key == null) ? " is not configured" : " is configured for " + key.algorithm()));
		}
		long now = this.wallClockMs.getAsLong();
		if (timestamp < now - this.maxSkewMs) {
			return new OpenResult.Rejected(RejectReason.STALE, "timestamp: " + (now - timestamp) + " ms old");
		}
		if (timestamp > now + this.maxSkewMs) {
			return new OpenResult.Rejected(RejectReason.FUTURE, "timestamp: " + (timestamp - now) + " ms ahead");
		}
		ReplayWindow window = this.windows.get(keyId);
		if (window != null && window.isReplay(sequence)) {
			return new OpenResult.Rejected(RejectReason.REPLAY, "sequence: " + Long.toUnsignedString(sequence)
					+ " already seen or below the window");
		}
		System.arraycopy(datagram, Protocol.NONCE_OFFSET, this.nonce, 0, Protocol.NONCE_LENGTH);
		Cipher cipher = this.ciphers.get(alg);
		int n;
		try {
			initDecrypt(cipher, key, alg);
			cipher.updateAAD(datagram, 0, Protocol.HEADER_LENGTH);
			n = cipher.doFinal(datagram, Protocol.HEADER_LENGTH, length - Protocol.HEADER_LENGTH, plaintext, 0);
		}
		catch (AEADBadTagException ex) {
			return new OpenResult.Rejected(RejectReason.BAD_TAG, "tag: does not verify under key "
					+ Integer.toUnsignedString(keyId));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return new OpenResult.Rejected(RejectReason.BAD_TAG, "aead: " + ex.getClass().getSimpleName());
		}
		if (window == null) {
			window = new ReplayWindow();
			this.windows.put(keyId, window);
			pruneWindows();
		}
		window.accept(sequence);
		return new OpenResult.Opened(new Header(type, alg, keyId, instance, sequence, timestamp), key, n);
	}

	/**
	 * The JDK's ChaCha20-Poly1305 refuses to init twice in a row with the same key and nonce, even to decrypt
	 * (a replayed or retransmitted datagram after a forged one). Decrypting is safe under a repeated nonce, so
	 * we step through a scratch nonce and try again.
	 */
	private void initDecrypt(Cipher cipher, PresharedKey key, AeadAlgorithm alg) throws GeneralSecurityException {
		try {
			cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), alg.nonceSpec(this.nonce));
		}
		catch (java.security.InvalidKeyException ex) {
			byte[] scratch = this.nonce.clone();
			scratch[0] ^= 1;
			cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), alg.nonceSpec(scratch));
			cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), alg.nonceSpec(this.nonce));
		}
	}

	/** Windows of keys no longer configured are dropped, so the map stays bounded by the key ring. */
	private void pruneWindows() {
		if (this.windows.size() > this.keys.size()) {
			this.windows.keySet().removeIf(id -> this.keys.get(id) == null);
		}
	}

}

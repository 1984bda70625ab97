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
 * Checks and opens datagrams of one accepted type: size, header fields, key, timestamp window, the sender
 * instance's replay window and whether a newer instance supersedes it ({@link SenderInstances}), then the AEAD tag;
 * only a datagram whose tag verifies changes any of that state. Not thread-safe: each receiving
 * channel owns one. Never throws for bad input, and allocates nothing proportional to it.
 */
public final class DatagramOpener {

	private final MessageType accepted;

	private final long maxSkewMs;

	private final LongSupplier wallClockMs;

	private final Map<AeadAlgorithm, Cipher> ciphers = new EnumMap<>(AeadAlgorithm.class);

	private final byte[] nonce = new byte[Protocol.NONCE_LENGTH];

	/** How long a sender instance counts as live after its last authenticated datagram, by default. */
	public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(5);

	private final long instanceTimeoutMs;

	/** Replay state per key id; only ids in the key ring that authenticated a datagram get one. */
	private final Map<Integer, SenderInstances> senders = new HashMap<>();

	private volatile KeyRing keys;

	public DatagramOpener(MessageType accepted, KeyRing keys, Duration maxClockSkew, LongSupplier wallClockMs) {
		this(accepted, keys, maxClockSkew, DEFAULT_INSTANCE_TIMEOUT, wallClockMs);
	}

	/**
	 * @param instanceTimeout how long after its last authenticated datagram a sender instance is live, and so
	 * supersedes the older instances of its key ({@link SenderInstances})
	 */
	public DatagramOpener(MessageType accepted, KeyRing keys, Duration maxClockSkew, Duration instanceTimeout,
			LongSupplier wallClockMs) {
		if (instanceTimeout.isNegative() || instanceTimeout.isZero()) {
			throw new IllegalArgumentException("instanceTimeout: must be positive, got " + instanceTimeout);
		}
		this.accepted = accepted;
		this.keys = keys;
		this.maxSkewMs = maxClockSkew.toMillis();
		this.instanceTimeoutMs = instanceTimeout.toMillis();
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
		SenderInstances instances = this.senders.get(keyId);
		if (instances != null) {
			OpenResult.Rejected refused = refusedBySender(instances, keyId, instance, sequence, now);
			if (refused != null) {
				return refused;
			}
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
		if (instances == null) {
			// twice the skew: a sender's clock may run up to one skew ahead of ours
			instances = new SenderInstances(this.instanceTimeoutMs, 2 * this.maxSkewMs);
			this.senders.put(keyId, instances);
			pruneSenders();
		}
		instances.accept(instance, sequence, now);
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

	private static OpenResult.Rejected refusedBySender(SenderInstances instances, int keyId, int instance,
			long sequence, long now) {
		return switch (instances.check(instance, sequence, now)) {
			case FRESH -> null;
			case REPLAY -> new OpenResult.Rejected(RejectReason.REPLAY, "sequence: " + Long.toUnsignedString(sequence)
					+ " of instance " + hex(instance) + " already seen or below its window");
			case SUPERSEDED -> new OpenResult.Rejected(RejectReason.SUPERSEDED, "instance: " + hex(instance)
					+ " of key " + Integer.toUnsignedString(keyId) + " is older than the live instance "
					+ hex(instances.newestLiveInstance(now)) + "; two senders are using this key (each agent needs "
					+ "its own key), the newer one wins until it stops");
			case INSTANCE_LIMIT -> new OpenResult.Rejected(RejectReason.INSTANCE_LIMIT, "instance: " + hex(instance)
					+ " would be one more than the " + SenderInstances.MAX_INSTANCES + " senders of key "
					+ Integer.toUnsignedString(keyId) + " heard within twice the clock skew; is an agent restarting "
					+ "in a loop?");
		};
	}

	private static String hex(int instance) {
		return String.format("0x%08x", instance);
	}

	/** Replay state of keys no longer configured is dropped, so the map stays bounded by the key ring. */
	private void pruneSenders() {
		if (this.senders.size() > this.keys.size()) {
			this.senders.keySet().removeIf(id -> this.keys.get(id) == null);
		}
	}

}

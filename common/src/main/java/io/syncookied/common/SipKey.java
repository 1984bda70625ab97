package io.syncookied.common;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A kernel {@code siphash_key_t}: its two u64 words in memory order, as /proc/tcp_secrets prints them.
 *
 * @param w0 key[0]
 * @param w1 key[1]
 */
public record SipKey(long w0, long w1) {

	/**
	 * Parses {@code <hex64>.<hex64>.} (the /proc/tcp_secrets form), {@code <hex64>.<hex64>} or {@code <hex64>,<hex64>}
	 * (the real-kernel vectors' form).
	 *
	 * @throws IllegalArgumentException naming the expected form; the message never repeats the key
	 */
	public static SipKey parse(String text) {
		String t = text.strip();
		if (t.endsWith(".")) {
			t = t.substring(0, t.length() - 1);
		}
		String[] words = t.split("[,.]", -1);
		if (words.length != 2 || !isHex64(words[0]) || !isHex64(words[1])) {
			throw new IllegalArgumentException("key: expected two 64-bit hex words <hex64>.<hex64>.");
		}
		return new SipKey(Long.parseUnsignedLong(words[0], 16), Long.parseUnsignedLong(words[1], 16));
	}

	private static boolean isHex64(String w) {
		return !w.isEmpty() && w.length() <= 16 && w.chars().allMatch(HexFormat::isHexDigit);
	}

	/** The kernel initialises its secrets lazily, on the first cookie: all zero means "not yet". */
	public boolean isZero() {
		return this.w0 == 0 && this.w1 == 0;
	}

	/** The /proc/tcp_secrets form {@code <16 hex>.<16 hex>.} (this does print the secret). */
	public String toProcText() {
		return String.format(Locale.ROOT, "%016x.%016x.", this.w0, this.w1);
	}

	@Override
	public String toString() {
		return "SipKey[redacted]"; // never print secret material by accident
	}

}

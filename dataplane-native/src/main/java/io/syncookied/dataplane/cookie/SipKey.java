package io.syncookied.dataplane.cookie;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A kernel {@code siphash_key_t}: its two u64 words in memory order, as {@code /proc/tcp_secrets} prints them.
 *
 * @param w0 key[0]
 * @param w1 key[1]
 */
public record SipKey(long w0, long w1) {

	/** Parses {@code <hex64>,<hex64>} (a {@code .} separator and a trailing {@code .} are accepted too). */
	public static SipKey parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("key: missing");
		}
		String t = text.strip();
		if (t.endsWith(".")) {
			t = t.substring(0, t.length() - 1);
		}
		String[] words = t.split("[,.]", -1);
		if (words.length != 2 || !isHex64(words[0]) || !isHex64(words[1])) {
			throw new IllegalArgumentException("key '" + text + "': expected two 64-bit hex words <hex64>,<hex64>");
		}
		return new SipKey(Long.parseUnsignedLong(words[0], 16), Long.parseUnsignedLong(words[1], 16));
	}

	private static boolean isHex64(String w) {
		return !w.isEmpty() && w.length() <= 16 && w.chars().allMatch(HexFormat::isHexDigit);
	}

	long[] words() {
		return new long[] {w0, w1};
	}

	@Override
	public String toString() {
		// never print secret material by accident
		return "SipKey[redacted]";
	}

	/** The {@code /proc/tcp_secrets} text form (this does print the secret). */
	public String toHex() {
		return String.format(Locale.ROOT, "%016x,%016x", w0, w1);
	}
}

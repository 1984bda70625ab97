package io.syncookied.dataplane;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One protected server's kernel secrets in the {@code /proc/tcp_secrets} text format (docs/tcp_secrets-format.md),
 * exactly as the kernel module prints them and the host agent ships them.
 *
 * <p>{@link #parse(String)} checks the parts the dataplane cannot work without (header, the two SipHash or SHA-1
 * secret lines) and names the bad line; the worker checks every field again and rejects the whole text on any
 * error, keeping the previous secrets.
 *
 * @param text the secrets text
 * @param sampleAgeMillis how old the sample already is (so the server's clock is estimated, never ahead)
 */
public record DpSecrets(String text, long sampleAgeMillis) {

	private static final Pattern HEADER = Pattern.compile("\\d+ \\d+ \\d+");

	private static final Pattern SIPHASH_KEY = Pattern.compile("[0-9a-fA-F]{16}\\.[0-9a-fA-F]{16}\\.");

	private static final Pattern SHA1_KEY = Pattern.compile("([0-9a-fA-F]{8}\\. ?){17}");

	public DpSecrets {
		Objects.requireNonNull(text, "text");
		if (sampleAgeMillis < 0) {
			throw new IllegalArgumentException("sampleAgeMillis: negative");
		}
	}

	/** Validates and wraps a fresh sample. */
	public static DpSecrets parse(String text) {
		return parse(text, 0);
	}

	public static DpSecrets parse(String text, long sampleAgeMillis) {
		String[] lines = text.split("\n", -1);
		if (lines.length < 3) {
			throw new DataplaneException("EINVAL", "secrets: line " + (lines.length + 1)
					+ ": expected '<jiffies> <count> <HZ>' and two secret lines");
		}
		if (!HEADER.matcher(lines[0].strip()).matches()) {
			throw new DataplaneException("EINVAL", "secrets: line 1: header: expected '<jiffies> <count> <HZ>'");
		}
		for (int i = 1; i <= 2; i++) {
			String l = lines[i].strip();
			if (!SIPHASH_KEY.matcher(l).matches() && !SHA1_KEY.matcher(l).matches()) {
				throw new DataplaneException("EINVAL", "secrets: line " + (i + 1) + ": syncookie_secret" + (i - 1)
						+ ": expected two 16-hex-digit words (or 17 8-hex-digit words), each followed by '.'");
			}
		}
		return new DpSecrets(text.endsWith("\n") ? text : text + "\n", sampleAgeMillis);
	}

	@Override
	public String toString() {
		// never log key material
		return "DpSecrets[" + this.text.lines().findFirst().orElse("") + ", age " + this.sampleAgeMillis + " ms]";
	}
}

package io.syncookied.agent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.syncookied.common.SipKey;
import io.syncookied.telemetry.TcpSecrets;
import io.syncookied.common.TsOffsetRule;
import org.jspecify.annotations.Nullable;

/**
 * Strict parser for /proc/tcp_secrets (format in docs/tcp_secrets-format.md and COORDINATION.md): the original
 * three lines ({@code <jiffies> <count> <HZ>} and two SipHash keys) and the extended {@code key value} lines after
 * them. Unknown keys are ignored, so a newer module still parses; a known key with a bad value, a duplicate, or a
 * malformed first three lines is an error naming the line and field.
 */
public final class TcpSecretsParser {

	private static final Pattern KEY = Pattern.compile("[0-9a-fA-F]{16}\\.[0-9a-fA-F]{16}\\.");

	private static final Pattern SHA1_KEY = Pattern.compile("([0-9a-fA-F]{8}\\.){17}");

	private static final Set<String> NUMERIC = Set.of("tcp_syncookies", "tcp_timestamps", "tcp_sack",
			"tcp_window_scaling", "tcp_ecn");

	private TcpSecretsParser() {
	}

	public static TcpSecretsFile parse(String text) {
		String[] lines = text.split("\n", -1);
		int count = lines.length;
		while (count > 0 && lines[count - 1].isEmpty()) {
			count--; // trailing newline(s)
		}
		if (count == 0) {
			throw new TcpSecretsFormatException(1, "header", "file is empty");
		}
		String[] header = lines[0].trim().split(" +");
		if (header.length != 3) {
			throw new TcpSecretsFormatException(1, "header", "expected '<jiffies> <count> <HZ>', got '" + lines[0] + "'");
		}
		long jiffies = unsigned(1, "jiffies", header[0]);
		long cookieCount = unsigned(1, "count", header[1]);
		long hz = unsigned(1, "HZ", header[2]);
		if (hz < 1 || hz > 100_000) {
			throw new TcpSecretsFormatException(1, "HZ", hz + " is not a plausible HZ");
		}
		if (count < 3) {
			throw new TcpSecretsFormatException(count + 1, "syncookie_secret[" + (count - 1) + "]",
					"missing: expected the header and two key lines, got " + count + " lines");
		}
		SipKey k0 = key(2, "syncookie_secret[0]", lines[1]);
		SipKey k1 = key(3, "syncookie_secret[1]", lines[2]);

		int format = 1;
		SipKey v6a = null;
		SipKey v6b = null;
		long tcpClockMs = -1;
		TsOffsetRule rule = TsOffsetRule.UNKNOWN;
		SipKey tsSecret = null;
		String tsSecretName = null;
		int overflowHook = -1;
		Map<String, Long> values = new HashMap<>();
		Set<String> seen = new HashSet<>();
		for (int i = 3; i < count; i++) {
			int lineNo = i + 1;
			String line = lines[i];
			if (line.isBlank()) {
				continue;
			}
			int sp = line.indexOf(' ');
			if (sp <= 0) {
				throw new TcpSecretsFormatException(lineNo, "line", "expected 'key value', got '" + line + "'");
			}
			String name = line.substring(0, sp);
			String value = line.substring(sp + 1).trim();
			boolean known = true;
			switch (name) {
				case "format" -> {
					long f = unsigned(lineNo, name, value);
					if (f < 2) {
						throw new TcpSecretsFormatException(lineNo, name, "must be 2 or more, got " + f);
					}
					format = (int) Math.min(f, 255);
				}
				case "syncookie6_secret0" -> v6a = key(lineNo, name, value);
				case "syncookie6_secret1" -> v6b = key(lineNo, name, value);
				case "tcp_clock_ms" -> tcpClockMs = unsigned(lineNo, name, value);
				case "ts_offset_rule" -> rule = switch (value) {
					case "net_secret" -> TsOffsetRule.NET_SECRET;
					case "ts_secret" -> TsOffsetRule.TS_SECRET;
					default -> throw new TcpSecretsFormatException(lineNo, name,
							"expected net_secret or ts_secret, got '" + value + "'");
				};
				case "net_secret", "ts_secret" -> {
					if (tsSecret != null) {
						throw new TcpSecretsFormatException(lineNo, name, "a second timestamp secret (" + tsSecretName + ")");
					}
					tsSecret = key(lineNo, name, value);
					tsSecretName = name;
				}
				case "overflow_hook" -> overflowHook = switch (value) {
					case "disabled" -> 0;
					case "inactive" -> 1;
					case "active" -> 2;
					default -> throw new TcpSecretsFormatException(lineNo, name,
							"expected active, inactive or disabled, got '" + value + "'");
				};
				default -> {
					if (NUMERIC.contains(name)) {
						values.put(name, unsigned(lineNo, name, value));
					}
					else {
						known = false; // a newer module's line: ignored by design
					}
				}
			}
			if (known && !seen.add(name)) {
				throw new TcpSecretsFormatException(lineNo, name, "appears twice");
			}
		}
		if ((v6a == null) != (v6b == null)) {
			throw new TcpSecretsFormatException(count, (v6a == null) ? "syncookie6_secret0" : "syncookie6_secret1",
					"missing: the IPv6 secrets come as a pair");
		}
		if (tsSecretName != null && rule != TsOffsetRule.UNKNOWN && !tsSecretName.equals(ruleKeyName(rule))) {
			throw new TcpSecretsFormatException(count, tsSecretName,
					"does not match ts_offset_rule " + ruleKeyName(rule));
		}
		if (tsSecretName != null && rule == TsOffsetRule.UNKNOWN) {
			rule = tsSecretName.equals("net_secret") ? TsOffsetRule.NET_SECRET : TsOffsetRule.TS_SECRET;
		}
		TcpSecrets secrets = new TcpSecrets(format, k0, k1, v6a, v6b, rule, tsSecret);
		return new TcpSecretsFile(jiffies, cookieCount, (int) hz, tcpClockMs, secrets, values, overflowHook);
	}

	private static String ruleKeyName(TsOffsetRule rule) {
		return (rule == TsOffsetRule.NET_SECRET) ? "net_secret" : "ts_secret";
	}

	private static long unsigned(int line, String field, String value) {
		if (value.isEmpty() || value.length() > 20 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new TcpSecretsFormatException(line, field, "expected an unsigned decimal, got '" + value + "'");
		}
		try {
			return Long.parseUnsignedLong(value);
		}
		catch (NumberFormatException ex) {
			throw new TcpSecretsFormatException(line, field, "out of range: '" + value + "'");
		}
	}

	private static SipKey key(int line, String field, @Nullable String value) {
		String v = (value == null) ? "" : value.trim();
		if (SHA1_KEY.matcher(v).matches()) {
			throw new TcpSecretsFormatException(line, field,
					"SHA-1 syncookie secrets (kernels before 4.11) are not supported; SipHash kernels print two words");
		}
		if (!KEY.matcher(v).matches()) {
			throw new TcpSecretsFormatException(line, field,
					"expected '<16 hex digits>.<16 hex digits>.', got '" + abbreviate(v) + "'");
		}
		return new SipKey(Long.parseUnsignedLong(v.substring(0, 16), 16), Long.parseUnsignedLong(v.substring(17, 33), 16));
	}

	private static String abbreviate(String v) {
		return (v.length() > 40) ? v.substring(0, 40) + "..." : v;
	}

}

package io.syncookied.telemetry;

import org.jspecify.annotations.Nullable;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;

/**
 * Renders secrets back into the /proc/tcp_secrets text format (COORDINATION.md, docs/tcp_secrets-format.md), so a
 * control plane can hand a host's secrets to the dataplane's secrets parser unchanged. The clock line carries the
 * values sampled by the agent at {@code clock.sampledAtMs()}.
 */
public final class TcpSecretsText {

	private TcpSecretsText() {
	}

	public static String render(TcpSecrets secrets, ClockSample clock, @Nullable Sysctls sysctls) {
		StringBuilder sb = new StringBuilder(512);
		sb.append(Long.toUnsignedString(clock.jiffies())).append(' ').append(Long.toUnsignedString(clock.cookieCount()))
			.append(' ').append(clock.hz()).append('\n');
		key(sb, secrets.secret0()).append('\n');
		key(sb, secrets.secret1()).append('\n');
		if (secrets.format() < 2 && !extendedFacts(secrets, clock, sysctls)) {
			return sb.toString(); // the original three lines, byte for byte
		}
		// an original-format kernel still gets the facts the agent learnt elsewhere (its sysctls), in format 2
		sb.append("format ").append(Math.max(2, secrets.format())).append('\n');
		SipKey v6a = secrets.secret6x0();
		SipKey v6b = secrets.secret6x1();
		if (v6a != null && v6b != null) {
			key(sb.append("syncookie6_secret0 "), v6a).append('\n');
			key(sb.append("syncookie6_secret1 "), v6b).append('\n');
		}
		if (clock.hasTcpClock()) {
			sb.append("tcp_clock_ms ").append(Long.toUnsignedString(clock.tcpClockMs())).append('\n');
		}
		String ruleKey = switch (secrets.tsOffsetRule()) {
			case NET_SECRET -> "net_secret";
			case TS_SECRET -> "ts_secret";
			case UNKNOWN -> null;
		};
		if (ruleKey != null) {
			sb.append("ts_offset_rule ").append(ruleKey).append('\n');
			SipKey ts = secrets.tsOffsetSecret();
			if (ts != null) {
				key(sb.append(ruleKey).append(' '), ts).append('\n');
			}
		}
		if (sysctls != null) {
			line(sb, "tcp_syncookies", sysctls.tcpSyncookies());
			line(sb, "tcp_timestamps", sysctls.tcpTimestamps());
			line(sb, "tcp_sack", sysctls.tcpSack());
			line(sb, "tcp_window_scaling", sysctls.tcpWindowScaling());
			line(sb, "tcp_ecn", sysctls.tcpEcn());
			switch (sysctls.overflowHook()) {
				case 0 -> sb.append("overflow_hook disabled\n");
				case 1 -> sb.append("overflow_hook inactive\n");
				case 2 -> sb.append("overflow_hook active\n");
				default -> {
				}
			}
		}
		return sb.toString();
	}

	private static boolean extendedFacts(TcpSecrets secrets, ClockSample clock, @Nullable Sysctls sysctls) {
		return (secrets.secret6x0() != null && secrets.secret6x1() != null) || clock.hasTcpClock()
				|| secrets.tsOffsetRule() != TsOffsetRule.UNKNOWN || (sysctls != null && !Sysctls.NONE.equals(sysctls));
	}

	private static void line(StringBuilder sb, String name, int value) {
		if (value != Sysctls.ABSENT) {
			sb.append(name).append(' ').append(value).append('\n');
		}
	}

	private static StringBuilder key(StringBuilder sb, SipKey key) {
		return sb.append(String.format(java.util.Locale.ROOT, "%016x.%016x.", key.w0(), key.w1()));
	}

}

package io.syncookied.controlplane.telemetry;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.SipKey;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpSecrets;
import io.syncookied.telemetry.TsOffsetRule;

/**
 * Renders an agent's secrets and newest clock sample in the {@code /proc/tcp_secrets} text format (format 2) that
 * the dataplane takes. Pure.
 */
public final class SecretsText {

	private SecretsText() {
	}

	public static String render(TcpSecrets secrets, ClockSample clock, @Nullable Sysctls sysctls) {
		StringBuilder s = new StringBuilder(512);
		s.append(Long.toUnsignedString(clock.jiffies())).append(' ').append(Long.toUnsignedString(clock.cookieCount()))
			.append(' ').append(clock.hz()).append('\n');
		s.append(key(secrets.secret0())).append('\n');
		s.append(key(secrets.secret1())).append('\n');
		s.append("format 2\n");
		if (secrets.secret6x0() != null && secrets.secret6x1() != null) {
			s.append("syncookie6_secret0 ").append(key(secrets.secret6x0())).append('\n');
			s.append("syncookie6_secret1 ").append(key(secrets.secret6x1())).append('\n');
		}
		if (clock.hasTcpClock()) {
			s.append("tcp_clock_ms ").append(Long.toUnsignedString(clock.tcpClockMs())).append('\n');
		}
		if (secrets.tsOffsetRule() == TsOffsetRule.NET_SECRET || secrets.tsOffsetRule() == TsOffsetRule.TS_SECRET) {
			String name = (secrets.tsOffsetRule() == TsOffsetRule.NET_SECRET) ? "net_secret" : "ts_secret";
			s.append("ts_offset_rule ").append(name).append('\n');
			if (secrets.tsOffsetSecret() != null) {
				s.append(name).append(' ').append(key(secrets.tsOffsetSecret())).append('\n');
			}
		}
		if (sysctls != null) {
			sysctl(s, "tcp_syncookies", sysctls.tcpSyncookies());
			sysctl(s, "tcp_timestamps", sysctls.tcpTimestamps());
			sysctl(s, "tcp_sack", sysctls.tcpSack());
			sysctl(s, "tcp_window_scaling", sysctls.tcpWindowScaling());
			sysctl(s, "tcp_ecn", sysctls.tcpEcn());
			switch (sysctls.overflowHook()) {
				case 0 -> s.append("overflow_hook disabled\n");
				case 1 -> s.append("overflow_hook inactive\n");
				case 2 -> s.append("overflow_hook active\n");
				default -> {
				}
			}
		}
		return s.toString();
	}

	private static void sysctl(StringBuilder s, String name, int value) {
		if (value != Sysctls.ABSENT) {
			s.append(name).append(' ').append(value).append('\n');
		}
	}

	private static String key(SipKey k) {
		return String.format(Locale.ROOT, "%016x.%016x.", k.w0(), k.w1());
	}

}

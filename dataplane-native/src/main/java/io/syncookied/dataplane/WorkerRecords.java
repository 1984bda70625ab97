package io.syncookied.dataplane;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.IpText;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TsOffsetRule;

/**
 * The worker protocol's typed records (docs/dataplane-worker-protocol.md): a host as {@link HostKey} lines, secrets as
 * {@link SecretsKey} lines, each line {@code key=value}, each record starting with its {@code ip=} line. Keys at their
 * default are left out, so a record of a plain host is two lines.
 */
final class WorkerRecords {

	private WorkerRecords() {
	}

	/** Appends one host record. */
	static StringBuilder host(StringBuilder out, DpHost h) {
		line(out, HostKey.IP, h.ipText());
		line(out, HostKey.MAC, h.mac());
		if (h.passthrough()) {
			line(out, HostKey.PASSTHROUGH, "true");
		}
		for (DpFilter f : h.filters()) {
			line(out, HostKey.FILTERS, f.action().word() + " " + f.expression());
		}
		if (h.defaultAction() != DpFilter.Action.PASS) {
			line(out, HostKey.FILTERS, h.defaultAction().word() + " default");
		}
		if (h.noSecrets() != DpFilter.Action.DROP) {
			line(out, HostKey.NO_SECRETS, h.noSecrets().word());
		}
		SynAckOptions o = h.synAck();
		optional(out, HostKey.MSS, o.mss());
		optional(out, HostKey.WINDOW, o.window());
		optional(out, HostKey.WSCALE, o.wscale());
		off(out, HostKey.TIMESTAMPS, o.timestamps());
		off(out, HostKey.SACK, o.sack());
		off(out, HostKey.WINDOW_SCALING, o.windowScaling());
		off(out, HostKey.ECN, o.ecn());
		if (h.md5() != DpFilter.Action.DROP) {
			line(out, HostKey.MD5, h.md5().word());
		}
		if (h.ttl() != DpHost.DEFAULT_TTL) {
			line(out, HostKey.TTL, Integer.toString(h.ttl()));
		}
		if (h.synRefreshMs() != 0) {
			line(out, HostKey.SYN_REFRESH_MS, Integer.toString(h.synRefreshMs()));
		}
		if (h.pickupSeconds() != 0) {
			line(out, HostKey.PICKUP_S, Integer.toString(h.pickupSeconds()));
		}
		if (h.cookie() != DpHost.CookieHash.SIPHASH) {
			line(out, HostKey.COOKIE, h.cookie().word());
		}
		return out;
	}

	/** Appends one secrets record; the age is how long before {@code now} the kernel printed them. */
	static StringBuilder secrets(StringBuilder out, InetAddress ip, KernelSecrets s, Instant now) {
		line(out, SecretsKey.IP, IpText.of(ip));
		line(out, SecretsKey.AGE_MS, Long.toString(s.ageAt(now).toMillis()));
		line(out, SecretsKey.JIFFIES, Long.toUnsignedString(s.jiffies()));
		line(out, SecretsKey.COOKIE_COUNT, Long.toUnsignedString(s.cookieCount() & 0xffffffffL));
		line(out, SecretsKey.HZ, Integer.toString(s.hz()));
		if (s.hasTcpClock()) {
			line(out, SecretsKey.TCP_CLOCK_MS, Long.toUnsignedString(s.tcpClockMs()));
		}
		key(out, SecretsKey.SECRET0, s.secret0());
		key(out, SecretsKey.SECRET1, s.secret1());
		if (s.secret6x0() != null && s.secret6x1() != null) {
			key(out, SecretsKey.SECRET6_0, s.secret6x0());
			key(out, SecretsKey.SECRET6_1, s.secret6x1());
		}
		if (s.tsOffsetRule() != TsOffsetRule.UNKNOWN) {
			line(out, SecretsKey.TS_OFFSET_RULE, s.tsOffsetRule().procName());
			if (s.tsOffsetSecret() != null) {
				key(out, SecretsKey.TS_OFFSET_SECRET, s.tsOffsetSecret());
			}
		}
		CookieSysctls c = s.sysctls();
		sysctl(out, SecretsKey.TCP_SYNCOOKIES, c.tcpSyncookies());
		sysctl(out, SecretsKey.TCP_TIMESTAMPS, c.tcpTimestamps());
		sysctl(out, SecretsKey.TCP_SACK, c.tcpSack());
		sysctl(out, SecretsKey.TCP_WINDOW_SCALING, c.tcpWindowScaling());
		sysctl(out, SecretsKey.TCP_ECN, c.tcpEcn());
		if (s.overflowHook() != OverflowHook.UNKNOWN) {
			line(out, SecretsKey.OVERFLOW_HOOK, s.overflowHook().name().toLowerCase(java.util.Locale.ROOT));
		}
		// the agent reports both families' SYN-ACKs; this record is for one IP, so its family's windows
		boolean v6 = ip instanceof java.net.Inet6Address;
		SynAckWindow d = s.tcpProfile().defaults();
		if (d != null) {
			line(out, SecretsKey.WINDOW, Integer.toString(d.window(v6, false)));
			line(out, SecretsKey.WINDOW_TS, Integer.toString(d.window(v6, true)));
			line(out, SecretsKey.WSCALE, Integer.toString(d.wscale()));
		}
		for (Map.Entry<Integer, SynAckWindow> p : s.tcpProfile().byPort().entrySet()) {
			SynAckWindow w = p.getValue();
			line(out, SecretsKey.PORT, p.getKey() + ":" + w.window(v6, false) + ":" + w.window(v6, true) + ":" + w.wscale());
		}
		return out;
	}

	private static void optional(StringBuilder out, HostKey key, @org.jspecify.annotations.Nullable Integer v) {
		if (v != null) {
			line(out, key, v.toString());
		}
	}

	private static void off(StringBuilder out, HostKey key, boolean allowed) {
		if (!allowed) {
			line(out, key, "false");
		}
	}

	private static void sysctl(StringBuilder out, SecretsKey key, int value) {
		if (value != CookieSysctls.ABSENT) {
			line(out, key, Integer.toString(value));
		}
	}

	private static void key(StringBuilder out, SecretsKey k, SipKey key) {
		line(out, k, key.toProcText());
	}

	private static void line(StringBuilder out, HostKey key, String value) {
		out.append(key.key()).append('=').append(value).append('\n');
	}

	private static void line(StringBuilder out, SecretsKey key, String value) {
		out.append(key.key()).append('=').append(value).append('\n');
	}

}

package io.syncookied.dataplane;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;

/** Test fixtures as the kernel module prints them: /proc/tcp_secrets text to {@link KernelSecrets} (SipHash format). */
final class ProcSecrets {

	/** A format-2 sample: TS usable (clock known, tcp_timestamps=2 so tsoff is 0). */
	static final String TEXT = """
			4300000000 286666 250
			0123456789abcdef.fedcba9876543210.
			0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.
			format 2
			tcp_clock_ms 17200000000
			tcp_syncookies 2
			tcp_timestamps 2
			""";

	private ProcSecrets() {
	}

	static KernelSecrets sample() {
		return parse(TEXT, Instant.now());
	}

	static KernelSecrets parse(String text, Instant sampledAt) {
		String[] lines = text.strip().split("\n");
		String[] head = lines[0].strip().split(" ");
		Map<String, String> kv = new HashMap<>();
		for (int i = 3; i < lines.length; i++) {
			String[] f = lines[i].strip().split(" ", 2);
			kv.put(f[0], f.length > 1 ? f[1] : "");
		}
		TsOffsetRule rule = kv.containsKey("ts_offset_rule") ? TsOffsetRule.fromProcName(kv.get("ts_offset_rule"))
				: TsOffsetRule.UNKNOWN;
		String ts = kv.get(rule.procName() == null ? "-" : rule.procName());
		return new KernelSecrets(sampledAt, kv.containsKey("format") ? Integer.parseInt(kv.get("format")) : 1,
				Long.parseUnsignedLong(head[0]), Long.parseLong(head[1]), Integer.parseInt(head[2]),
				kv.containsKey("tcp_clock_ms") ? Long.parseLong(kv.get("tcp_clock_ms")) : KernelSecrets.ABSENT,
				SipKey.parse(lines[1]), SipKey.parse(lines[2]),
				kv.containsKey("syncookie6_secret0") ? SipKey.parse(kv.get("syncookie6_secret0")) : null,
				kv.containsKey("syncookie6_secret1") ? SipKey.parse(kv.get("syncookie6_secret1")) : null, rule,
				ts != null ? SipKey.parse(ts) : null,
				new CookieSysctls(num(kv, "tcp_syncookies"), num(kv, "tcp_timestamps"), num(kv, "tcp_sack"),
						num(kv, "tcp_window_scaling"), num(kv, "tcp_ecn")),
				hook(kv.get("overflow_hook")), TcpProfile.UNKNOWN);
	}

	private static int num(Map<String, String> kv, String k) {
		return kv.containsKey(k) ? Integer.parseInt(kv.get(k)) : CookieSysctls.ABSENT;
	}

	private static OverflowHook hook(String v) {
		return v == null ? OverflowHook.UNKNOWN : OverflowHook.valueOf(v.toUpperCase(java.util.Locale.ROOT));
	}

}

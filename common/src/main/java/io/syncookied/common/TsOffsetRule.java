package io.syncookied.common;

import org.jspecify.annotations.Nullable;

/**
 * How a protected server's kernel derives a connection's TCP timestamp offset (tsoff) when
 * {@code net.ipv4.tcp_timestamps=1}; {@code ts_offset_rule} in /proc/tcp_secrets. The codes are the dataplane's
 * ({@code enum dp_tsoff_rule}) and the telemetry protocol's: one number means one rule everywhere.
 */
public enum TsOffsetRule {

	/** The original 3-line /proc/tcp_secrets: the module did not say. */
	UNKNOWN(0, null),
	/** Kernels 4.12 up to the 2026 change: low 32 bits of SipHash({@code ts_secret}, local IP, remote IP). */
	TS_SECRET(1, "ts_secret"),
	/** The 2026 rule: high 32 bits of SipHash({@code net_secret}, local IP, remote IP, ports). */
	NET_SECRET(2, "net_secret");

	private final int code;

	private final @Nullable String procName;

	TsOffsetRule(int code, @Nullable String procName) {
		this.code = code;
		this.procName = procName;
	}

	/** The wire code: 0 unknown, 1 ts_secret (pre-2026), 2 net_secret (2026). */
	public int code() {
		return this.code;
	}

	/** The /proc/tcp_secrets spelling ({@code ts_secret}, {@code net_secret}), or null for {@link #UNKNOWN}. */
	public @Nullable String procName() {
		return this.procName;
	}

	/** The rule of a wire code, or null for a code no rule has. */
	public static @Nullable TsOffsetRule fromCode(int code) {
		for (TsOffsetRule r : values()) {
			if (r.code == code) {
				return r;
			}
		}
		return null;
	}

	/** The rule of a /proc/tcp_secrets spelling, or null when it is neither {@code ts_secret} nor {@code net_secret}. */
	public static @Nullable TsOffsetRule fromProcName(String name) {
		for (TsOffsetRule r : values()) {
			if (name.equals(r.procName)) {
				return r;
			}
		}
		return null;
	}

}

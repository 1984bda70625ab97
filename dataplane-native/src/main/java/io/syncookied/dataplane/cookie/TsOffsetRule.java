package io.syncookied.dataplane.cookie;

/** How a protected server's kernel derives the per-connection timestamp offset (tsoff). */
public enum TsOffsetRule {
	/** {@code net.ipv4.tcp_timestamps=2}: tsoff = 0. */
	NONE(0),
	/** Kernels 4.12 up to the 2026 change: low 32 bits of SipHash({@code ts_secret}, local IP, remote IP). */
	PRE_2026(1),
	/** The 2026 rule: high 32 bits of SipHash({@code net_secret}, local IP, remote IP, ports). */
	RULE_2026(2);

	final int code;

	TsOffsetRule(int code) {
		this.code = code;
	}
}

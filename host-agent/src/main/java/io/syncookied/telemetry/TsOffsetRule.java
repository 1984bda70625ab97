package io.syncookied.telemetry;

/** How the host kernel derives a connection's TCP timestamp offset (ts_offset_rule in /proc/tcp_secrets). */
public enum TsOffsetRule {

	/** Original 3-line format: the module did not say. */
	UNKNOWN(0),
	/** Kernels from 2026 on: offset keyed by net_secret. */
	NET_SECRET(1),
	/** Older kernels: offset keyed by ts_secret. */
	TS_SECRET(2);

	private final int code;

	TsOffsetRule(int code) {
		this.code = code;
	}

	public int code() {
		return this.code;
	}

	static @org.jspecify.annotations.Nullable TsOffsetRule fromCode(int code) {
		return switch (code) {
			case 0 -> UNKNOWN;
			case 1 -> NET_SECRET;
			case 2 -> TS_SECRET;
			default -> null;
		};
	}

}

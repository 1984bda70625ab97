package io.syncookied.controlplane.support;

/** A /proc/tcp_secrets sample (format 2) for tests; made-up keys. */
public final class Secrets {

	public static final String TEXT = """
			4295123456 17 250
			0123456789abcdef.fedcba9876543210.
			1111111111111111.2222222222222222.
			format 2
			tcp_clock_ms 123456789
			ts_offset_rule net_secret
			net_secret 3333333333333333.4444444444444444.
			tcp_syncookies 1
			tcp_timestamps 1
			tcp_sack 1
			tcp_window_scaling 1
			tcp_ecn 2
			overflow_hook active
			""";

	private Secrets() {
	}

}

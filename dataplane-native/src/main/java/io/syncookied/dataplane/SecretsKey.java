package io.syncookied.dataplane;

/**
 * The fields of the worker protocol's SECRETS records: one server's {@link io.syncookied.common.KernelSecrets} as
 * typed key=value lines. Mirrors the C table {@code src/engine/secrets_schema.h} row for row (checked by a test,
 * with the docs' field table).
 */
public enum SecretsKey {

	// @formatter:off
	IP("ip", Type.ADDR, 0, 0, "", true, "the protected IP these secrets belong to: starts the record"),
	AGE_MS("age_ms", Type.U64, 0, 0, "", true, "how old the sample is when sent, in ms (the worker places the server's clock that far back)"),
	JIFFIES("jiffies", Type.U64, 0, 0, "", true, "jiffies_64 at the sample"),
	COOKIE_COUNT("cookie_count", Type.U64, 0, 4294967295L, "", true, "the cookie count the kernel printed with those jiffies"),
	HZ("hz", Type.U64, 1, 100000, "", true, "the kernel's HZ"),
	TCP_CLOCK_MS("tcp_clock_ms", Type.U64, 0, 0, "", false, "tcp_clock_ns() / 1e6 at the sample (absent: SYN-ACKs carry MSS only)"),
	SECRET0("secret0", Type.KEY, 0, 0, "", true, "syncookie_secret[0]"),
	SECRET1("secret1", Type.KEY, 0, 0, "", true, "syncookie_secret[1]"),
	SECRET6_0("secret6_0", Type.KEY, 0, 0, "", false, "syncookie6_secret[0] (with secret6_1, or neither)"),
	SECRET6_1("secret6_1", Type.KEY, 0, 0, "", false, "syncookie6_secret[1]"),
	TS_OFFSET_RULE("ts_offset_rule", Type.CHOICE, 0, 0, "ts_secret|net_secret", false, "how the kernel derives tsoff"),
	TS_OFFSET_SECRET("ts_offset_secret", Type.KEY, 0, 0, "", false, "the rule's secret (ts_secret or net_secret), when the module exports it"),
	TCP_SYNCOOKIES("tcp_syncookies", Type.U64, 0, 255, "", false, "net.ipv4.tcp_syncookies (absent: 1)"),
	TCP_TIMESTAMPS("tcp_timestamps", Type.U64, 0, 2, "", false, "net.ipv4.tcp_timestamps (absent: 1)"),
	TCP_SACK("tcp_sack", Type.U64, 0, 255, "", false, "net.ipv4.tcp_sack (absent: 1)"),
	TCP_WINDOW_SCALING("tcp_window_scaling", Type.U64, 0, 255, "", false, "net.ipv4.tcp_window_scaling (absent: 1)"),
	TCP_ECN("tcp_ecn", Type.U64, 0, 255, "", false, "net.ipv4.tcp_ecn (absent: 2)"),
	OVERFLOW_HOOK("overflow_hook", Type.CHOICE, 0, 0, "active|inactive|disabled", false, "the module's overflow hook"),
	WINDOW("window", Type.U64, 1, 65535, "", false, "the window of the server's cookie SYN-ACK without timestamps (default listener), from its agent"),
	WINDOW_TS("window_ts", Type.U64, 1, 65535, "", false, "the window of the server's cookie SYN-ACK with timestamps (default listener)"),
	WSCALE("wscale", Type.U64, 0, 14, "", false, "the window scale of the server's cookie SYN-ACK (default listener)"),
	PORT("port", Type.PORTWS, 0, 16, "", false, "<port>:<window>:<window_ts>:<wscale> of a listener with its own receive buffer (repeated)");
	// @formatter:on

	/** How a value is written (the C table's names). */
	public enum Type {

		ADDR, U64, KEY, CHOICE, PORTWS

	}

	private final String key;

	private final Type type;

	private final long min;

	private final long max;

	private final String choices;

	private final boolean required;

	private final String doc;

	SecretsKey(String key, Type type, long min, long max, String choices, boolean required, String doc) {
		this.key = key;
		this.type = type;
		this.min = min;
		this.max = max;
		this.choices = choices;
		this.required = required;
		this.doc = doc;
	}

	public String key() {
		return this.key;
	}

	public Type type() {
		return this.type;
	}

	public long min() {
		return this.min;
	}

	/** The largest value of a {@link Type#U64} (0 = any), or the most repetitions of {@link Type#PORTWS}. */
	public long max() {
		return this.max;
	}

	/** The words of a {@link Type#CHOICE}, '|'-separated. */
	public String choices() {
		return this.choices;
	}

	public boolean required() {
		return this.required;
	}

	public String doc() {
		return this.doc;
	}

}

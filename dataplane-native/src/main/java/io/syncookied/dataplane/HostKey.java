package io.syncookied.dataplane;

import java.util.List;
import java.util.Optional;

/**
 * The per-host keys of the one hosts schema: the hosts.yml of the control plane and of the standalone dataplane, and
 * the worker protocol's host records. Mirrors the C table {@code src/engine/host_schema.h} row for row; a test checks
 * the two and the field table of docs/dataplane-worker-protocol.md against each other.
 *
 * <p>{@link Scope#CONTROL_PLANE} keys are the control plane's: the dataplane accepts them in a hosts.yml and ignores
 * them, and the worker protocol never carries them. Any key not listed here is refused by both programs.
 */
public enum HostKey {

	// @formatter:off
	IP("ip", Scope.DATAPLANE, Type.ADDR, 0, 0, "", "", "the protected IPv4 or IPv6 address (required)"),
	MAC("mac", Scope.DATAPLANE, Type.MAC, 0, 0, "", "", "the server's MAC: validated packets are forwarded there (required)"),
	PASSTHROUGH("passthrough", Scope.DATAPLANE, Type.BOOL, 0, 1, "", "false", "forward everything the filters pass, with no cookie logic"),
	FILTERS("filters", Scope.DATAPLANE, Type.FILTERS, 0, 256, "drop|pass", "pass", "pcap-filter rules over the IP packet, first match wins"),
	NO_SECRETS("no_secrets", Scope.DATAPLANE, Type.CHOICE, 0, 0, "drop|pass", "drop", "SYNs and ACKs while the host has no usable secrets"),
	MSS("mss", Scope.DATAPLANE, Type.UINT, 536, 65495, "", "", "MSS of the SYN-ACK (default 1460 IPv4, 1440 IPv6)"),
	WINDOW("window", Scope.DATAPLANE, Type.UINT, 1, 65535, "", "", "SYN-ACK window, with and without timestamps: overrides the agent's report (default 64240, with TS 65160 IPv4; 64800, with TS 64260 IPv6)"),
	WSCALE("wscale", Scope.DATAPLANE, Type.UINT, 0, 14, "", "", "SYN-ACK window scale: overrides the agent's report (default 7)"),
	TIMESTAMPS("timestamps", Scope.DATAPLANE, Type.BOOL, 0, 1, "", "true", "false: never send the TS option (the SYN-ACK then carries MSS only)"),
	SACK("sack", Scope.DATAPLANE, Type.BOOL, 0, 1, "", "true", "false: never offer SACK"),
	WINDOW_SCALING("window_scaling", Scope.DATAPLANE, Type.BOOL, 0, 1, "", "true", "false: never send the window-scale option"),
	ECN("ecn", Scope.DATAPLANE, Type.BOOL, 0, 1, "", "true", "false: never negotiate ECN (no ECE in the SYN-ACK)"),
	MD5("md5", Scope.DATAPLANE, Type.CHOICE, 0, 0, "drop|pass", "drop", "SYNs with the TCP-MD5 option: drop and count, or forward unanswered"),
	TTL("ttl", Scope.DATAPLANE, Type.UINT, 1, 255, "", "64", "TTL / hop limit of the SYN-ACK"),
	SYN_REFRESH_MS("syn_refresh_ms", Scope.DATAPLANE, Type.UINT, 0, 3600000, "", "0", "module-free mode: one real SYN per port at least this often (0 = off)"),
	PICKUP_S("pickup_s", Scope.DATAPLANE, Type.UINT, 0, 3600, "", "0", "pickup window in seconds from when the host is received (0 = none)"),
	COOKIE("cookie", Scope.DATAPLANE, Type.CHOICE, 0, 0, "siphash|sha1", "siphash", "the server kernel's cookie hash (sha1: kernels up to 4.10)"),
	SECRETS_ADDR("secrets_addr", Scope.CONTROL_PLANE, Type.HOSTPORT, 0, 0, "", "", "the agent's address (the original's name)"),
	LOCAL_ADDR("local_addr", Scope.CONTROL_PLANE, Type.HOSTPORT, 0, 0, "", "", "the agent's address (the original's older name)"),
	AGENT_KEY_ID("agent_key_id", Scope.CONTROL_PLANE, Type.TEXT, 0, 0, "", "", "the telemetry key (label or id) this server's agent uses"),
	MODE("mode", Scope.CONTROL_PLANE, Type.CHOICE, 0, 0, "auto|manual|off", "manual", "who may divert the host"),
	DETECTION("detection", Scope.CONTROL_PLANE, Type.MAP, 0, 0, "", "", "detection threshold overrides"),
	DIVERSION("diversion", Scope.CONTROL_PLANE, Type.MAP, 0, 0, "", "", "router target (and interface) of the host's diversion");
	// @formatter:on

	/** Which program uses the key. */
	public enum Scope {

		/** The dataplane's: in hosts.yml and in the worker protocol. */
		DATAPLANE,
		/** The control plane's: the dataplane accepts and ignores it in a hosts.yml. */
		CONTROL_PLANE

	}

	/** How a value is written (the C table's names). */
	public enum Type {

		ADDR, MAC, BOOL, UINT, CHOICE, FILTERS, TEXT, HOSTPORT, MAP

	}

	private final String key;

	private final Scope scope;

	private final Type type;

	private final long min;

	private final long max;

	private final List<String> choices;

	private final String defaultText;

	private final String doc;

	HostKey(String key, Scope scope, Type type, long min, long max, String choices, String defaultText, String doc) {
		this.key = key;
		this.scope = scope;
		this.type = type;
		this.min = min;
		this.max = max;
		this.choices = choices.isEmpty() ? List.of() : List.of(choices.split("\\|"));
		this.defaultText = defaultText;
		this.doc = doc;
	}

	/** The key as written in hosts.yml and on the wire. */
	public String key() {
		return this.key;
	}

	public Scope scope() {
		return this.scope;
	}

	public Type type() {
		return this.type;
	}

	/** The smallest value of a {@link Type#UINT}. */
	public long min() {
		return this.min;
	}

	/** The largest value of a {@link Type#UINT}, or the most rules of {@link Type#FILTERS}. */
	public long max() {
		return this.max;
	}

	/** The words of a {@link Type#CHOICE} (or the actions of {@link Type#FILTERS}), the first being index 0. */
	public List<String> choices() {
		return this.choices;
	}

	/** The value when the key is absent, as text ("" when it depends on other things, see {@link #doc()}). */
	public String defaultText() {
		return this.defaultText;
	}

	/** One line saying what the key does. */
	public String doc() {
		return this.doc;
	}

	public static Optional<HostKey> byKey(String key) {
		for (HostKey k : values()) {
			if (k.key.equals(key)) {
				return Optional.of(k);
			}
		}
		return Optional.empty();
	}

	/** Every key, as an unknown key's message lists them. */
	public static String known() {
		StringBuilder s = new StringBuilder();
		for (HostKey k : values()) {
			s.append(s.length() == 0 ? "" : ", ").append(k.key);
		}
		return s.toString();
	}

}

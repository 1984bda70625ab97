package io.syncookied.dataplane;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import io.syncookied.common.IpText;

/**
 * A protected host as the dataplane sees it (one entry of the original hosts.yml).
 *
 * @param ip the protected IPv4 or IPv6 address (destination of the diverted traffic)
 * @param mac the server's MAC address: validated packets are forwarded there ({@code 0c:c4:7a:6a:fa:bf})
 * @param passthrough forward everything that passes the filters, with no cookie logic
 * @param filters pcap-filter rules, in evaluation order
 * @param defaultAction what happens to packets no rule matched
 * @param mss the MSS our SYN-ACK advertises for the server (0 = default from a 1500 MTU)
 * @param pickupSeconds the pickup window (hosts.yml {@code pickup_s}, 0..3600, 0 = none): for this many seconds
 *        after the worker receives the host, segments of connections it has no flow for (established before the
 *        diversion) are forwarded and recorded instead of dropped for lack of a cookie; each push restarts it
 */
public record DpHost(InetAddress ip, String mac, boolean passthrough, List<DpFilter> filters,
		DpFilter.Action defaultAction, int mss, int pickupSeconds) {

	/** The longest pickup window the worker accepts (seconds). */
	public static final int MAX_PICKUP_SECONDS = 3600;

	private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

	public DpHost {
		Objects.requireNonNull(ip, "ip");
		Objects.requireNonNull(mac, "mac");
		Objects.requireNonNull(defaultAction, "defaultAction");
		mac = mac.toLowerCase(Locale.ROOT);
		if (!MAC.matcher(mac).matches()) {
			throw new IllegalArgumentException("mac: '" + mac + "' is not a MAC address like 0c:c4:7a:6a:fa:bf");
		}
		if (mss != 0 && (mss < 536 || mss > 65495)) {
			throw new IllegalArgumentException("mss: " + mss + " is outside 536..65495");
		}
		if (pickupSeconds < 0 || pickupSeconds > MAX_PICKUP_SECONDS) {
			throw new IllegalArgumentException(
					"pickupSeconds: " + pickupSeconds + " is outside 0.." + MAX_PICKUP_SECONDS);
		}
		filters = List.copyOf(filters);
	}

	/** A host without a pickup window. */
	public DpHost(InetAddress ip, String mac, boolean passthrough, List<DpFilter> filters,
			DpFilter.Action defaultAction, int mss) {
		this(ip, mac, passthrough, filters, defaultAction, mss, 0);
	}

	/** This host with a pickup window of {@code seconds} (0 = none), opened when the worker receives it. */
	public DpHost withPickupSeconds(int seconds) {
		return new DpHost(this.ip, this.mac, this.passthrough, this.filters, this.defaultAction, this.mss, seconds);
	}

	/** A host with no filters (everything passes) and the default MSS. */
	public static DpHost of(InetAddress ip, String mac) {
		return new DpHost(ip, mac, false, List.of(), DpFilter.Action.PASS, 0);
	}

	/** The address as the dataplane writes it (no scope, RFC 5952 IPv6). */
	public String ipText() {
		return IpText.of(this.ip);
	}

	/** This host as one hosts.yml list entry (the worker's HOST_SET payload). */
	public String toYaml() {
		StringBuilder y = new StringBuilder();
		y.append("- ip: ").append(quote(ipText())).append('\n');
		y.append("  mac: ").append(quote(this.mac)).append('\n');
		y.append("  passthrough: ").append(this.passthrough).append('\n');
		if (this.mss != 0) {
			y.append("  mss: ").append(this.mss).append('\n');
		}
		if (this.pickupSeconds != 0) {
			y.append("  pickup_s: ").append(this.pickupSeconds).append('\n');
		}
		y.append("  filters:\n");
		for (DpFilter f : this.filters) {
			y.append("    ").append(quote(f.expression())).append(": ").append(action(f.action())).append('\n');
		}
		y.append("    default: ").append(action(this.defaultAction)).append('\n');
		return y.toString();
	}

	private static String action(DpFilter.Action a) {
		return a == DpFilter.Action.DROP ? "drop" : "pass";
	}

	/** A YAML double-quoted scalar: only backslash, quote and control characters need escaping. */
	static String quote(String s) {
		StringBuilder q = new StringBuilder(s.length() + 2).append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> q.append("\\\"");
				case '\\' -> q.append("\\\\");
				case '\n' -> q.append("\\n");
				case '\t' -> q.append("\\t");
				default -> {
					if (c < 0x20) {
						q.append(String.format("\\x%02x", (int) c));
					}
					else {
						q.append(c);
					}
				}
			}
		}
		return q.append('"').toString();
	}
}

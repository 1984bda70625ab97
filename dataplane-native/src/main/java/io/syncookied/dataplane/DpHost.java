package io.syncookied.dataplane;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import io.syncookied.common.IpText;

/**
 * A protected host as the dataplane sees it: every dataplane key of the hosts schema ({@link HostKey}), typed. Built
 * from a hosts file by {@link DpHostBuilder}, sent to the worker as one host record.
 *
 * @param ip the protected IPv4 or IPv6 address (destination of the diverted traffic)
 * @param mac the server's MAC address: validated packets are forwarded there ({@code 0c:c4:7a:6a:fa:bf})
 * @param passthrough forward everything that passes the filters, with no cookie logic
 * @param filters pcap-filter rules, in evaluation order
 * @param defaultAction what happens to packets no rule matched
 * @param noSecrets what happens to SYNs and ACKs while the host has no usable secrets
 * @param synAck what the cookie SYN-ACK may carry
 * @param md5 what happens to SYNs carrying the TCP-MD5 option ({@code DROP}: dropped and counted)
 * @param ttl TTL / hop limit of the SYN-ACK
 * @param synRefreshMs module-free mode: one real SYN per port to the server at least this often (0 = off)
 * @param pickupSeconds the pickup window (0..3600, 0 = none): for this many seconds after the worker receives the
 *        host, segments of connections it has no flow for (established before the diversion) are forwarded and
 *        recorded instead of dropped for lack of a cookie; each push restarts it
 * @param cookie the server kernel's cookie hash
 */
public record DpHost(InetAddress ip, String mac, boolean passthrough, List<DpFilter> filters,
		DpFilter.Action defaultAction, DpFilter.Action noSecrets, SynAckOptions synAck, DpFilter.Action md5, int ttl,
		int synRefreshMs, int pickupSeconds, CookieHash cookie) {

	/** The longest pickup window the worker accepts (seconds). */
	public static final int MAX_PICKUP_SECONDS = (int) HostKey.PICKUP_S.max();

	/** The TTL of a SYN-ACK when the host does not say. */
	public static final int DEFAULT_TTL = 64;

	private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

	/** The hash of the server kernel's cookies. */
	public enum CookieHash {

		/** SipHash (kernels 4.11 and later). */
		SIPHASH,
		/** SHA-1 (kernels up to 4.10). */
		SHA1;

		public String word() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	public DpHost {
		Objects.requireNonNull(ip, "ip");
		Objects.requireNonNull(mac, "mac");
		Objects.requireNonNull(defaultAction, "defaultAction");
		Objects.requireNonNull(noSecrets, "noSecrets");
		Objects.requireNonNull(synAck, "synAck");
		Objects.requireNonNull(md5, "md5");
		Objects.requireNonNull(cookie, "cookie");
		mac = mac.toLowerCase(Locale.ROOT);
		if (!MAC.matcher(mac).matches()) {
			throw new IllegalArgumentException("mac: '" + mac + "' is not a MAC address like 0c:c4:7a:6a:fa:bf");
		}
		range(HostKey.TTL, ttl);
		range(HostKey.SYN_REFRESH_MS, synRefreshMs);
		range(HostKey.PICKUP_S, pickupSeconds);
		filters = List.copyOf(filters);
		if (filters.size() > HostKey.FILTERS.max()) {
			throw new IllegalArgumentException("filters: more than " + HostKey.FILTERS.max() + " rules");
		}
	}

	private static void range(HostKey key, int value) {
		if (value < key.min() || value > key.max()) {
			throw new IllegalArgumentException(key.key() + ": " + value + " is outside " + key.min() + ".." + key.max());
		}
	}

	/** A host with no filters (everything passes) and every default. */
	public static DpHost of(InetAddress ip, String mac) {
		return new DpHost(ip, mac, false, List.of(), DpFilter.Action.PASS, DpFilter.Action.DROP, SynAckOptions.DEFAULTS,
				DpFilter.Action.DROP, DEFAULT_TTL, 0, 0, CookieHash.SIPHASH);
	}

	/** This host with a pickup window of {@code seconds} (0 = none), opened when the worker receives it. */
	public DpHost withPickupSeconds(int seconds) {
		return new DpHost(this.ip, this.mac, this.passthrough, this.filters, this.defaultAction, this.noSecrets,
				this.synAck, this.md5, this.ttl, this.synRefreshMs, seconds, this.cookie);
	}

	/** The address as the dataplane writes it (no scope, RFC 5952 IPv6). */
	public String ipText() {
		return IpText.of(this.ip);
	}

}

package io.syncookied.dataplane;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link DpHost} from the dataplane keys of a hosts file, one key at a time, accepting exactly what the
 * dataplane's own parser accepts (src/engine/host_record.c): the same words, ranges and refusals, with the same
 * reasons. Each method throws {@link IllegalArgumentException} whose message is the reason only; the caller adds the
 * file, line and field.
 */
public final class DpHostBuilder {

	private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

	/** Dotted quad without leading zeros, as inet_pton(AF_INET) takes it. */
	private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	private final Set<HostKey> seen = EnumSet.noneOf(HostKey.class);

	private final List<DpFilter> rules = new ArrayList<>();

	private @Nullable InetAddress ip;

	private @Nullable String mac;

	private boolean passthrough;

	private DpFilter.Action defaultAction = DpFilter.Action.PASS;

	private DpFilter.Action noSecrets = DpFilter.Action.DROP;

	private DpFilter.Action md5 = DpFilter.Action.DROP;

	private @Nullable Integer mss;

	private @Nullable Integer window;

	private @Nullable Integer wscale;

	private boolean timestamps = true;

	private boolean sack = true;

	private boolean windowScaling = true;

	private boolean ecn = true;

	private int ttl = DpHost.DEFAULT_TTL;

	private int synRefreshMs;

	private int pickupSeconds;

	private DpHost.CookieHash cookie = DpHost.CookieHash.SIPHASH;

	/**
	 * Applies one scalar dataplane key.
	 *
	 * @throws IllegalArgumentException with the reason: a bad value, a key given twice, or a key that is not a scalar
	 * dataplane key
	 */
	public DpHostBuilder set(HostKey key, String value) {
		if (key.scope() != HostKey.Scope.DATAPLANE || key == HostKey.FILTERS) {
			throw new IllegalArgumentException("not a single dataplane value");
		}
		if (!this.seen.add(key)) {
			throw new IllegalArgumentException("given twice");
		}
		switch (key) {
			case IP -> this.ip = address(value);
			case MAC -> this.mac = unicastMac(value);
			case PASSTHROUGH -> this.passthrough = bool(value);
			case NO_SECRETS -> this.noSecrets = action(key, value);
			case MSS -> this.mss = (int) number(key, value);
			case WINDOW -> this.window = (int) number(key, value);
			case WSCALE -> this.wscale = (int) number(key, value);
			case TIMESTAMPS -> this.timestamps = bool(value);
			case SACK -> this.sack = bool(value);
			case WINDOW_SCALING -> this.windowScaling = bool(value);
			case ECN -> this.ecn = bool(value);
			case MD5 -> this.md5 = action(key, value);
			case TTL -> this.ttl = (int) number(key, value);
			case SYN_REFRESH_MS -> this.synRefreshMs = (int) number(key, value);
			case PICKUP_S -> this.pickupSeconds = (int) number(key, value);
			case COOKIE -> this.cookie = choice(key, value) == 0 ? DpHost.CookieHash.SIPHASH : DpHost.CookieHash.SHA1;
			default -> throw new IllegalArgumentException("not a single dataplane value");
		}
		return this;
	}

	/** One filter rule in order; the expression {@code default} sets the fallback action. */
	public DpHostBuilder rule(String expression, String action) {
		DpFilter.Action a = action(HostKey.FILTERS, action);
		if (expression.isEmpty()) {
			throw new IllegalArgumentException("a rule's expression must not be empty");
		}
		if (expression.equals("default")) {
			this.defaultAction = a;
			return this;
		}
		if (this.rules.size() == HostKey.FILTERS.max()) {
			throw new IllegalArgumentException("more than " + HostKey.FILTERS.max() + " rules");
		}
		this.rules.add(new DpFilter(expression, a));
		return this;
	}

	/**
	 * The host.
	 *
	 * @throws IllegalArgumentException naming the missing key ({@code ip: missing ...})
	 */
	public DpHost build() {
		if (this.ip == null) {
			throw new IllegalArgumentException("ip: missing (every host needs its protected ip)");
		}
		if (this.mac == null) {
			throw new IllegalArgumentException("mac: missing (every host needs the server's mac)");
		}
		return new DpHost(this.ip, this.mac, this.passthrough, this.rules, this.defaultAction, this.noSecrets,
				new SynAckOptions(this.mss, this.window, this.wscale, this.timestamps, this.sack, this.windowScaling,
						this.ecn),
				this.md5, this.ttl, this.synRefreshMs, this.pickupSeconds, this.cookie);
	}

	static boolean bool(String s) {
		return switch (s.toLowerCase(Locale.ROOT)) {
			case "true", "yes", "on" -> true;
			case "false", "no", "off" -> false;
			default -> throw new IllegalArgumentException("expected true or false");
		};
	}

	static long number(HostKey key, String s) {
		if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new IllegalArgumentException("expected a number from " + key.min() + " to " + key.max());
		}
		long v = Long.parseLong(s);
		if (v < key.min() || v > key.max()) {
			throw new IllegalArgumentException("expected a number from " + key.min() + " to " + key.max());
		}
		return v;
	}

	static int choice(HostKey key, String s) {
		int i = key.choices().indexOf(s);
		if (i < 0) {
			List<String> c = key.choices();
			throw new IllegalArgumentException("expected " + String.join(", ", c.subList(0, c.size() - 1)) + " or "
					+ c.get(c.size() - 1));
		}
		return i;
	}

	private static DpFilter.Action action(HostKey key, String s) {
		return choice(key, s) == 0 ? DpFilter.Action.DROP : DpFilter.Action.PASS; // choices: drop|pass
	}

	/** A MAC the dataplane can forward to: one server, so never zero, broadcast or multicast. */
	static String unicastMac(String s) {
		if (!MAC.matcher(s).matches()) {
			throw new IllegalArgumentException("expected a MAC address like 0c:c4:7a:6a:fa:bf");
		}
		String mac = s.toLowerCase(Locale.ROOT);
		if (mac.equals("00:00:00:00:00:00")) {
			throw new IllegalArgumentException("the all-zero MAC is not a server");
		}
		if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
			throw new IllegalArgumentException("a broadcast or multicast MAC is not a server");
		}
		return mac;
	}

	/** An address as the worker prints it (inet_ntop), never a name lookup. */
	static InetAddress literal(String s) {
		if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
			throw new DataplaneException("EPROTO", "'" + s + "' is not an address literal");
		}
		try {
			return InetAddress.getByName(s);
		}
		catch (UnknownHostException ex) {
			throw new DataplaneException("EPROTO", "'" + s + "' is not an address literal");
		}
	}

	/**
	 * An address literal (never a name lookup) that one server can hold and a router can divert: not unspecified,
	 * multicast, broadcast, IPv6 link-local or v4-mapped, and no prefix length.
	 */
	static InetAddress address(String s) {
		InetAddress a;
		try {
			if (IPV4.matcher(s).matches()) {
				String[] q = s.split("\\.");
				byte[] b = new byte[4];
				for (int i = 0; i < 4; i++) {
					int v = Integer.parseInt(q[i]);
					if (v > 255) {
						throw new IllegalArgumentException("expected an IPv4 or IPv6 address");
					}
					b[i] = (byte) v;
				}
				a = InetAddress.getByAddress(b);
			}
			else if (IPV6.matcher(s).matches()) {
				a = InetAddress.getByName(s); // a literal with ':' only: no lookup
				if (!(a instanceof Inet6Address)) { // the JDK turns ::ffff:a.b.c.d into the IPv4 address
					throw new IllegalArgumentException("a v4-mapped address: write the IPv4 address");
				}
			}
			else {
				throw new IllegalArgumentException("expected an IPv4 or IPv6 address");
			}
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("expected an IPv4 or IPv6 address");
		}
		byte[] b = a.getAddress();
		if (a.isAnyLocalAddress() || a.isMulticastAddress() || (b.length == 4 && ((b[0] & 0xff) == 0 || (b[0] & 0xff) >= 224))) {
			throw new IllegalArgumentException("an unspecified, multicast or broadcast address cannot be a protected server");
		}
		if (a.isLinkLocalAddress() && a instanceof Inet6Address) {
			throw new IllegalArgumentException("a link-local address cannot be diverted");
		}
		return a;
	}

}

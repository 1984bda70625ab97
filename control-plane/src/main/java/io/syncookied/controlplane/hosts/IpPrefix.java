package io.syncookied.controlplane.hosts;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import io.syncookied.common.IpText;

/**
 * The prefix of a host group ({@code cidr: 10.1.0.0/16}): a network address with no host bits set and its length.
 * Accepts and refuses what the dataplane's {@code dp_value_prefix} does, with the same reasons.
 *
 * @param network the first address of the prefix
 * @param length the prefix length, 0..32 (IPv4) or 0..128 (IPv6)
 */
public record IpPrefix(InetAddress network, int length) {

	private static final String SYNTAX = "expected a prefix like 10.0.0.0/24 or 2001:db8::/48";

	/** Dotted quad without leading zeros, as inet_pton(AF_INET) takes it. */
	private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	private static final Pattern LENGTH = Pattern.compile("\\d{1,3}");

	/**
	 * Parses {@code address/length}.
	 *
	 * @throws IllegalArgumentException with the reason only (the caller names file, line and field)
	 */
	public static IpPrefix parse(String text) {
		int slash = text.indexOf('/');
		if (slash < 0 || !LENGTH.matcher(text.substring(slash + 1)).matches()) {
			throw new IllegalArgumentException(SYNTAX);
		}
		String address = text.substring(0, slash);
		boolean v6 = IPV6.matcher(address).matches();
		if (!IPV4.matcher(address).matches() && !v6) {
			throw new IllegalArgumentException(SYNTAX);
		}
		InetAddress network;
		try {
			network = InetAddress.getByName(address); // a literal by the patterns above: never a name lookup
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(SYNTAX);
		}
		int length = Integer.parseInt(text.substring(slash + 1));
		boolean v4 = network instanceof Inet4Address;
		if (length > (v4 && !v6 ? 32 : 128)) {
			throw new IllegalArgumentException(
					v4 && !v6 ? "an IPv4 prefix length is 0 to 32" : "an IPv6 prefix length is 0 to 128");
		}
		if (v4 && v6) { // the JDK turns ::ffff:a.b.c.d into the IPv4 address
			throw new IllegalArgumentException("a v4-mapped prefix: write the IPv4 prefix");
		}
		IpPrefix prefix = of(network, length);
		if (!prefix.network().equals(network)) {
			throw new IllegalArgumentException("host bits set: the prefix is " + prefix);
		}
		return prefix;
	}

	/** The prefix of this length that holds {@code address} (its host bits cleared). */
	public static IpPrefix of(InetAddress address, int length) {
		byte[] b = address.getAddress();
		for (int i = 0; i < b.length; i++) {
			int keep = Math.max(0, Math.min(8, length - 8 * i));
			b[i] &= (byte) (0xff00 >> keep);
		}
		try {
			return new IpPrefix(InetAddress.getByAddress(b), length);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("4 or 16 bytes are an address", ex);
		}
	}

	/** {@code address} lies inside this prefix (an IPv4 prefix never holds an IPv6 address, nor the reverse). */
	public boolean contains(InetAddress address) {
		return address.getAddress().length == this.network.getAddress().length
				&& of(address, this.length).network().equals(this.network);
	}

	@Override
	public String toString() {
		return IpText.of(this.network) + "/" + this.length;
	}

}

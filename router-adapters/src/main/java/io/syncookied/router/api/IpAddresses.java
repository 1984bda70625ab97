package io.syncookied.router.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Comparator;

import io.syncookied.common.IpText;

/** Address parsing that never does DNS and names the bad field, and the one way adapters print addresses. */
public final class IpAddresses {

	/** IPv4 before IPv6, then by address as an unsigned number. */
	public static final Comparator<InetAddress> ORDER = Comparator
		.comparingInt((InetAddress ip) -> ip.getAddress().length)
		.thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

	private IpAddresses() {
	}

	/** An IPv4 dotted quad or an IPv6 literal (no zone, not IPv4-mapped). */
	public static InetAddress parse(String field, String text) {
		String s = text.trim();
		if (s.indexOf(':') < 0) {
			return parse4(field, s);
		}
		if (!s.matches("[0-9a-fA-F:.]+")) {
			throw new IllegalArgumentException(field + ": '" + text + "' is not an IPv4 or IPv6 address");
		}
		InetAddress ip;
		try {
			ip = InetAddress.getByName(s); // a literal with ':' only, checked above: never a DNS lookup
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(field + ": '" + text + "' is not an IPv4 or IPv6 address");
		}
		if (ip instanceof Inet4Address) {
			// Java turns ::ffff:a.b.c.d into the IPv4 address; a device never holds that form, so say so.
			throw new IllegalArgumentException(field + ": '" + text + "' is an IPv4-mapped IPv6 address; give the "
					+ "IPv4 address");
		}
		return ip;
	}

	public static Inet4Address parse4(String field, String text) {
		String[] parts = text.trim().split("\\.", -1);
		if (parts.length != 4) {
			throw new IllegalArgumentException(field + ": '" + text + "' is not an IPv4 address");
		}
		byte[] b = new byte[4];
		for (int i = 0; i < 4; i++) {
			try {
				if (parts[i].isEmpty() || parts[i].length() > 3) {
					throw new NumberFormatException();
				}
				int v = Integer.parseInt(parts[i]);
				if (v < 0 || v > 255) {
					throw new NumberFormatException();
				}
				b[i] = (byte) v;
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(field + ": '" + text + "' is not an IPv4 address");
			}
		}
		return (Inet4Address) fromBytes(b);
	}

	/** 4 bytes give an IPv4 address, 16 an IPv6 one (an IPv4-mapped one stays IPv6). */
	public static InetAddress fromBytes(byte[] b) {
		try {
			if (b.length == 16) {
				return Inet6Address.getByAddress(null, b, -1);
			}
			if (b.length == 4) {
				return InetAddress.getByAddress(b);
			}
		}
		catch (UnknownHostException ex) {
			// only for a bad length, handled below
		}
		throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + b.length);
	}

	/** The textual form every adapter sends to devices and prints: dotted quad, or RFC 5952 for IPv6. */
	public static String text(InetAddress ip) {
		return IpText.of(ip);
	}

	/** {@code 32} or {@code 128}: the prefix length of a host route for this address. */
	public static int hostBits(InetAddress ip) {
		return ip.getAddress().length * 8;
	}

}

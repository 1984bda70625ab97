package io.syncookied.controlplane.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP literals from the API without ever doing a DNS lookup. */
final class IpLiterals {

	private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

	private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	private IpLiterals() {
	}

	static InetAddress parse(String text, String field) {
		if (!V4.matcher(text).matches() && !V6.matcher(text).matches()) {
			throw new InvalidRequestException(field, "'" + abbreviate(text) + "' is not an IPv4 or IPv6 address");
		}
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException | RuntimeException ex) {
			throw new InvalidRequestException(field, "'" + abbreviate(text) + "' is not an IPv4 or IPv6 address");
		}
	}

	private static String abbreviate(String s) {
		return (s.length() > 64) ? s.substring(0, 64) + "..." : s;
	}

}

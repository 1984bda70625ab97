package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import io.syncookied.common.IpText;

/**
 * IP addresses as they appear in etcd keys and values: RFC 5952 text, parsed without DNS, and only in canonical form,
 * so one IP never has two keys.
 */
final class IpKeys {

	private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

	private static final Pattern V6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");

	private IpKeys() {
	}

	static String text(InetAddress ip) {
		return IpText.of(ip);
	}

	/** The address, or an IllegalArgumentException saying why the text is not a canonical IP literal. */
	static InetAddress parse(String text) {
		if (text.length() > 45 || !V4.matcher(text).matches() && !V6.matcher(text).matches()) {
			throw new IllegalArgumentException("'" + abbreviate(text) + "' is not an IPv4 or IPv6 address");
		}
		InetAddress ip;
		try {
			ip = InetAddress.getByName(text);
		}
		catch (UnknownHostException | RuntimeException ex) {
			throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address", ex);
		}
		if (!IpText.of(ip).equals(text)) {
			throw new IllegalArgumentException("'" + text + "' is not in RFC 5952 form ('" + IpText.of(ip) + "')");
		}
		return ip;
	}

	private static String abbreviate(String s) {
		return (s.length() > 64) ? s.substring(0, 64) + "..." : s;
	}

}

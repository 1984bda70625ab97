package io.syncookied.controlplane.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP literals from the API without ever doing a DNS lookup, in time bounded by a length cap: the longest
 * literal (an IPv6 address with an embedded IPv4 one) has 45 characters, so anything longer is refused before it is
 * looked at. IPv4 is checked and converted here (dotted quad, no leading zeros); IPv6 is checked for its alphabet
 * and left to the JDK's literal parser, which never resolves a text holding a colon.
 */
final class IpLiterals {

	static final int MAX_LENGTH = 45;

	private IpLiterals() {
	}

	static InetAddress parse(String text, String field) {
		if (text.length() > MAX_LENGTH) {
			throw new InvalidRequestException(field, "'" + text.substring(0, 16) + "...' (" + text.length()
					+ " characters) is not an IPv4 or IPv6 address: those have at most " + MAX_LENGTH);
		}
		InetAddress address = (text.indexOf(':') >= 0) ? v6(text) : v4(text);
		if (address == null) {
			throw new InvalidRequestException(field, "'" + text + "' is not an IPv4 or IPv6 address");
		}
		return address;
	}

	private static InetAddress v4(String text) {
		byte[] bytes = new byte[4];
		int part = 0;
		int value = 0;
		int digits = 0;
		for (int i = 0; i <= text.length(); i++) {
			char c = (i < text.length()) ? text.charAt(i) : '.';
			if (c == '.') {
				if (digits == 0 || part == 4) {
					return null;
				}
				bytes[part++] = (byte) value;
				value = 0;
				digits = 0;
			}
			else if (c >= '0' && c <= '9') {
				if (digits > 0 && value == 0) {
					return null; // a leading zero: octal to some parsers, decimal to others
				}
				value = value * 10 + (c - '0');
				digits++;
				if (value > 255) {
					return null;
				}
			}
			else {
				return null;
			}
		}
		try {
			return (part == 4) ? InetAddress.getByAddress(bytes) : null;
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static InetAddress v6(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
				return null; // zone ids ('%eth0') and brackets included
			}
		}
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException | RuntimeException ex) {
			return null;
		}
	}

}

package io.syncookied.router.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 parsing that never does DNS and names the bad field. */
public final class IpAddresses {

	private IpAddresses() {
	}

	public static Inet4Address parse(String field, String text) {
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
		return fromBytes(b);
	}

	public static Inet4Address fromBytes(byte[] b) {
		try {
			return (Inet4Address) InetAddress.getByAddress(b);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + b.length);
		}
	}

	public static int toInt(Inet4Address ip) {
		byte[] b = ip.getAddress();
		return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
	}

}

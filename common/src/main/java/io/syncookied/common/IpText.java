package io.syncookied.common;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The one textual form of an address everywhere an address is a name (worker protocol, counters, metric tags,
 * events): IPv4 dotted quad, IPv6 in RFC 5952 form (longest run of two or more zero groups as {@code ::}, the first of
 * equal runs, lower-case hex without leading zeros, no scope), which is what the dataplane's {@code inet_ntop} prints.
 */
public final class IpText {

	private IpText() {
	}

	public static String of(InetAddress ip) {
		if (!(ip instanceof Inet6Address)) {
			return ip.getHostAddress();
		}
		byte[] b = ip.getAddress();
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not compressed
		for (int i = 0; i < 8;) {
			if (groups[i] != 0) {
				i++;
				continue;
			}
			int j = i;
			while (j < 8 && groups[j] == 0) {
				j++;
			}
			if (j - i > bestLength) { // 4.2.3: the first of equally long runs
				bestStart = i;
				bestLength = j - i;
			}
			i = j;
		}
		StringBuilder s = new StringBuilder(39);
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				s.append("::");
				i += bestLength - 1;
				continue;
			}
			if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
				s.append(':');
			}
			s.append(Integer.toHexString(groups[i]));
		}
		return s.toString();
	}

}

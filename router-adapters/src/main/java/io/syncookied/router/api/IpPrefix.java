package io.syncookied.router.api;

import java.net.InetAddress;

/**
 * An interface address in CIDR form as configured on a router ({@code 10.0.2.1/24}, {@code 2001:db8:2::1/64}): the
 * address keeps its host bits, because that is how routers name the address statement.
 */
public record IpPrefix(InetAddress address, int length) {

	public IpPrefix {
		if (length < 0 || length > IpAddresses.hostBits(address)) {
			throw new IllegalArgumentException("prefix length " + length + " out of range for " + address);
		}
	}

	public static IpPrefix parse(String field, String text) {
		String s = text.trim();
		int slash = s.indexOf('/');
		if (slash < 0 || !s.substring(slash + 1).matches("\\d{1,3}")) {
			throw new IllegalArgumentException(field + ": '" + text + "' is not a prefix such as 10.0.2.1/24 or "
					+ "2001:db8:2::1/64");
		}
		InetAddress ip = IpAddresses.parse(field, s.substring(0, slash));
		int length = Integer.parseInt(s.substring(slash + 1));
		if (length > IpAddresses.hostBits(ip)) {
			throw new IllegalArgumentException(field + ": '" + text + "' has a prefix length over "
					+ IpAddresses.hostBits(ip));
		}
		return new IpPrefix(ip, length);
	}

	public boolean isIpv6() {
		return this.address.getAddress().length == 16;
	}

	/** Whether {@code ip} is of the same family and inside this prefix. */
	public boolean contains(InetAddress ip) {
		byte[] a = this.address.getAddress();
		byte[] b = ip.getAddress();
		if (a.length != b.length) {
			return false;
		}
		int full = this.length / 8;
		for (int i = 0; i < full; i++) {
			if (a[i] != b[i]) {
				return false;
			}
		}
		int rest = this.length % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (a[full] & mask) == (b[full] & mask);
	}

	@Override
	public String toString() {
		return IpAddresses.text(this.address) + "/" + this.length;
	}

}

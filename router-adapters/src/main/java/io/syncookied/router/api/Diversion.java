package io.syncookied.router.api;

import java.net.InetAddress;
import java.util.Comparator;

import org.jspecify.annotations.Nullable;

/**
 * A diversion as read back from a device: where the device sends a protected address's traffic.
 *
 * @param ip the protected address (IPv4 or IPv6)
 * @param via what the device sends it to: a MAC (static ARP or NDP entry) or a next hop (a host route)
 * @param owner the owner tag found on the device ({@code "syncookied"} on Linux when the neighbour carries our
 * protocol number, and for the host routes our own BGP speaker announces), or {@code null} when the device cannot
 * carry one or the entry was made by someone else
 */
public record Diversion(InetAddress ip, Via via, @Nullable String owner) {

	/** IPv4 before IPv6, then by address as an unsigned number. */
	public static final Comparator<Diversion> BY_IP = Comparator.comparing(Diversion::ip, IpAddresses.ORDER);

	/** A static ARP (IPv4) or NDP (IPv6) entry. */
	public static Diversion neighbour(InetAddress ip, MacAddress mac, @Nullable String owner) {
		return new Diversion(ip, new Via.Mac(mac), owner);
	}

	/** The CLI and tests print diversions as {@code ip mac} or {@code ip via next-hop [communities ...]}. */
	public String toLine() {
		return IpAddresses.text(this.ip) + " " + this.via;
	}

}

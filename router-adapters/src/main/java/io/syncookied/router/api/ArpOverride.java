package io.syncookied.router.api;

import java.net.Inet4Address;
import java.util.Comparator;

import org.jspecify.annotations.Nullable;

/**
 * A static ARP entry as read back from a device.
 *
 * @param ip the protected IP
 * @param mac the MAC the device sends it to
 * @param owner the owner tag found on the device ({@code "syncookied"} on Linux when the neighbour
 * carries our protocol number; the commit comment is not per entry on Junos), or {@code null} when the
 * device cannot carry one or the entry was made by someone else
 */
public record ArpOverride(Inet4Address ip, MacAddress mac, @Nullable String owner) {

	public static final Comparator<ArpOverride> BY_IP = Comparator
		.comparingLong(o -> Integer.toUnsignedLong(IpAddresses.toInt(o.ip())));

	/** The CLI and tests print overrides as {@code ip mac}. */
	public String toLine() {
		return this.ip.getHostAddress() + " " + this.mac;
	}

}

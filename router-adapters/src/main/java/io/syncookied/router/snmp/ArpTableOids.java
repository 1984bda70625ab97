package io.syncookied.router.snmp;

import java.net.InetAddress;

import io.syncookied.router.api.IpAddresses;
import org.jspecify.annotations.Nullable;
import org.snmp4j.smi.OID;

/**
 * Column OIDs and index encoding for the two ARP tables (pure functions).
 * <ul>
 * <li>IP-MIB ipNetToMediaTable {@code 1.3.6.1.2.1.4.22.1}: index {@code ifIndex.a.b.c.d}; columns
 * PhysAddress(2), Type(4: other 1, invalid 2, dynamic 3, static 4).</li>
 * <li>IP-MIB ipNetToPhysicalTable {@code 1.3.6.1.2.1.4.35.1}: index {@code ifIndex.1(ipv4).4.a.b.c.d} or
 * {@code ifIndex.2(ipv6).16.<16 bytes>} (InetAddressType and a length-prefixed InetAddress); columns PhysAddress(4),
 * Type(6: same values), RowStatus(8).</li>
 * </ul>
 * ipNetToMediaTable has no IPv6 rows; link-local IPv6 neighbours (type ipv6z) are never diverted.
 */
public final class ArpTableOids {

	public static final OID MEDIA_ENTRY = new OID("1.3.6.1.2.1.4.22.1");

	public static final OID PHYSICAL_ENTRY = new OID("1.3.6.1.2.1.4.35.1");

	public static final int TYPE_INVALID = 2;

	public static final int TYPE_DYNAMIC = 3;

	public static final int TYPE_STATIC = 4;

	public static final int ROW_ACTIVE = 1;

	public static final int ROW_CREATE_AND_GO = 4;

	public static final int ROW_DESTROY = 6;

	/** InetAddressType (INET-ADDRESS-MIB) ipv4(1) and ipv6(2). */
	public static final int ADDRESS_IPV4 = 1;

	public static final int ADDRESS_IPV6 = 2;

	private ArpTableOids() {
	}

	public static OID physAddress(SnmpTarget.Mode mode) {
		return column(mode, mode == SnmpTarget.Mode.MEDIA ? 2 : 4);
	}

	public static OID type(SnmpTarget.Mode mode) {
		return column(mode, mode == SnmpTarget.Mode.MEDIA ? 4 : 6);
	}

	public static OID rowStatus() {
		return column(SnmpTarget.Mode.PHYSICAL, 8);
	}

	static OID column(SnmpTarget.Mode mode, int col) {
		OID o = new OID(mode == SnmpTarget.Mode.MEDIA ? MEDIA_ENTRY : PHYSICAL_ENTRY);
		o.append(col);
		return o;
	}

	/** The row index of {@code ip}; an IPv6 address needs the physical table. */
	public static OID index(SnmpTarget.Mode mode, int ifIndex, InetAddress ip) {
		byte[] b = ip.getAddress();
		OID o = new OID(new int[] { ifIndex });
		if (mode == SnmpTarget.Mode.PHYSICAL) {
			o.append(b.length == 16 ? ADDRESS_IPV6 : ADDRESS_IPV4).append(b.length);
		}
		else if (b.length != 4) {
			throw new IllegalArgumentException("ipNetToMediaTable has IPv4 rows only; divert "
					+ IpAddresses.text(ip) + " with mode physical (ipNetToPhysicalTable)");
		}
		for (byte x : b) {
			o.append(x & 0xff);
		}
		return o;
	}

	public static OID instance(OID column, SnmpTarget.Mode mode, int ifIndex, InetAddress ip) {
		OID o = new OID(column);
		o.append(index(mode, ifIndex, ip));
		return o;
	}

	/** The address of a row under {@code column.ifIndex}, or null if the index is not an IPv4 or IPv6 one. */
	public static @Nullable InetAddress ipOf(OID instance, OID column, SnmpTarget.Mode mode, int ifIndex) {
		if (!instance.startsWith(column) || instance.size() <= column.size()) {
			return null;
		}
		int[] idx = new int[instance.size() - column.size()];
		for (int i = 0; i < idx.length; i++) {
			idx[i] = instance.get(column.size() + i);
		}
		if (idx[0] != ifIndex) {
			return null;
		}
		int off = 1;
		int length = 4;
		if (mode == SnmpTarget.Mode.PHYSICAL) {
			if (idx.length < 3 || !(idx[1] == ADDRESS_IPV4 && idx[2] == 4 || idx[1] == ADDRESS_IPV6 && idx[2] == 16)) {
				return null;
			}
			off = 3;
			length = idx[2];
		}
		if (idx.length != off + length) {
			return null;
		}
		byte[] b = new byte[length];
		for (int i = 0; i < length; i++) {
			if (idx[off + i] < 0 || idx[off + i] > 255) {
				return null;
			}
			b[i] = (byte) idx[off + i];
		}
		return IpAddresses.fromBytes(b);
	}

}

package io.syncookied.router.snmp;

import java.net.Inet4Address;

import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.SnmpTarget;
import org.jspecify.annotations.Nullable;
import org.snmp4j.smi.OID;

/**
 * Column OIDs and index encoding for the two ARP tables (pure functions).
 * <ul>
 * <li>IP-MIB ipNetToMediaTable {@code 1.3.6.1.2.1.4.22.1}: index {@code ifIndex.a.b.c.d}; columns
 * PhysAddress(2), Type(4: other 1, invalid 2, dynamic 3, static 4).</li>
 * <li>IP-MIB ipNetToPhysicalTable {@code 1.3.6.1.2.1.4.35.1}: index
 * {@code ifIndex.1(ipv4).4.a.b.c.d}; columns PhysAddress(4), Type(6: same values), RowStatus(8).</li>
 * </ul>
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

	public static OID index(SnmpTarget.Mode mode, int ifIndex, Inet4Address ip) {
		byte[] b = ip.getAddress();
		OID o = new OID(new int[] { ifIndex });
		if (mode == SnmpTarget.Mode.PHYSICAL) {
			o.append(1).append(4);
		}
		for (byte x : b) {
			o.append(x & 0xff);
		}
		return o;
	}

	public static OID instance(OID column, SnmpTarget.Mode mode, int ifIndex, Inet4Address ip) {
		OID o = new OID(column);
		o.append(index(mode, ifIndex, ip));
		return o;
	}

	/** The IPv4 address of a row under {@code column.ifIndex}, or null if the index is not IPv4. */
	public static @Nullable Inet4Address ipOf(OID instance, OID column, SnmpTarget.Mode mode, int ifIndex) {
		if (!instance.startsWith(column) || instance.size() <= column.size()) {
			return null;
		}
		int[] idx = new int[instance.size() - column.size()];
		for (int i = 0; i < idx.length; i++) {
			idx[i] = instance.get(column.size() + i);
		}
		int off = mode == SnmpTarget.Mode.MEDIA ? 1 : 3;
		if (idx.length != off + 4 || idx[0] != ifIndex) {
			return null;
		}
		if (mode == SnmpTarget.Mode.PHYSICAL && (idx[1] != 1 || idx[2] != 4)) {
			return null;
		}
		byte[] b = new byte[4];
		for (int i = 0; i < 4; i++) {
			if (idx[off + i] < 0 || idx[off + i] > 255) {
				return null;
			}
			b[i] = (byte) idx[off + i];
		}
		return IpAddresses.fromBytes(b);
	}

}

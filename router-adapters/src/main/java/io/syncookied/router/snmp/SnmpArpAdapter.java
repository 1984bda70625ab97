package io.syncookied.router.snmp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import org.jspecify.annotations.Nullable;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Static ARP entries over SNMP SET, in one of two modes per target:
 * <ul>
 * <li>{@code media}: ipNetToMediaTable, SET PhysAddress + Type=static(4) to divert, Type=invalid(2) to
 * restore (RFC 1213 semantics, what net-snmp and most routers implement);</li>
 * <li>{@code physical}: ipNetToPhysicalTable, RowStatus createAndGo(4) with PhysAddress and
 * Type=static to create, a plain PhysAddress + Type SET if the row exists, destroy(6) to restore.</li>
 * </ul>
 * Read-back is a GET of the same columns. SNMP has no place for an owner tag. IPv6 addresses are rows of
 * ipNetToPhysicalTable (index type ipv6), so they need mode {@code physical}.
 */
public final class SnmpArpAdapter implements DiversionAdapter {

	/** A row as read by GET: null fields when the agent has no such instance. */
	record Row(@Nullable MacAddress mac, int type, int rowStatus) {

		boolean exists() {
			return this.mac != null || this.type > 0 || this.rowStatus > 0;
		}

		boolean isOverride(MacAddress want) {
			return want.equals(this.mac) && this.type == ArpTableOids.TYPE_STATIC
					&& (this.rowStatus <= 0 || this.rowStatus == ArpTableOids.ROW_ACTIVE);
		}

		boolean isStatic() {
			return this.type == ArpTableOids.TYPE_STATIC && this.mac != null;
		}

	}

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		SnmpTarget t = cast(target);
		MacAddress mac = MacAddress.required(firewallMac, t);
		ArpTableOids.index(t.mode(), t.ifIndex(), ip); // an IPv6 address on a media target fails before any I/O
		try (SnmpSession s = new SnmpSession(t)) {
			Row now = read(s, t, ip);
			if (now.isOverride(mac)) {
				return Diversion.neighbour(ip, mac, null);
			}
			SnmpTarget.Mode m = t.mode();
			VariableBinding phys = new VariableBinding(ArpTableOids.instance(ArpTableOids.physAddress(m), m, t.ifIndex(), ip),
					new OctetString(mac.toBytes()));
			VariableBinding type = new VariableBinding(ArpTableOids.instance(ArpTableOids.type(m), m, t.ifIndex(), ip),
					new Integer32(ArpTableOids.TYPE_STATIC));
			if (m == SnmpTarget.Mode.PHYSICAL && !now.exists()) {
				s.set(new VariableBinding(ArpTableOids.instance(ArpTableOids.rowStatus(), m, t.ifIndex(), ip),
						new Integer32(ArpTableOids.ROW_CREATE_AND_GO)), phys, type);
			}
			else {
				s.set(phys, type);
			}
			Row after = read(s, t, ip);
			if (!after.isOverride(mac)) {
				throw new DiversionException.VerificationFailed(t.name(), "asked " + IpAddresses.text(ip) + " -> " + mac
						+ " static on ifIndex " + t.ifIndex() + ", GET reads " + describe(after));
			}
			return Diversion.neighbour(ip, mac, null);
		}
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		SnmpTarget t = cast(target);
		ArpTableOids.index(t.mode(), t.ifIndex(), ip);
		try (SnmpSession s = new SnmpSession(t)) {
			Row now = read(s, t, ip);
			if (!now.isStatic()) {
				return false;
			}
			SnmpTarget.Mode m = t.mode();
			if (m == SnmpTarget.Mode.PHYSICAL) {
				s.set(new VariableBinding(ArpTableOids.instance(ArpTableOids.rowStatus(), m, t.ifIndex(), ip),
						new Integer32(ArpTableOids.ROW_DESTROY)));
			}
			else {
				s.set(new VariableBinding(ArpTableOids.instance(ArpTableOids.type(m), m, t.ifIndex(), ip),
						new Integer32(ArpTableOids.TYPE_INVALID)));
			}
			Row after = read(s, t, ip);
			if (after.isStatic()) {
				throw new DiversionException.VerificationFailed(t.name(), IpAddresses.text(ip)
						+ " still static after delete, GET reads " + describe(after));
			}
			return true;
		}
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		SnmpTarget t = cast(target);
		SnmpTarget.Mode m = t.mode();
		try (SnmpSession s = new SnmpSession(t)) {
			OID typeCol = prefix(ArpTableOids.type(m), t.ifIndex());
			OID physCol = prefix(ArpTableOids.physAddress(m), t.ifIndex());
			Map<InetAddress, MacAddress> macs = new HashMap<>();
			for (VariableBinding vb : s.walk(physCol)) {
				InetAddress ip = ArpTableOids.ipOf(vb.getOid(), ArpTableOids.physAddress(m), m, t.ifIndex());
				MacAddress mac = mac(vb.getVariable());
				if (ip != null && mac != null) {
					macs.put(ip, mac);
				}
			}
			List<Diversion> out = new ArrayList<>();
			for (VariableBinding vb : s.walk(typeCol)) {
				InetAddress ip = ArpTableOids.ipOf(vb.getOid(), ArpTableOids.type(m), m, t.ifIndex());
				if (ip != null && vb.getVariable().toInt() == ArpTableOids.TYPE_STATIC && macs.containsKey(ip)) {
					out.add(Diversion.neighbour(ip, macs.get(ip), null));
				}
			}
			out.sort(Diversion.BY_IP);
			return out;
		}
	}

	private static OID prefix(OID column, int ifIndex) {
		OID o = new OID(column);
		o.append(ifIndex);
		return o;
	}

	static Row read(SnmpSession s, SnmpTarget t, InetAddress ip) {
		SnmpTarget.Mode m = t.mode();
		OID phys = ArpTableOids.instance(ArpTableOids.physAddress(m), m, t.ifIndex(), ip);
		OID type = ArpTableOids.instance(ArpTableOids.type(m), m, t.ifIndex(), ip);
		List<VariableBinding> vbs = m == SnmpTarget.Mode.PHYSICAL
				? s.get(phys, type, ArpTableOids.instance(ArpTableOids.rowStatus(), m, t.ifIndex(), ip))
				: s.get(phys, type);
		MacAddress mac = mac(vbs.get(0).getVariable());
		int ty = vbs.get(1).isException() ? 0 : vbs.get(1).getVariable().toInt();
		int rs = vbs.size() > 2 && !vbs.get(2).isException() ? vbs.get(2).getVariable().toInt() : 0;
		return new Row(mac, ty, rs);
	}

	private static @Nullable MacAddress mac(Variable v) {
		if (v instanceof OctetString os && os.length() == 6) {
			return MacAddress.fromBytes("PhysAddress", os.getValue());
		}
		return null;
	}

	private static String describe(Row r) {
		if (!r.exists()) {
			return "no such row";
		}
		String type = switch (r.type()) {
			case 1 -> "other";
			case ArpTableOids.TYPE_INVALID -> "invalid";
			case ArpTableOids.TYPE_DYNAMIC -> "dynamic";
			case ArpTableOids.TYPE_STATIC -> "static";
			default -> "type " + r.type();
		};
		return (r.mac() == null ? "no PhysAddress" : r.mac().toString()) + " " + type
				+ (r.rowStatus() > 0 ? " rowStatus " + r.rowStatus() : "");
	}

	private static SnmpTarget cast(RouterTarget target) {
		if (target instanceof SnmpTarget t) {
			return t;
		}
		throw new IllegalArgumentException("SnmpArpAdapter cannot drive " + target.adapter() + " target "
				+ target.name());
	}

}

package io.syncookied.router.snmp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.agent.CommandProcessor;
import org.snmp4j.agent.DefaultMOScope;
import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.MOScope;
import org.snmp4j.agent.mo.GenericManagedObject;
import org.snmp4j.agent.mo.snmp.CoexistenceInfo;
import org.snmp4j.agent.mo.snmp.CoexistenceInfoProvider;
import org.snmp4j.agent.request.SnmpRequest;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.agent.security.VACM;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.ThreadPool;

/**
 * An SNMP agent (snmp4j-agent's CommandProcessor) simulating a router's ARP table, exposed as
 * ipNetToMediaTable or ipNetToPhysicalTable with the write semantics of IP-MIB: media mode creates
 * rows by PhysAddress and deletes them with Type=invalid(2); physical mode creates with RowStatus
 * createAndGo(4) and deletes with destroy(6). Communities: {@code public} read-only, {@code private}
 * read-write; SNMPv3 user {@code syncookied} (SHA-256 / AES-128) read-write. Failure knobs are the
 * public fields.
 */
final class SimulatedArpDevice implements GenericManagedObject, AutoCloseable {

	static final String V3_USER = "syncookied";

	static final String V3_AUTH = "auth-pass-123";

	static final String V3_PRIV = "priv-pass-123";

	private final SnmpTarget.Mode mode;

	private final OID entry;

	private final MOScope scope;

	/** key: ifIndex.a.b.c.d → row. */
	final Map<OID, Row> rows = new TreeMap<>();

	/** Every SET varbind seen, as {@code oid=value}. */
	final List<String> sets = new ArrayList<>();

	volatile boolean dropRequests;

	/** Return this error status on every SET (e.g. PDU.inconsistentValue, as a device with a full table). */
	volatile int rejectSetsWith;

	/** Answer SETs with noError but change nothing (a lying device). */
	volatile boolean ignoreSets;

	private final Snmp snmp;

	private final int port;

	static final class Row {

		byte[] mac;

		int type;

		Row(byte[] mac, int type) {
			this.mac = mac;
			this.type = type;
		}

	}

	SimulatedArpDevice(SnmpTarget.Mode mode) throws Exception {
		this.mode = mode;
		this.entry = mode == SnmpTarget.Mode.MEDIA ? ArpTableOids.MEDIA_ENTRY : ArpTableOids.PHYSICAL_ENTRY;
		this.scope = new DefaultMOScope(this.entry, true, this.entry.nextPeer(), false);

		MessageDispatcherImpl disp = new MessageDispatcherImpl();
		disp.addMessageProcessingModel(new MPv2c());
		USM usm = new USM(SecurityProtocols.getInstance().addDefaultProtocols(),
				new OctetString(MPv3.createLocalEngineID()), 0);
		usm.addUser(new UsmUser(new OctetString(V3_USER), AuthHMAC192SHA256.ID, new OctetString(V3_AUTH),
				PrivAES128.ID, new OctetString(V3_PRIV)));
		disp.addMessageProcessingModel(new MPv3(usm));
		DefaultUdpTransportMapping tm = new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0"));
		this.snmp = new Snmp(disp, tm);
		CommandProcessor cp = new CommandProcessor(new OctetString(usm.getLocalEngineID()));
		cp.setWorkerPool(ThreadPool.create("sim-agent", 2));
		cp.setVacm(new Vacm());
		OctetString engineId = new OctetString(usm.getLocalEngineID());
		cp.setCoexistenceProvider(new CoexistenceInfoProvider() {
			// SNMP-COMMUNITY-MIB in one line: the community is the security name; unknown ones are dropped.
			@Override
			public CoexistenceInfo[] getCoexistenceInfo(OctetString community) {
				String c = community.toString();
				if (!c.equals("public") && !c.equals("private")) {
					return new CoexistenceInfo[0];
				}
				return new CoexistenceInfo[] { new CoexistenceInfo(community, engineId, new OctetString()) };
			}

			@Override
			public OctetString getCommunity(OctetString securityName, OctetString contextEngineID,
					OctetString contextName) {
				return securityName;
			}

			@Override
			public boolean passesFilter(org.snmp4j.smi.Address address, CoexistenceInfo info) {
				return true;
			}
		});
		DefaultMOServer server = new DefaultMOServer();
		server.register(this, null);
		cp.addMOServer(server);
		this.snmp.addCommandResponder(new CommandResponder() {
			@Override
			public <A extends org.snmp4j.smi.Address> void processPdu(CommandResponderEvent<A> event) {
				if (!SimulatedArpDevice.this.dropRequests) {
					cp.processPdu(event);
				}
				else {
					event.setProcessed(true);
				}
			}
		});
		this.snmp.listen();
		this.port = tm.getListenAddress().getPort();
	}

	int port() {
		return this.port;
	}

	synchronized void putDynamic(int ifIndex, String ip, byte[] mac) {
		this.rows.put(key(ifIndex, ip), new Row(mac, ArpTableOids.TYPE_DYNAMIC));
	}

	synchronized Row row(int ifIndex, String ip) {
		return this.rows.get(key(ifIndex, ip));
	}

	private static OID key(int ifIndex, String ip) {
		return new OID(ifIndex + "." + ip);
	}

	// ---- ManagedObject ----

	@Override
	public MOScope getScope() {
		return this.scope;
	}

	private int[] columns() {
		return this.mode == SnmpTarget.Mode.MEDIA ? new int[] { 1, 2, 3, 4 } : new int[] { 4, 6, 7, 8 };
	}

	private OID instance(int col, OID key) {
		OID o = new OID(this.entry).append(col).append(key.get(0));
		if (this.mode == SnmpTarget.Mode.PHYSICAL) {
			o.append(1).append(4);
		}
		for (int i = 1; i < 5; i++) {
			o.append(key.get(i));
		}
		return o;
	}

	/** {col, key} of an instance OID, or null. */
	private Object[] parse(OID oid) {
		if (!oid.startsWith(this.entry)) {
			return null;
		}
		int n = this.entry.size();
		int idxLen = this.mode == SnmpTarget.Mode.MEDIA ? 5 : 7;
		if (oid.size() != n + 1 + idxLen) {
			return null;
		}
		int col = oid.get(n);
		int ifIndex = oid.get(n + 1);
		int off = n + 2;
		if (this.mode == SnmpTarget.Mode.PHYSICAL) {
			if (oid.get(n + 2) != 1 || oid.get(n + 3) != 4) {
				return null;
			}
			off += 2;
		}
		OID key = new OID(new int[] { ifIndex, oid.get(off), oid.get(off + 1), oid.get(off + 2), oid.get(off + 3) });
		return new Object[] { col, key };
	}

	private Variable value(int col, Row r, OID key) {
		if (this.mode == SnmpTarget.Mode.MEDIA) {
			return switch (col) {
				case 1 -> new Integer32(key.get(0));
				case 2 -> new OctetString(r.mac);
				case 3 -> new org.snmp4j.smi.IpAddress(key.get(1) + "." + key.get(2) + "." + key.get(3) + "." + key.get(4));
				case 4 -> new Integer32(r.type);
				default -> null;
			};
		}
		return switch (col) {
			case 4 -> new OctetString(r.mac);
			case 6 -> new Integer32(r.type);
			case 7 -> new Integer32(1); // reachable
			case 8 -> new Integer32(ArpTableOids.ROW_ACTIVE);
			default -> null;
		};
	}

	@Override
	public synchronized OID find(MOScope range) {
		for (int col : columns()) {
			for (OID key : this.rows.keySet()) {
				OID o = instance(col, key);
				int lo = o.compareTo(range.getLowerBound());
				if (lo < 0 || (lo == 0 && !range.isLowerIncluded())) {
					continue;
				}
				if (range.getUpperBound() != null) {
					int hi = o.compareTo(range.getUpperBound());
					if (hi > 0 || (hi == 0 && !range.isUpperIncluded())) {
						return null;
					}
				}
				return o;
			}
		}
		return null;
	}

	@Override
	public synchronized void get(SubRequest<?> req) {
		VariableBinding vb = req.getVariableBinding();
		Object[] p = parse(vb.getOid());
		Row r = p == null ? null : this.rows.get((OID) p[1]);
		Variable v = r == null ? null : value((Integer) p[0], r, (OID) p[1]);
		vb.setVariable(v == null ? Null.noSuchInstance : v);
		req.completed();
	}

	@Override
	public synchronized boolean next(SubRequest<?> req) {
		OID n = find(req.getScope());
		if (n == null) {
			return false;
		}
		Object[] p = parse(n);
		req.getVariableBinding().setOid(n);
		req.getVariableBinding().setVariable(value((Integer) p[0], this.rows.get((OID) p[1]), (OID) p[1]));
		req.completed();
		return true;
	}

	private int physCol() {
		return this.mode == SnmpTarget.Mode.MEDIA ? 2 : 4;
	}

	private int typeCol() {
		return this.mode == SnmpTarget.Mode.MEDIA ? 4 : 6;
	}

	/** The value another varbind of the same SET gives to {@code col} of the same row, or null. */
	private Variable sibling(SubRequest<?> req, int col, OID key) {
		if (req.getRequest() instanceof SnmpRequest sr) {
			for (Iterator<SnmpRequest.SnmpSubRequest> it = sr.iterator(); it.hasNext();) {
				VariableBinding vb = it.next().getVariableBinding();
				Object[] p = parse(vb.getOid());
				if (p != null && (Integer) p[0] == col && p[1].equals(key)) {
					return vb.getVariable();
				}
			}
		}
		return null;
	}

	@Override
	public synchronized void prepare(SubRequest<?> req) {
		VariableBinding vb = req.getVariableBinding();
		int status = check(req, vb);
		if (status == PDU.noError && this.rejectSetsWith != 0) {
			status = this.rejectSetsWith;
		}
		if (status != PDU.noError) {
			req.getStatus().setErrorStatus(status);
		}
		else {
			req.getStatus().setPhaseComplete(true);
		}
	}

	private int check(SubRequest<?> req, VariableBinding vb) {
		Object[] p = parse(vb.getOid());
		if (p == null) {
			return PDU.noCreation;
		}
		int col = (Integer) p[0];
		OID key = (OID) p[1];
		Row r = this.rows.get(key);
		Variable v = vb.getVariable();
		boolean creating = this.mode == SnmpTarget.Mode.PHYSICAL
				&& sibling(req, 8, key) instanceof Integer32 rs && rs.getValue() == ArpTableOids.ROW_CREATE_AND_GO;
		if (col == physCol()) {
			if (!(v instanceof OctetString os) || os.length() != 6) {
				return PDU.wrongLength;
			}
			if (r == null && this.mode == SnmpTarget.Mode.PHYSICAL && !creating) {
				return PDU.inconsistentName;
			}
			return PDU.noError;
		}
		if (col == typeCol()) {
			if (!(v instanceof Integer32 t) || t.getValue() < 1 || t.getValue() > 4) {
				return PDU.wrongValue;
			}
			if (r == null && t.getValue() != ArpTableOids.TYPE_INVALID && sibling(req, physCol(), key) == null) {
				return PDU.inconsistentValue;
			}
			return PDU.noError;
		}
		if (this.mode == SnmpTarget.Mode.PHYSICAL && col == 8) {
			if (!(v instanceof Integer32 s)) {
				return PDU.wrongType;
			}
			return switch (s.getValue()) {
				case ArpTableOids.ROW_CREATE_AND_GO -> r == null && sibling(req, physCol(), key) != null ? PDU.noError
						: PDU.inconsistentValue;
				case ArpTableOids.ROW_DESTROY -> PDU.noError;
				case ArpTableOids.ROW_ACTIVE -> r != null ? PDU.noError : PDU.inconsistentValue;
				default -> PDU.wrongValue;
			};
		}
		return PDU.notWritable;
	}

	@Override
	public synchronized void commit(SubRequest<?> req) {
		VariableBinding vb = req.getVariableBinding();
		this.sets.add(vb.getOid() + "=" + vb.getVariable());
		if (!this.ignoreSets) {
			Object[] p = parse(vb.getOid());
			int col = (Integer) p[0];
			OID key = (OID) p[1];
			Variable v = vb.getVariable();
			if (col == physCol()) {
				Row r = this.rows.get(key);
				if (r == null) {
					this.rows.put(key, new Row(((OctetString) v).getValue(), ArpTableOids.TYPE_STATIC));
				}
				else {
					r.mac = ((OctetString) v).getValue();
				}
			}
			else if (col == typeCol()) {
				int t = v.toInt();
				if (t == ArpTableOids.TYPE_INVALID) {
					this.rows.remove(key);
				}
				else if (this.rows.containsKey(key)) {
					this.rows.get(key).type = t;
				}
			}
			else if (col == 8) {
				int s = v.toInt();
				if (s == ArpTableOids.ROW_DESTROY) {
					this.rows.remove(key);
				}
				else if (s == ArpTableOids.ROW_CREATE_AND_GO) {
					Variable mac = sibling(req, physCol(), key);
					this.rows.put(key, new Row(((OctetString) mac).getValue(), ArpTableOids.TYPE_STATIC));
				}
			}
		}
		req.getStatus().setPhaseComplete(true);
	}

	@Override
	public void undo(SubRequest<?> req) {
		req.getStatus().setPhaseComplete(true);
	}

	@Override
	public void cleanup(SubRequest<?> req) {
		req.getStatus().setPhaseComplete(true);
	}

	/** public: read-only; private and the v3 user: read-write; anything else: no access. */
	private static final class Vacm implements VACM {

		private static final OctetString RO = new OctetString("ro");

		private static final OctetString RW = new OctetString("rw");

		@Override
		public int isAccessAllowed(OctetString context, OctetString securityName, int model, int level, int viewType,
				OID oid) {
			OctetString view = getViewName(context, securityName, model, level, viewType);
			return view == null ? VACM_NO_ACCESS_ENTRY : VACM_OK;
		}

		@Override
		public int isAccessAllowed(OctetString viewName, OID oid) {
			return viewName == null ? VACM_NOT_IN_VIEW : VACM_OK;
		}

		@Override
		public OctetString getViewName(OctetString context, OctetString securityName, int model, int level,
				int viewType) {
			String name = securityName.toString();
			boolean rw = name.equals("private") || name.equals(V3_USER);
			if (viewType == VIEW_WRITE) {
				return rw ? RW : null;
			}
			return rw || name.equals("public") ? RO : null;
		}

	}

	@Override
	public void close() throws IOException {
		this.snmp.close();
	}

}

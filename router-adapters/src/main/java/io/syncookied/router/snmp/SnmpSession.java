package io.syncookied.router.snmp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.syncookied.router.api.DiversionException;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.GenericAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * One SNMP client session (own UDP socket, own USM) for one target: GET, GETNEXT walk and SET,
 * with every failure mapped to the SPI's error types.
 */
final class SnmpSession implements AutoCloseable {

	private static final OID USM_STATS = new OID("1.3.6.1.6.3.15.1.1");

	private final SnmpTarget t;

	private final Snmp snmp;

	private final Target<UdpAddress> target;

	/**
	 * The last USM error report the agent sent. SNMP4J consumes unauthenticated reports
	 * (usmStatsWrongDigests, usmStatsUnknownUserNames...) without answering the request, which then
	 * looks like a timeout; remembering the report lets us say "wrong password" instead.
	 */
	private volatile OID lastUsmReport;

	SnmpSession(SnmpTarget t) {
		this.t = t;
		try {
			MessageDispatcherImpl disp = new MessageDispatcherImpl();
			disp.addMessageProcessingModel(new MPv2c());
			DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
			if (t.version() == SnmpTarget.Version.V3) {
				SecurityProtocols protocols = SecurityProtocols.getInstance();
				protocols.addDefaultProtocols();
				protocols.addPrivacyProtocol(new PrivAES192());
				protocols.addPrivacyProtocol(new PrivAES256());
				protocols.addPrivacyProtocol(new PrivDES());
				// addDefaultProtocols() leaves out the SHA-1 and MD5 generations that most routers still run.
				protocols.addAuthenticationProtocol(new AuthSHA());
				protocols.addAuthenticationProtocol(new AuthMD5());
				protocols.addAuthenticationProtocol(new AuthHMAC128SHA224());
				protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
				protocols.addAuthenticationProtocol(new AuthHMAC256SHA384());
				protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
				protocols.addPrivacyProtocol(new PrivAES128());
				USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
				disp.addMessageProcessingModel(new MPv3(usm));
				this.snmp = new Snmp(disp, transport);
				SnmpTarget.Usm u = t.usm();
				usm.addUser(new UsmUser(new OctetString(u.user()), authOid(u.authProtocol()),
						new OctetString(u.authPassword()), privOid(u.privProtocol()), new OctetString(u.privPassword())));
				UserTarget<UdpAddress> ut = new UserTarget<>();
				ut.setSecurityLevel(SecurityLevel.AUTH_PRIV);
				ut.setSecurityName(new OctetString(u.user()));
				ut.setVersion(SnmpConstants.version3);
				this.target = ut;
			}
			else {
				this.snmp = new Snmp(disp, transport);
				CommunityTarget<UdpAddress> ct = new CommunityTarget<>();
				ct.setCommunity(new OctetString(t.community()));
				ct.setVersion(SnmpConstants.version2c);
				this.target = ct;
			}
			Snmp.ReportHandler defaultReports = this.snmp.getReportHandler();
			this.snmp.setReportHandler(new Snmp.ReportHandler() {
				@Override
				public <A extends org.snmp4j.smi.Address> void processReport(org.snmp4j.mp.PduHandle handle,
						org.snmp4j.CommandResponderEvent<A> event) {
					PDU r = event.getPDU();
					if (r != null && r.size() > 0 && r.get(0).getOid().startsWith(USM_STATS)) {
						OID o = r.get(0).getOid();
						int kind = o.size() > USM_STATS.size() ? o.get(USM_STATS.size()) : 0;
						if (kind != 2 && kind != 4) { // notInTimeWindows and unknownEngineIDs are discovery
							SnmpSession.this.lastUsmReport = o;
						}
					}
					defaultReports.processReport(handle, event);
				}
			});
			UdpAddress addr = (UdpAddress) GenericAddress.parse("udp:" + t.host() + "/" + t.port());
			if (addr == null) {
				throw new DiversionException.Unreachable(t.name(), "cannot resolve " + t.host(), null);
			}
			this.target.setAddress(addr);
			this.target.setTimeout(t.requestTimeout().toMillis());
			this.target.setRetries(t.requestRetries());
			this.snmp.listen();
		}
		catch (IOException ex) {
			throw new DiversionException.Unreachable(t.name(), "cannot open UDP socket: " + ex.getMessage(), ex);
		}
	}

	static OID authOid(String name) {
		return switch (name) {
			case "md5" -> AuthMD5.ID;
			case "sha224" -> AuthHMAC128SHA224.ID;
			case "sha256" -> AuthHMAC192SHA256.ID;
			case "sha384" -> AuthHMAC256SHA384.ID;
			case "sha512" -> AuthHMAC384SHA512.ID;
			default -> AuthSHA.ID;
		};
	}

	static OID privOid(String name) {
		return switch (name) {
			case "aes192" -> PrivAES192.ID;
			case "aes256" -> PrivAES256.ID;
			case "des" -> PrivDES.ID;
			default -> PrivAES128.ID;
		};
	}

	private PDU pdu(int type) {
		PDU p = this.t.version() == SnmpTarget.Version.V3 ? new ScopedPDU() : new PDU();
		p.setType(type);
		return p;
	}

	List<VariableBinding> get(OID... oids) {
		PDU p = pdu(PDU.GET);
		for (OID o : oids) {
			p.add(new VariableBinding(o));
		}
		return send(p, "GET");
	}

	List<VariableBinding> set(VariableBinding... vbs) {
		PDU p = pdu(PDU.SET);
		for (VariableBinding vb : vbs) {
			p.add(vb);
		}
		return send(p, "SET");
	}

	/** GETNEXT walk of one column (works with every agent, including net-snmp pass scripts). */
	List<VariableBinding> walk(OID column) {
		List<VariableBinding> out = new ArrayList<>();
		OID next = column;
		for (int i = 0; i < 100_000; i++) {
			PDU p = pdu(PDU.GETNEXT);
			p.add(new VariableBinding(next));
			VariableBinding vb = send(p, "GETNEXT").get(0);
			if (vb.isException() || !vb.getOid().startsWith(column) || vb.getOid().compareTo(next) <= 0) {
				return out;
			}
			out.add(vb);
			next = vb.getOid();
		}
		return out;
	}

	private List<VariableBinding> send(PDU p, String what) {
		ResponseEvent<UdpAddress> ev;
		try {
			ev = this.snmp.send(p, this.target);
		}
		catch (IOException ex) {
			throw new DiversionException.Unreachable(this.t.name(), what + " to " + this.t.host() + ":" + this.t.port()
					+ " failed: " + ex.getMessage(), ex);
		}
		if (Thread.currentThread().isInterrupted()) {
			throw new DiversionException.TimedOut(this.t.name(), what + " interrupted", null);
		}
		if (ev == null || ev.getResponse() == null) {
			if (ev != null && ev.getError() != null) {
				return fail(ev.getError(), what);
			}
			OID report = this.lastUsmReport;
			if (report != null) {
				throw new DiversionException.AuthFailed(this.t.name(), "SNMPv3 report " + reportName(report) + " from "
						+ this.t.host(), null);
			}
			String hint = this.t.version() == SnmpTarget.Version.V2C
					? " (unreachable, or a wrong community: v2c agents silently drop those)" : "";
			throw new DiversionException.Unreachable(this.t.name(), "no " + what + " response from " + this.t.host()
					+ ":" + this.t.port() + " within " + this.t.requestTimeout().toMillis() + " ms x "
					+ (this.t.requestRetries() + 1) + hint, null);
		}
		PDU r = ev.getResponse();
		if (r.getType() == PDU.REPORT) {
			OID report = r.size() > 0 ? r.get(0).getOid() : new OID();
			if (report.startsWith(USM_STATS)) {
				throw new DiversionException.AuthFailed(this.t.name(), "SNMPv3 report " + reportName(report)
						+ " from " + this.t.host(), null);
			}
			throw new DiversionException.Rejected(this.t.name(), "SNMP report " + report, false);
		}
		if (r.getErrorStatus() != PDU.noError) {
			String at = r.getErrorIndex() > 0 && r.getErrorIndex() <= p.size()
					? " at " + p.get(r.getErrorIndex() - 1).getOid() : "";
			String text = r.getErrorStatusText() + at;
			switch (r.getErrorStatus()) {
				case PDU.noAccess, PDU.authorizationError ->
					throw new DiversionException.AuthFailed(this.t.name(), "no write access: " + text, null);
				case PDU.resourceUnavailable ->
					throw new DiversionException.Rejected(this.t.name(), text, true);
				default -> throw new DiversionException.Rejected(this.t.name(), text, false);
			}
		}
		return r.getVariableBindings().stream().map(vb -> (VariableBinding) vb.clone()).toList();
	}

	private <T> T fail(Exception error, String what) {
		String m = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
		if (m.contains("auth") || m.contains("user") || m.contains("digest") || m.contains("decrypt")
				|| m.contains("security")) {
			throw new DiversionException.AuthFailed(this.t.name(), what + ": " + error.getMessage(), error);
		}
		throw new DiversionException.Unreachable(this.t.name(), what + ": " + error.getMessage(), error);
	}

	private static String reportName(OID o) {
		int last = o.size() > USM_STATS.size() ? o.get(USM_STATS.size()) : 0;
		return switch (last) {
			case 1 -> "usmStatsUnsupportedSecLevels";
			case 2 -> "usmStatsNotInTimeWindows";
			case 3 -> "usmStatsUnknownUserNames (wrong user)";
			case 4 -> "usmStatsUnknownEngineIDs";
			case 5 -> "usmStatsWrongDigests (wrong auth password)";
			case 6 -> "usmStatsDecryptionErrors (wrong priv password)";
			default -> o.toString();
		};
	}

	@Override
	public void close() {
		try {
			this.snmp.close();
		}
		catch (IOException ignored) {
			// nothing to flush on a UDP socket
		}
	}

}

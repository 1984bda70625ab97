package io.syncookied.router.junos;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.IpPrefix;
import io.syncookied.router.api.MacAddress;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The exact Junos RPC bodies we send and pure parsers for the replies. */
public final class JunosRpcs {

	public static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";

	private JunosRpcs() {
	}

	public static String hello() {
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hello xmlns=\"" + BASE_NS + "\"><capabilities>"
				+ "<capability>urn:ietf:params:netconf:base:1.0</capability>"
				+ "<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>";
	}

	public static String rpc(int messageId, String body) {
		return "<rpc message-id=\"" + messageId + "\" xmlns=\"" + BASE_NS + "\">" + body + "</rpc>";
	}

	public static String lockCandidate() {
		return "<lock><target><candidate/></target></lock>";
	}

	public static String unlockCandidate() {
		return "<unlock><target><candidate/></target></unlock>";
	}

	public static String discardChanges() {
		return "<discard-changes/>";
	}

	/**
	 * {@code set interfaces <ifl> family inet address <subnet> arp <ip> mac <mac>} for IPv4, and for IPv6
	 * {@code set interfaces <ifl> family inet6 address <subnet6> ndp <ip> mac <mac>} (Junos' static NDP entry).
	 */
	public static String setNeighbour(JunosTarget t, InetAddress ip, MacAddress mac) {
		return "set " + entryPath(t, ip) + " mac " + mac;
	}

	public static String deleteNeighbour(JunosTarget t, InetAddress ip) {
		return "delete " + entryPath(t, ip);
	}

	private static String entryPath(JunosTarget t, InetAddress ip) {
		IpPrefix address = t.addressFor(ip);
		return "interfaces " + t.interfaceName() + " family " + (address.isIpv6() ? "inet6" : "inet") + " address "
				+ address + (address.isIpv6() ? " ndp " : " arp ") + IpAddresses.text(ip);
	}

	public static String loadSet(String commands) {
		return "<load-configuration action=\"set\" format=\"text\"><configuration-set>" + escape(commands)
				+ "</configuration-set></load-configuration>";
	}

	public static String commitConfirmed(long minutes, String log) {
		return "<commit-configuration><confirmed/><confirm-timeout>" + minutes + "</confirm-timeout><log>"
				+ escape(log) + "</log></commit-configuration>";
	}

	public static String confirmingCommit(String log) {
		return "<commit-configuration><log>" + escape(log) + "</log></commit-configuration>";
	}

	/** get-configuration of the committed database, filtered to the target's address statements. */
	public static String getAddressConfig(JunosTarget t) {
		String[] ifl = splitIfl(t.interfaceName());
		StringBuilder families = new StringBuilder();
		if (t.subnet() != null) {
			families.append("<inet><address><name>").append(t.subnet()).append("</name></address></inet>");
		}
		if (t.subnet6() != null) {
			families.append("<inet6><address><name>").append(t.subnet6()).append("</name></address></inet6>");
		}
		return "<get-configuration database=\"committed\"><configuration><interfaces><interface><name>" + ifl[0]
				+ "</name><unit><name>" + ifl[1] + "</name><family>" + families
				+ "</family></unit></interface></interfaces></configuration></get-configuration>";
	}

	/** {@code irb.0} → {@code [irb, 0]}; {@code ge-0/0/1.100} → {@code [ge-0/0/1, 100]}. */
	static String[] splitIfl(String ifl) {
		int dot = ifl.lastIndexOf('.');
		return new String[] { ifl.substring(0, dot), ifl.substring(dot + 1) };
	}

	/**
	 * What a get-configuration reply says about the target's address statements.
	 * @param inet whether the {@code family inet} address ({@code subnet}) exists
	 * @param inet6 whether the {@code family inet6} address ({@code subnet6}) exists
	 * @param entries the static ARP and NDP entries under them, sorted by IP
	 */
	public record AddressConfig(boolean inet, boolean inet6, List<Diversion> entries) {

		/** Whether the address statement that would hold {@code ip}'s entry exists. */
		public boolean holds(InetAddress ip) {
			return ip.getAddress().length == 16 ? this.inet6 : this.inet;
		}

	}

	public static AddressConfig parseAddressConfig(JunosTarget t, String replyXml) {
		Document doc = parse(replyXml);
		String[] ifl = splitIfl(t.interfaceName());
		List<Diversion> entries = new ArrayList<>();
		boolean inet = false;
		boolean inet6 = false;
		for (Element itf : children(doc.getDocumentElement(), "configuration", "interfaces", "interface")) {
			if (!ifl[0].equals(text(itf, "name"))) {
				continue;
			}
			for (Element unit : children(itf, "unit")) {
				if (!ifl[1].equals(text(unit, "name"))) {
					continue;
				}
				inet |= entries(unit, "inet", "arp", t.subnet(), entries);
				inet6 |= entries(unit, "inet6", "ndp", t.subnet6(), entries);
			}
		}
		entries.sort(Diversion.BY_IP);
		return new AddressConfig(inet, inet6, List.copyOf(entries));
	}

	/** Adds the {@code arp} or {@code ndp} entries under one family's address; whether that address exists. */
	private static boolean entries(Element unit, String family, String entry, @Nullable IpPrefix address,
			List<Diversion> out) {
		if (address == null) {
			return false;
		}
		for (Element addr : children(unit, "family", family, "address")) {
			if (!address.equals(prefixOf(text(addr, "name")))) {
				continue;
			}
			for (Element e : children(addr, entry)) {
				String ip = text(e, "name");
				String mac = text(e, "mac");
				if (ip == null || mac == null) {
					continue; // multicast-mac or publish-only entries do not divert
				}
				out.add(Diversion.neighbour(IpAddresses.parse("get-configuration " + entry + " name", ip),
						MacAddress.parse("get-configuration " + entry + " mac", mac), null));
			}
			return true;
		}
		return false;
	}

	/** Junos prints addresses in its own canonical form, so statements are matched by value, not by text. */
	private static @Nullable IpPrefix prefixOf(@Nullable String name) {
		if (name == null) {
			return null;
		}
		try {
			return IpPrefix.parse("address name", name);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** One {@code rpc-error} of severity error. */
	public record RpcError(String tag, String message) {
	}

	/** All errors (not warnings) anywhere in a reply, including inside {@code commit-results}. */
	public static List<RpcError> errors(String replyXml) {
		Document doc = parse(replyXml);
		List<RpcError> out = new ArrayList<>();
		NodeList all = doc.getElementsByTagNameNS("*", "rpc-error");
		for (int i = 0; i < all.getLength(); i++) {
			Element e = (Element) all.item(i);
			String sev = text(e, "error-severity");
			if (sev != null && sev.equals("warning")) {
				continue;
			}
			String msg = text(e, "error-message");
			String path = text(e, "error-path");
			String tag = text(e, "error-tag");
			String m = (msg == null ? "(no error-message)" : msg.replaceAll("\\s+", " ").strip());
			if (path != null && !path.isBlank()) {
				m = m + " at " + path.strip();
			}
			out.add(new RpcError(tag == null ? "" : tag.strip(), m));
		}
		return out;
	}

	public static boolean hasOk(String replyXml) {
		return parse(replyXml).getElementsByTagNameNS("*", "ok").getLength() > 0;
	}

	static Document parse(String xml) {
		try {
			DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
			f.setNamespaceAware(true);
			f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			f.setExpandEntityReferences(false);
			DocumentBuilder b = f.newDocumentBuilder();
			b.setErrorHandler(null);
			return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalArgumentException("NETCONF reply is not well-formed XML: " + ex.getMessage(), ex);
		}
	}

	private static List<Element> children(Element parent, String... path) {
		List<Element> level = List.of(parent);
		for (String name : path) {
			List<Element> next = new ArrayList<>();
			for (Element p : level) {
				for (Node n = p.getFirstChild(); n != null; n = n.getNextSibling()) {
					if (n instanceof Element e && name.equals(e.getLocalName())) {
						next.add(e);
					}
				}
			}
			level = next;
		}
		return level;
	}

	private static String text(Element parent, String child) {
		List<Element> c = children(parent, child);
		return c.isEmpty() ? null : c.get(0).getTextContent().strip();
	}

	static String escape(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}

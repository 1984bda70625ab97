package io.syncookied.router.junos;

import java.io.ByteArrayInputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.JunosTarget;
import io.syncookied.router.api.MacAddress;
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

	/** {@code set interfaces <ifl> family inet address <subnet> arp <ip> mac <mac>}, as the issue fixes it. */
	public static String setArp(JunosTarget t, Inet4Address ip, MacAddress mac) {
		return "set interfaces " + t.interfaceName() + " family inet address " + t.subnet() + " arp "
				+ ip.getHostAddress() + " mac " + mac;
	}

	public static String deleteArp(JunosTarget t, Inet4Address ip) {
		return "delete interfaces " + t.interfaceName() + " family inet address " + t.subnet() + " arp "
				+ ip.getHostAddress();
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

	/** get-configuration of the committed database, filtered to the target's address. */
	public static String getAddressConfig(JunosTarget t) {
		String[] ifl = splitIfl(t.interfaceName());
		return "<get-configuration database=\"committed\"><configuration><interfaces><interface><name>" + ifl[0]
				+ "</name><unit><name>" + ifl[1] + "</name><family><inet><address><name>" + t.subnet()
				+ "</name></address></inet></family></unit></interface></interfaces></configuration></get-configuration>";
	}

	/** {@code irb.0} → {@code [irb, 0]}; {@code ge-0/0/1.100} → {@code [ge-0/0/1, 100]}. */
	static String[] splitIfl(String ifl) {
		int dot = ifl.lastIndexOf('.');
		return new String[] { ifl.substring(0, dot), ifl.substring(dot + 1) };
	}

	/** What a get-configuration reply says about the target's address. */
	public record AddressConfig(boolean addressPresent, List<ArpOverride> arp) {
	}

	public static AddressConfig parseAddressConfig(JunosTarget t, String replyXml) {
		Document doc = parse(replyXml);
		String[] ifl = splitIfl(t.interfaceName());
		for (Element itf : children(doc.getDocumentElement(), "configuration", "interfaces", "interface")) {
			if (!ifl[0].equals(text(itf, "name"))) {
				continue;
			}
			for (Element unit : children(itf, "unit")) {
				if (!ifl[1].equals(text(unit, "name"))) {
					continue;
				}
				for (Element addr : children(unit, "family", "inet", "address")) {
					if (!t.subnet().equals(text(addr, "name"))) {
						continue;
					}
					List<ArpOverride> list = new ArrayList<>();
					for (Element arp : children(addr, "arp")) {
						String ip = text(arp, "name");
						String mac = text(arp, "mac");
						if (ip == null || mac == null) {
							continue;
						}
						list.add(new ArpOverride(IpAddresses.parse("get-configuration arp name", ip),
								MacAddress.parse("get-configuration arp mac", mac), null));
					}
					list.sort(ArpOverride.BY_IP);
					return new AddressConfig(true, list);
				}
			}
		}
		return new AddressConfig(false, List.of());
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

package io.syncookied.router.junos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.IpPrefix;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A Junos-shaped NETCONF-over-SSH device for tests: an sshd-core server with a {@code netconf}
 * subsystem that keeps a candidate and a committed configuration for one interface address,
 * records every RPC body exactly as received, and answers with the recorded Junos replies in
 * {@code src/test/resources/junos/}. Failures are injected through the public fields.
 */
final class FakeJunos implements AutoCloseable {

	static final String IFL_NAME = "irb";

	static final String IFL_UNIT = "0";

	static final String ADDRESS = "10.0.2.1/24";

	/** As Junos prints it: RFC 5952, whatever form the set command used. */
	static final String ADDRESS6 = "2001:db8:2::1/64";

	private static final Pattern RPC = Pattern.compile("(?s)^\\s*<rpc\\s+message-id=\"(\\d+)\"[^>]*>(.*)</rpc>\\s*$");

	private static final Pattern SET = Pattern.compile(
			"set interfaces (\\S+) family (inet6?) address (\\S+) (arp|ndp) (\\S+) mac (\\S+)");

	private static final Pattern DELETE = Pattern.compile(
			"delete interfaces (\\S+) family (inet6?) address (\\S+) (arp|ndp) (\\S+)");

	private final SshServer server;

	final List<String> rpcs = Collections.synchronizedList(new ArrayList<>());

	/** Whether the interface's inet address exists at all. */
	volatile boolean addressConfigured = true;

	/** Whether the interface's inet6 address exists. */
	volatile boolean address6Configured = true;

	/** Committed entries: ARP by IPv4 text, NDP by {@code ndp <IPv6 in RFC 5952 form>}. */
	final Map<String, String> committed = Collections.synchronizedMap(new TreeMap<>());

	private final Map<String, String> candidate = Collections.synchronizedMap(new TreeMap<>());

	volatile boolean base11 = true;

	volatile boolean lockHeldByOther;

	volatile String commitError;

	volatile boolean rejectLoad;

	/** Commit "succeeds" but the committed configuration does not change (a broken device). */
	volatile boolean commitIsNoOp;

	/** Stop answering get-configuration (a hung device). */
	volatile boolean hang;

	volatile boolean confirmPending;

	volatile boolean lastSessionChunked;

	private volatile Thread lockOwner;

	private final AtomicInteger sessions = new AtomicInteger(4000);

	FakeJunos(PublicKey authorized) throws IOException {
		this.server = SshServer.setUpDefaultServer();
		this.server.setHost("127.0.0.1");
		this.server.setPort(0);
		this.server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
		this.server.setPublickeyAuthenticator((user, key, session) -> user.equals("syncookied")
				&& KeyUtils.compareKeys(key, authorized));
		this.server.setSubsystemFactories(List.of(new SubsystemFactory() {
			@Override
			public String getName() {
				return "netconf";
			}

			@Override
			public Command createSubsystem(ChannelSession channel) {
				return new Netconf();
			}
		}));
		this.server.start();
	}

	int port() {
		return this.server.getPort();
	}

	String hostKeySha256() throws Exception {
		KeyPair kp = this.server.getKeyPairProvider().loadKeys(null).iterator().next();
		return KeyUtils.getFingerPrint(BuiltinDigests.sha256, kp.getPublic());
	}

	/** The RPC element names in order, e.g. {@code [lock, load-configuration, ...]}. */
	List<String> rpcNames() {
		List<String> names = new ArrayList<>();
		synchronized (this.rpcs) {
			for (String r : this.rpcs) {
				Matcher m = Pattern.compile("^<([a-z-]+)").matcher(r);
				names.add(m.find() ? m.group(1) : r);
			}
		}
		return names;
	}

	static String reply(String name, Map<String, String> vars) {
		try (InputStream in = FakeJunos.class.getResourceAsStream("/junos/Junos_" + name + "_21.4.xml")) {
			String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			for (Map.Entry<String, String> e : vars.entrySet()) {
				s = s.replace("${" + e.getKey() + "}", e.getValue());
			}
			return s.strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String interfacesXml() {
		StringBuilder inet = new StringBuilder();
		StringBuilder inet6 = new StringBuilder();
		synchronized (this.committed) {
			this.committed.forEach((key, mac) -> {
				boolean ndp = key.startsWith("ndp ");
				(ndp ? inet6 : inet).append("                            <" + (ndp ? "ndp" : "arp") + ">\n"
						+ "                                <name>" + (ndp ? key.substring(4) : key) + "</name>\n"
						+ "                                <mac>" + mac + "</mac>\n"
						+ "                            </" + (ndp ? "ndp" : "arp") + ">\n");
			});
		}
		StringBuilder b = new StringBuilder("    <interfaces>\n        <interface>\n            <name>" + IFL_NAME
				+ "</name>\n            <unit>\n                <name>" + IFL_UNIT + "</name>\n                <family>\n");
		if (this.addressConfigured) {
			b.append("                    <inet>\n                        <address>\n                            <name>")
				.append(ADDRESS)
				.append("</name>\n")
				.append(inet)
				.append("                        </address>\n                    </inet>\n");
		}
		if (this.address6Configured) {
			b.append("                    <inet6>\n                        <address>\n                            <name>")
				.append(ADDRESS6)
				.append("</name>\n")
				.append(inet6)
				.append("                        </address>\n                    </inet6>\n");
		}
		b.append("                </family>\n            </unit>\n        </interface>\n    </interfaces>\n");
		return b.toString();
	}

	/** Junos canonicalises addresses in set commands; the fake compares them by value the same way. */
	private static boolean sameAddress(String family, String address) {
		String want = family.equals("inet6") ? ADDRESS6 : ADDRESS;
		return IpPrefix.parse("address", address).equals(IpPrefix.parse("address", want));
	}

	private static String entryKey(String family, String ip) {
		return family.equals("inet6") ? "ndp " + IpAddresses.text(IpAddresses.parse("ndp", ip)) : ip;
	}

	private final class Netconf implements Command, Runnable {

		private InputStream in;

		private OutputStream out;

		private ExitCallback exit;

		private boolean chunked;

		@Override
		public void setInputStream(InputStream in) {
			this.in = in;
		}

		@Override
		public void setOutputStream(OutputStream out) {
			this.out = out;
		}

		@Override
		public void setErrorStream(OutputStream err) {
		}

		@Override
		public void setExitCallback(ExitCallback callback) {
			this.exit = callback;
		}

		@Override
		public void start(ChannelSession channel, Environment env) {
			Thread t = new Thread(this, "fake-junos");
			t.setDaemon(true);
			t.start();
		}

		@Override
		public void destroy(ChannelSession channel) {
		}

		private void send(String xml) throws IOException {
			this.out.write(NetconfFraming.encode(xml, this.chunked));
			this.out.flush();
		}

		@Override
		public void run() {
			try {
				send(reply("hello_response", Map.of("session", Integer.toString(sessions.incrementAndGet()), "base11",
						base11 ? "<capability>urn:ietf:params:netconf:base:1.1</capability>\n    " : "")));
				String hello = NetconfFraming.read(this.in, false);
				this.chunked = base11 && hello.contains("urn:ietf:params:netconf:base:1.1");
				lastSessionChunked = this.chunked;
				while (true) {
					String msg = NetconfFraming.read(this.in, this.chunked);
					Matcher m = RPC.matcher(msg);
					if (!m.matches()) {
						throw new IOException("not an rpc: " + msg);
					}
					String id = m.group(1);
					String body = m.group(2);
					rpcs.add(body);
					if (body.startsWith("<close-session")) {
						send(reply("ok_response", Map.of("id", id)));
						break;
					}
					String r = handle(id, body);
					if (r == null) {
						Thread.sleep(60_000);
						break;
					}
					send(r);
				}
			}
			catch (IOException | InterruptedException ex) {
				// client went away
			}
			finally {
				if (lockOwner == Thread.currentThread()) {
					// Junos drops the lock and the uncommitted candidate when the session ends.
					candidate.clear();
					candidate.putAll(committed);
					lockOwner = null;
				}
				this.exit.onExit(0);
			}
		}

		private String handle(String id, String body) {
			Element rpc = JunosRpcs.parse(body).getDocumentElement();
			String name = rpc.getLocalName();
			switch (name) {
				case "lock":
					if (lockHeldByOther || (lockOwner != null && lockOwner != Thread.currentThread())) {
						return reply("lock_response_lock-denied", Map.of("id", id));
					}
					lockOwner = Thread.currentThread();
					synchronized (committed) {
						candidate.clear();
						candidate.putAll(committed);
					}
					return reply("ok_response", Map.of("id", id));
				case "unlock":
					lockOwner = null;
					return reply("ok_response", Map.of("id", id));
				case "discard-changes":
					synchronized (committed) {
						candidate.clear();
						candidate.putAll(committed);
					}
					return reply("ok_response", Map.of("id", id));
				case "load-configuration":
					String text = rpc.getTextContent().strip();
					if (rejectLoad) {
						return reply("load-configuration_response_error", Map.of("id", id, "bad", text.split(" ")[0]));
					}
					for (String line : text.split("\n")) {
						Matcher s = SET.matcher(line.strip());
						Matcher d = DELETE.matcher(line.strip());
						if (s.matches() && s.group(1).equals(IFL_NAME + "." + IFL_UNIT) && sameAddress(s.group(2), s.group(3))
								&& s.group(4).equals(s.group(2).equals("inet6") ? "ndp" : "arp")) {
							candidate.put(entryKey(s.group(2), s.group(5)), s.group(6));
						}
						else if (d.matches() && d.group(1).equals(IFL_NAME + "." + IFL_UNIT)
								&& sameAddress(d.group(2), d.group(3))
								&& d.group(4).equals(d.group(2).equals("inet6") ? "ndp" : "arp")) {
							candidate.remove(entryKey(d.group(2), d.group(5)));
						}
						else {
							return reply("load-configuration_response_error", Map.of("id", id, "bad", line));
						}
					}
					return reply("load-configuration_response_ok", Map.of("id", id));
				case "commit-configuration":
					if (commitError != null) {
						return reply("commit-configuration_response_error", Map.of("id", id, "message", commitError));
					}
					boolean confirmed = child(rpc, "confirmed") != null;
					if (!commitIsNoOp) {
						synchronized (committed) {
							committed.clear();
							committed.putAll(candidate);
						}
					}
					confirmPending = confirmed;
					return reply("commit-configuration_response_ok", Map.of("id", id));
				case "get-configuration":
					if (hang) {
						return null;
					}
					return reply("get-configuration_response", Map.of("id", id, "interfaces", interfacesXml()));
				default:
					return "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"" + id
							+ "\"><rpc-error><error-type>protocol</error-type><error-tag>operation-not-supported"
							+ "</error-tag><error-severity>error</error-severity><error-message>syntax error, expecting "
							+ "&lt;rpc&gt; element</error-message></rpc-error></rpc-reply>";
			}
		}

	}

	private static Element child(Element e, String name) {
		for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
			if (n instanceof Element c && name.equals(c.getLocalName())) {
				return c;
			}
		}
		return null;
	}

	@Override
	public void close() throws IOException {
		this.server.stop(true);
	}

}

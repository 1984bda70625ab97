package io.syncookied.controlplane.hosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.dataplane.DpHost;
import io.syncookied.dataplane.DpHostBuilder;
import io.syncookied.dataplane.HostKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hosts.yml with host groups, read by both programs: the control plane's parser and the standalone dataplane
 * ({@code syncookied-dp run --hosts}, asked over its control socket what each host resolved to) must give every
 * listed host the same dataplane options, and refuse the same bad groups at the same line for the same reason.
 */
class HostGroupsCrossCheckTest {

	static final Path BINARY = Path.of("../dataplane-native/target/native/syncookied-dp").toAbsolutePath().normalize();

	private static final HostsValidation TARGETS = Validations.targets("border1", "border2");

	/** Groups giving every dataplane key, nested three deep, IPv4 and IPv6, members before and after. */
	static final String FILE = """
			- ip: 10.1.2.3
			  mac: 02:00:00:00:00:01
			  ttl: 33
			  secrets_addr: 10.9.0.3:1488
			- cidr: 10.0.0.0/8
			  passthrough: true
			  no_secrets: pass
			  window: 29200
			  wscale: 6
			  sack: false
			  ecn: off
			  syn_refresh_ms: 55000
			  pickup_s: 600
			  mode: auto
			  detection:
			    start_syn_rate: 9000
			- cidr: 10.1.0.0/16
			  mss: 1400
			  ttl: 50
			  md5: pass
			  timestamps: no
			  filters:
			    udp and dst port 53: drop
			    default: drop
			- cidr: 10.1.2.0/24
			  mss: 1300
			  mac: 02:00:00:00:00:24
			  window_scaling: false
			  cookie: sha1
			  diversion:
			    target: border1
			- ip: 10.1.2.4
			- ip: 10.1.9.9
			  mac: 02:00:00:00:00:02
			  passthrough: false
			  filters:
			    tcp: drop
			- ip: 10.200.0.1
			  mac: 02:00:00:00:00:03
			- ip: 192.0.2.7
			  mac: 02:00:00:00:00:04
			- cidr: 2001:db8::/32
			  mac: 02:00:00:00:00:32
			  mss: 1220
			  ttl: 7
			- cidr: 2001:db8:1::/48
			  cookie: sha1
			- ip: 2001:db8:1::10
			- ip: 2001:db8:2::10
			  mac: 02:00:00:00:00:05
			- ip: fd00::1
			  mac: 02:00:00:00:00:06
			- cidr: 198.51.100.0/24
			  ttl: 9
			""";

	@TempDir
	Path dir;

	@BeforeEach
	void needsTheDataplane() {
		if (!Files.isExecutable(BINARY)) {
			String why = "SKIPPED HostGroupsCrossCheckTest: " + BINARY + " not built (build dataplane-native first: -am)";
			System.err.println("*** " + why);
			Assumptions.abort(why);
		}
	}

	@Test
	void bothProgramsGiveEveryHostTheSameDataplaneOptions() throws Exception {
		List<HostConfig> java = HostsFileParser.parse(Path.of("hosts.yml"), FILE, TARGETS);
		assertThat(java).hasSize(8);
		Path hosts = Files.writeString(this.dir.resolve("hosts.yml"), FILE);
		Path socket = this.dir.resolve("dp.sock");
		Files.createDirectories(this.dir.resolve("secrets"));
		Process dp = new ProcessBuilder(BINARY.toString(), "run", "--backend", "memory", "--iface", "mem0", "--hosts",
				hosts.toString(), "--secrets-dir", this.dir.resolve("secrets").toString(), "--control-socket",
				socket.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("dp.log").toFile())
			.start();
		try {
			try (Worker w = Worker.connect(socket, dp, this.dir.resolve("dp.log"))) {
				assertThat(w.request("HEALTH")).contains(" hosts=" + java.size() + " ");
				for (HostConfig h : java) {
					DpHost c = fromRecord(w.hostGet(IpText.of(h.ip())));
					assertThat(samePickupWindow(c, h.dataplane())).as(h.ipText()).isEqualTo(h.dataplane());
				}
			}
		}
		finally {
			dp.destroy();
			dp.waitFor(5, TimeUnit.SECONDS);
		}
		HostConfig inherited = java.get(1); // 10.1.2.4: everything from its three groups
		assertThat(inherited.ipText()).isEqualTo("10.1.2.4");
		assertThat(inherited.dataplane().synAck().mss()).isEqualTo(1300);
		assertThat(inherited.dataplane().pickupSeconds()).isEqualTo(600);
		assertThat(inherited.dataplane().filters()).hasSize(1);
	}

	@Test
	void bothProgramsRefuseTheSameBadGroupsAtTheSameLineForTheSameReason() throws Exception {
		List<String> differ = new ArrayList<>();
		for (String bad : List.of("- cidr: 10.0.0.1/24\n", "- cidr: \"2001:db8::1/64\"\n", "- cidr: 10.0.0.0/33\n",
				"- cidr: \"2001:db8::/129\"\n", "- cidr: 10.0.0.0\n", "- cidr: 10.0.0.0/\n", "- cidr: /8\n",
				"- cidr: 10.0.0.0/-8\n", "- cidr: 10.0.0.0/8/8\n", "- cidr: 10.0.0.0/0008\n", "- cidr: 010.0.0.0/8\n",
				"- cidr: 10.0.0/8\n", "- cidr: web/24\n", "- cidr: \"::ffff:10.0.0.0/120\"\n",
				"- cidr: \"::ffff:0:0/96\"\n", "- cidr: \"fe80::1%eth0/64\"\n", "- cidr: \"::1.2.3.0/100\"\n",
				"- cidr: \"1:2:3:4:5:6:7:8:9/64\"\n", "- ip: 10.0.0.1\n  cidr: 10.0.0.0/8\n",
				"- cidr: 10.0.0.0/8\n  ip: 10.0.0.1\n", "- cidr: 10.0.0.0/8\n  mss: 99\n",
				"- cidr: 10.0.0.0/8\n  mac: 01:00:5e:00:00:01\n", "- cidr: 10.0.0.0/8\n  ttl: 0\n",
				"- cidr: 10.0.0.0/8\n  md5: allow\n", "- cidr: 10.0.0.0/8\n  timestamps: maybe\n",
				"- cidr: 10.0.0.0/8\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- cidr: 10.0.0.0/8\n- cidr: 10.0.0.0/8\n",
				"- cidr: 10.0.0.0/8\n  ttl: 9\n- ip: 10.0.0.1\n",
				"- cidr: 10.0.0.0/8\n  mss: 1400\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  mss: 1\n",
				"- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- cidr: 10.0.0.0/8\n  ttl: 300\n",
				"- cidr: 0.0.0.0/0\n  cookie: md5\n- ip: 10.0.0.1\n")) {
			String java;
			try {
				HostsFileParser.parse(Path.of("hosts.yml"), bad, TARGETS);
				java = "accepted";
			}
			catch (HostsFileException ex) {
				java = ex.line() + ": " + ex.field().replaceFirst("^hosts\\[\\d+\\]\\.", "") + ": "
						+ ex.getMessage().substring(ex.getMessage().indexOf(ex.field()) + ex.field().length() + 2);
			}
			String c = standaloneVerdict(bad);
			if (!java.equals(c)) {
				differ.add(bad.replace("\n", "\\n") + "  java: " + java + "  dataplane: " + c);
			}
		}
		assertThat(differ).isEmpty();
	}

	/** What {@code syncookied-dp run --hosts} says of the file: "accepted", or "LINE: field: reason". */
	private String standaloneVerdict(String text) throws IOException, InterruptedException {
		Path hosts = Files.writeString(this.dir.resolve("bad.yml"), text);
		Files.createDirectories(this.dir.resolve("secrets"));
		Process dp = new ProcessBuilder(BINARY.toString(), "run", "--backend", "memory", "--iface", "mem0", "--hosts",
				hosts.toString(), "--secrets-dir", this.dir.resolve("secrets").toString())
			.redirectErrorStream(true)
			.start();
		if (!dp.waitFor(10, TimeUnit.SECONDS)) { // it started: the file was accepted
			dp.destroy();
			dp.waitFor(5, TimeUnit.SECONDS);
			return "accepted";
		}
		String out = new String(dp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String prefix = "hosts: " + hosts + ":";
		for (String line : out.lines().toList()) {
			if (line.startsWith(prefix)) {
				return line.substring(prefix.length()).replace(" (the previous configuration keeps running)", "");
			}
		}
		return "exit " + dp.exitValue() + ": " + out;
	}

	/** The host a worker record describes, read back through the same builder the hosts file goes through. */
	static DpHost fromRecord(String record) {
		DpHostBuilder b = new DpHostBuilder();
		for (String line : record.lines().toList()) {
			int eq = line.indexOf('=');
			String key = line.substring(0, eq);
			String value = line.substring(eq + 1);
			if (key.equals("filters")) {
				int sp = value.indexOf(' ');
				b.rule(value.substring(sp + 1), value.substring(0, sp));
			}
			else {
				b.set(HostKey.byKey(key).orElseThrow(), value);
			}
		}
		return b.build();
	}

	/** The worker reports what is left of a pickup window, rounded up: a second or two may have passed. */
	private static DpHost samePickupWindow(DpHost worker, DpHost file) {
		if (Math.abs(worker.pickupSeconds() - file.pickupSeconds()) > 2) {
			return worker;
		}
		return new DpHost(worker.ip(), worker.mac(), worker.passthrough(), worker.filters(), worker.defaultAction(),
				worker.noSecrets(), worker.synAck(), worker.md5(), worker.ttl(), worker.synRefreshMs(),
				file.pickupSeconds(), worker.cookie());
	}

	/** A control connection to the standalone dataplane. */
	private static final class Worker implements AutoCloseable {

		private final SocketChannel channel;

		private final BufferedReader in;

		/**
		 * The socket file appears at bind(), a moment before the worker listens (connect is refused until then), and a
		 * loaded machine may take seconds to get there: try until it answers, the worker exits or 30 s pass.
		 */
		static Worker connect(Path socket, Process dp, Path log) throws IOException, InterruptedException {
			long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
			while (true) {
				SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				try {
					channel.connect(UnixDomainSocketAddress.of(socket));
					return new Worker(channel);
				}
				catch (java.net.SocketException ex) { // refused, or no socket file yet
					channel.close();
					if (!dp.isAlive() || System.nanoTime() > deadline) {
						throw new AssertionError("the worker never answered on " + socket + ": " + ex + "\n"
								+ Files.readString(log), ex);
					}
					Thread.sleep(20);
				}
			}
		}

		private Worker(SocketChannel channel) throws IOException {
			this.channel = channel;
			this.in = new BufferedReader(
					new InputStreamReader(Channels.newInputStream(this.channel), StandardCharsets.UTF_8));
			assertThat(request("HELLO 2")).startsWith("OK proto=2");
		}

		String request(String line) throws IOException {
			this.channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			return this.in.readLine();
		}

		String hostGet(String ip) throws IOException {
			String head = request("HOST_GET ip=" + ip);
			assertThat(head).as(ip).startsWith("OK len=");
			char[] body = new char[Integer.parseInt(head.substring("OK len=".length()))];
			int n = 0;
			while (n < body.length) {
				n += this.in.read(body, n, body.length - n);
			}
			return new String(body);
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}

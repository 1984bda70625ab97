package io.syncookied.controlplane.dataplane;

import java.io.BufferedReader;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostsFileParser;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.support.Validations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane's dataplane port against a real {@code syncookied-dp} worker process (memory backend: no root,
 * no interface), built by the dataplane-native module earlier in the reactor.
 */
class WorkerDataplaneTest {

	static final Path BINARY = Path.of("../dataplane-native/target/native/syncookied-dp").toAbsolutePath().normalize();

	@TempDir
	Path dir;

	WorkerDataplane dataplane;

	@BeforeEach
	void start() {
		if (!Files.isExecutable(BINARY)) {
			String why = "SKIPPED WorkerDataplaneTest: " + BINARY + " not built (build dataplane-native first: -am)";
			System.err.println("*** " + why);
			Assumptions.abort(why);
		}
		DataplaneProperties properties = new DataplaneProperties(true, true, BINARY, this.dir.resolve("w.sock"),
				"memory", "mem0", null, null, "02:00:00:00:00:fe", Duration.ofMillis(200), Duration.ofSeconds(3),
				Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMillis(200), null,
				io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0, null);
		this.dataplane = new WorkerDataplane(properties, Clock.systemUTC());
		this.dataplane.start();
	}

	@AfterEach
	void stop() {
		if (this.dataplane != null) {
			this.dataplane.stop();
		}
	}

	@Test
	void pushesHostsWithSecretsRemovesThemAndReportsHealthAndCounters() throws Exception {
		HostConfig host = HostsFileParser.parse(Path.of("hosts.yml"), """
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				  filters:
				    udp and dst port 53: drop
				    default: pass
				  mss: 1460
				""", Validations.targets()).get(0);
		DataplaneStatus before = this.dataplane.status().block();
		assertThat(before.available()).isTrue();
		assertThat(before.alive()).as(before.toString()).isTrue();
		assertThat(before.hosts()).isZero();

		this.dataplane.setHost(host, Secrets.SAMPLE).block();
		DataplaneStatus after = this.dataplane.status().block();
		assertThat(after.hosts()).isEqualTo(1);
		assertThat(after.counters()).containsKeys("rx_syn", "rx_forwarded", "rx_drop_bad_cookie", "flows_created");
		assertThat(after.hostCounters()).containsOnlyKeys(host.ip());
		assertThat(after.host(host.ip()).counters()).containsKeys("rx_pps", "rx_syn", "rx_forwarded", "rx_drop");

		this.dataplane.setSecrets(host.ip(), Secrets.SAMPLE).block();
		this.dataplane.removeHost(host.ip()).block();
		this.dataplane.removeHost(host.ip()).block(); // idempotent: ENOENT is success
		assertThat(this.dataplane.status().block().hosts()).isZero();

		this.dataplane.resync(List.of(host), Map.of(host.ip(), Secrets.SAMPLE)).block();
		assertThat(this.dataplane.status().block().hosts()).isEqualTo(1);
		this.dataplane.resync(List.of(), Map.of()).block();
		assertThat(this.dataplane.status().block().hosts()).isZero();
	}

	@Test
	void aHostPushedWithAPickupWindowIsAcceptedByTheWorker() throws Exception {
		HostConfig host = HostsFileParser.parse(Path.of("hosts.yml"), """
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				""", Validations.targets()).get(0);
		this.dataplane.setHost(host, Secrets.SAMPLE, Duration.ofSeconds(30)).block(); // HOST_SET ... pickup_s: 30
		DataplaneStatus s = this.dataplane.status().block();
		assertThat(s.hosts()).isEqualTo(1);
		assertThat(s.counters()).containsKey("flows_picked_up");
		this.dataplane.setHost(host, Secrets.SAMPLE, Duration.ofHours(2)).block(); // capped at the worker's maximum
		assertThat(this.dataplane.status().block().hosts()).isEqualTo(1);
		// a re-sync of the (new, not adopted) worker carries the window too
		this.dataplane.resync(List.of(host), Map.of(host.ip(), Secrets.SAMPLE), Duration.ofSeconds(30)).block();
		assertThat(this.dataplane.status().block().hosts()).isEqualTo(1);
	}

	@Test
	void pickupWindowsGoToTheWorkerInWholeSecondsRoundedUpAndCapped() {
		assertThat(WorkerDataplane.pickupSeconds(Duration.ZERO)).isZero();
		assertThat(WorkerDataplane.pickupSeconds(Duration.ofSeconds(-5))).isZero();
		assertThat(WorkerDataplane.pickupSeconds(Duration.ofSeconds(30))).isEqualTo(30);
		assertThat(WorkerDataplane.pickupSeconds(Duration.ofMillis(1500))).isEqualTo(2);
		assertThat(WorkerDataplane.pickupSeconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(WorkerDataplane.pickupSeconds(Duration.ofDays(1))).isEqualTo(3600);
	}

	@Test
	void aDeadWorkerIsReportedUnavailableWithTheCause() throws Exception {
		this.dataplane.stop();
		DataplaneStatus status = this.dataplane.status().block();
		assertThat(status.available()).isFalse();
		assertThat(status.cause()).contains("not running");
		assertThat(this.dataplane.isAlive()).isFalse();
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.dataplane.setSecrets(ip, Secrets.SAMPLE).block())
			.hasMessageContaining("not running");
		this.dataplane.start(); // restart, as the supervisor does
		assertThat(this.dataplane.status().block().alive()).isTrue();
	}

	/** Every dataplane key of a hosts file arrives in the worker as written (its HOST_GET gives the host back). */
	@Test
	void everyPerHostOptionOfTheHostsFileReachesTheWorker() throws Exception {
		HostConfig host = HostsFileParser.parse(Path.of("hosts.yml"), """
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				  agent_key_id: web1
				  mode: auto
				  filters:
				    udp and dst port 53: drop
				    default: drop
				  no_secrets: pass
				  mss: 1400
				  window: 29200
				  wscale: 6
				  timestamps: false
				  sack: false
				  window_scaling: false
				  ecn: false
				  md5: pass
				  ttl: 61
				  syn_refresh_ms: 55000
				  cookie: sha1
				""", Validations.targets()).get(0);
		this.dataplane.setHost(host, Secrets.SAMPLE).block();
		assertThat(hostGet("10.0.2.10")).isEqualTo("""
				ip=10.0.2.10
				mac=02:00:00:00:02:0a
				filters=drop udp and dst port 53
				filters=drop default
				no_secrets=pass
				mss=1400
				window=29200
				wscale=6
				timestamps=false
				sack=false
				window_scaling=false
				ecn=false
				md5=pass
				ttl=61
				syn_refresh_ms=55000
				cookie=sha1
				""");
	}

	/** The worker's own view of a host, over a second control connection (as an operator would ask it). */
	private String hostGet(String ip) throws Exception {
		try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			ch.connect(UnixDomainSocketAddress.of(this.dir.resolve("w.sock")));
			ch.write(ByteBuffer.wrap(("HELLO 2\nHOST_GET ip=" + ip + "\n").getBytes(StandardCharsets.US_ASCII)));
			BufferedReader in = new BufferedReader(
					new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.US_ASCII));
			assertThat(in.readLine()).startsWith("OK proto=2");
			String head = in.readLine();
			assertThat(head).startsWith("OK len=");
			char[] body = new char[Integer.parseInt(head.substring("OK len=".length()))];
			int n = 0;
			while (n < body.length) {
				n += in.read(body, n, body.length - n);
			}
			return new String(body);
		}
	}

}

package io.syncookied.dataplane;

import io.syncookied.common.IpText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a real {@code syncookied-dp} worker process (memory backend: no root or interface needed) through the Java
 * binding: configuration, errors naming the bad field, death detection, and adoption after a control-plane restart.
 */
class DataplaneWorkerTest {

	static final Path BINARY = Path.of("target/native/syncookied-dp").toAbsolutePath();

	static final String SECRETS = """
			4300000000 286666 250
			0123456789abcdef.fedcba9876543210.
			0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.
			format 2
			tcp_clock_ms 17200000000
			tcp_syncookies 2
			tcp_timestamps 2
			""";

	@TempDir
	Path dir;

	DataplaneWorker worker;

	final CompletableFuture<WorkerDeath> died = new CompletableFuture<>();

	@BeforeEach
	void binaryIsBuilt() {
		assertTrue(Files.isExecutable(BINARY), "the native build must have produced " + BINARY);
	}

	@AfterEach
	void stopWorker() {
		if (this.worker != null && this.worker.isAlive()) {
			this.worker.stop(Duration.ofSeconds(2));
		}
	}

	WorkerConfig config() {
		return WorkerConfig.of(this.dir.resolve("w.sock"), "memory", "mem0", this.dir.resolve("worker.log"))
			.withBinary(BINARY);
	}

	DataplaneWorker start() {
		return DataplaneWorker.start(config(), this.died::complete);
	}

	@Test
	void configuresHostsAndSecretsAndReportsHealthAndStats() throws Exception {
		this.worker = start();
		Dataplane dp = this.worker.dataplane();
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		dp.setHost(new DpHost(ip, "02:00:00:00:00:0A", false,
				List.of(DpFilter.drop("udp and dst port 53"), DpFilter.pass("tcp and dst port \"22\"".replace("\"", ""))),
				DpFilter.Action.PASS, 1460));
		dp.setHost(DpHost.of(InetAddress.getByName("fd00:2::10"), "02:00:00:00:00:0b"));
		dp.setSecrets(ip, DpSecrets.parse(SECRETS));
		DpHealth h = dp.health();
		assertEquals("running", h.state());
		assertTrue(h.healthy(), h.toString());
		assertEquals(2, h.hosts());
		assertEquals(1, h.hostsWithSecrets());
		assertEquals(this.worker.pid(), h.pid());
		DpStats s = dp.stats();
		assertTrue(s.counters().containsKey("rx_pps"), s.toString());
		assertTrue(s.counters().containsKey("rx_drop_bad_cookie"), s.toString());
		assertTrue(s.counters().containsKey("tx_failed"), s.toString());
		assertEquals(new DpStats.DpHostCounters(0, 0, 0, 0), s.host(ip), "per-IP counters start at zero");
		assertTrue(s.counters().containsKey("rx_pps@10.0.2.10"), s.toString());
		assertTrue(s.counters().containsKey("rx_pps@fd00:2::10"), s.toString());
		assertEquals(new DpStats.DpHostCounters(0, 0, 0, 0), s.host(InetAddress.getByName("fd00:2:0:0:0:0:0:10")));
		assertEquals("fd00:2::10", IpText.of(InetAddress.getByName("fd00:2:0:0:0:0:0:10")));
		assertEquals("::1", IpText.of(InetAddress.getByName("::1")));
		assertEquals("2001:db8::1:0:0:1", IpText.of(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
		assertEquals("2001:db8:0:1:1:1:1:1", IpText.of(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
		assertEquals("::", IpText.of(InetAddress.getByName("::")));
		dp.removeHost(InetAddress.getByName("fd00:2::10"));
		assertEquals(1, dp.health().hosts());
	}

	@Test
	void theControlSocketCarryingSecretsIsOwnerOnly() throws Exception {
		this.worker = start();
		assertEquals(PosixFilePermissions.fromString("rw-------"),
				Files.getPosixFilePermissions(this.dir.resolve("w.sock")));
	}

	@Test
	void badInputIsRejectedNamingTheFieldAndChangesNothing() throws Exception {
		this.worker = start();
		Dataplane dp = this.worker.dataplane();
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		dp.setHost(DpHost.of(ip, "02:00:00:00:00:0a"));
		long generation = dp.health().generation();

		DataplaneException badFilter = assertThrows(DataplaneException.class,
				() -> dp.setHost(new DpHost(ip, "02:00:00:00:00:0a", false, List.of(DpFilter.drop("tcp and port 99999")),
						DpFilter.Action.PASS, 0)));
		assertEquals("EINVAL", badFilter.errno());
		assertTrue(badFilter.getMessage().contains("filters"), badFilter.getMessage());

		DataplaneException badSecrets = assertThrows(DataplaneException.class, () -> dp.setSecrets(ip,
				new DpSecrets(SECRETS.replace("tcp_clock_ms 17200000000", "tcp_clock_ms soon"), 0)));
		assertEquals("EINVAL", badSecrets.errno());
		assertTrue(badSecrets.getMessage().contains("line 5: tcp_clock_ms"), badSecrets.getMessage());

		DataplaneException unknown = assertThrows(DataplaneException.class,
				() -> dp.removeHost(InetAddress.getByName("192.0.2.1")));
		assertEquals("ENOENT", unknown.errno());

		assertThrows(DataplaneException.class, () -> DpSecrets.parse("garbage\n"));
		assertEquals(generation, dp.health().generation(), "rejected requests must not publish a config");
		assertEquals(1, dp.health().hosts());
	}

	@Test
	void killingTheWorkerIsDetectedAndReported() throws Exception {
		this.worker = start();
		long pid = this.worker.pid();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
		WorkerDeath d = this.died.get(10, TimeUnit.SECONDS);
		assertEquals(pid, d.pid());
		assertTrue(d.description().contains("killed by signal 9 (SIGKILL)"), d.description());
		assertFalse(d.clean());
		assertFalse(this.worker.isAlive());
		DataplaneException e = assertThrows(DataplaneException.class, () -> this.worker.dataplane());
		assertTrue(e.getMessage().contains("SIGKILL"), e.getMessage());
	}

	@Test
	void controlPlaneRestartKeepsTheWorkerAndItsConfigThenResyncs() throws Exception {
		this.worker = start();
		long pid = this.worker.pid();
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		this.worker.dataplane().setHost(DpHost.of(ip, "02:00:00:00:00:0a"));
		this.worker.close(); // the control plane goes away

		assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker must keep running");
		this.worker = start(); // a new control plane
		assertTrue(this.worker.adopted());
		assertEquals(pid, this.worker.pid());
		assertEquals(1, this.worker.dataplane().health().hosts(), "the worker kept its last config");

		InetAddress other = InetAddress.getByName("10.0.2.11");
		this.worker.dataplane().resync(List.of(DpHost.of(other, "02:00:00:00:00:0b")),
				Map.of(other, DpSecrets.parse(SECRETS)));
		DpHealth h = this.worker.dataplane().health();
		assertEquals(1, h.hosts());
		assertEquals(1, h.hostsWithSecrets());

		this.worker.stop(Duration.ofSeconds(2));
		assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		assertFalse(this.died.isDone(), "a requested stop is not reported as a death");
	}

	@Test
	void aWorkerThatCannotStartSaysWhy() {
		WorkerConfig bad = WorkerConfig.of(this.dir.resolve("b.sock"), "afpacket", "nonexistent0",
				this.dir.resolve("bad.log")).withBinary(BINARY);
		DataplaneException e = assertThrows(DataplaneException.class, () -> DataplaneWorker.start(bad, d -> {
		}));
		assertTrue(e.getMessage().contains("nonexistent0"), e.getMessage());
		assertTrue(e.getMessage().contains("exited with status"), e.getMessage());

		DataplaneException noBackend = assertThrows(DataplaneException.class, () -> DataplaneWorker
			.start(WorkerConfig.of(this.dir.resolve("c.sock"), "dpdk", "lo", this.dir.resolve("c.log"))
				.withBinary(BINARY), d -> {
				}));
		assertTrue(noBackend.getMessage().contains("dpdk"), noBackend.getMessage());
	}

	@Test
	void pickupWindowIsSentAsPickupSAndTheWorkerAcceptsIt() throws Exception {
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		DpHost plain = DpHost.of(ip, "02:00:00:00:00:0a");
		assertFalse(plain.toYaml().contains("pickup_s"), "no window by default: " + plain.toYaml());
		DpHost h = plain.withPickupSeconds(30);
		assertEquals(30, h.pickupSeconds());
		assertTrue(h.toYaml().contains("\n  pickup_s: 30\n"), h.toYaml());
		IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> plain.withPickupSeconds(3601));
		assertTrue(bad.getMessage().startsWith("pickupSeconds: 3601"), bad.getMessage());
		assertThrows(IllegalArgumentException.class, () -> plain.withPickupSeconds(-1));

		this.worker = start();
		Dataplane dp = this.worker.dataplane();
		dp.setHost(h); // the real worker parses pickup_s (it rejects unknown keys)
		dp.setHost(h); // a re-set restarts the window
		assertEquals(1, dp.health().hosts());
		assertTrue(dp.stats().counters().containsKey("flows_picked_up"), dp.stats().toString());
		dp.resync(List.of(h), Map.of());
		assertEquals(1, dp.health().hosts());
	}

	@Test
	void hostYamlQuotesFilterExpressions() throws Exception {
		DpHost h = new DpHost(InetAddress.getByName("10.0.0.1"), "02:00:00:00:00:01", true,
				List.of(DpFilter.drop("tcp and dst port 53 and ip[8] = 64 # \"x\"")), DpFilter.Action.DROP, 0);
		String y = h.toYaml();
		assertTrue(y.contains("\"tcp and dst port 53 and ip[8] = 64 # \\\"x\\\"\": drop"), y);
		assertTrue(y.contains("default: drop"), y);
		assertNotNull(SocketDataplane.fields("state=running error=2 of 3 workers stalled").get("error"));
		assertEquals("2 of 3 workers stalled",
				SocketDataplane.fields("state=running error=2 of 3 workers stalled").get("error"));
	}
}

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
		return DataplaneWorker.start(config(), Clock.systemUTC(), this.died::complete);
	}

	@Test
	void configuresHostsAndSecretsAndReportsHealthAndStats() throws Exception {
		this.worker = start();
		Dataplane dp = this.worker.dataplane();
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		dp.setHost(new DpHostBuilder().set(HostKey.IP, "10.0.2.10")
			.set(HostKey.MAC, "02:00:00:00:00:0A")
			.rule("udp and dst port 53", "drop")
			.rule("tcp and dst port 22", "pass")
			.set(HostKey.MSS, "1460")
			.build());
		dp.setHost(DpHost.of(InetAddress.getByName("fd00:2::10"), "02:00:00:00:00:0b"));
		dp.setSecrets(ip, ProcSecrets.sample());
		DpHealth h = dp.health();
		assertEquals("running", h.state());
		assertTrue(h.healthy(), h.toString());
		assertEquals(2, h.hosts());
		assertEquals(1, h.hostsWithSecrets());
		assertEquals(this.worker.pid(), h.pid());
		DpStats s = dp.stats();
		assertTrue(s.totals().containsKey("rx_pps"), s.toString());
		assertTrue(s.totals().containsKey("rx_drop_bad_cookie"), s.toString());
		assertTrue(s.totals().containsKey("tx_failed"), s.toString());
		assertEquals(Set.of(ip, InetAddress.getByName("fd00:2::10")), s.hosts().keySet(), "typed per-IP counters");
		assertEquals(0, s.host(ip).get("rx_pps"), "per-IP counters start at zero");
		assertEquals(0, s.host(InetAddress.getByName("fd00:2:0:0:0:0:0:10")).get("rx_syn"));
		assertTrue(s.host(ip).counters().containsKey("rx_forwarded"), s.toString());
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

		DataplaneException badFilter = assertThrows(DataplaneException.class, () -> dp.setHost(
				new DpHostBuilder().set(HostKey.IP, "10.0.2.10").set(HostKey.MAC, "02:00:00:00:00:0a")
					.rule("tcp and port 99999", "drop").build()));
		assertEquals("EINVAL", badFilter.errno());
		assertTrue(badFilter.getMessage().startsWith("request:3: filters: "), badFilter.getMessage());

		DataplaneException badSecrets = assertThrows(DataplaneException.class,
				() -> ((SocketDataplane) dp).request("SECRETS", "ip=10.0.2.10\nage_ms=0\njiffies=1\nhz=250\n"));
		assertEquals("EINVAL", badSecrets.errno());
		assertTrue(badSecrets.getMessage().contains("cookie_count: missing"), badSecrets.getMessage());

		DataplaneException unknown = assertThrows(DataplaneException.class,
				() -> dp.removeHost(InetAddress.getByName("192.0.2.1")));
		assertEquals("ENOENT", unknown.errno());

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
	void aDeathReportsTheLastLinesOfALongLogWithoutReadingItAll() throws Exception {
		Path log = this.dir.resolve("long.log");
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < 200_000; i++) {
			b.append("stats: line ").append(i).append('\n');
		}
		b.append("a\nb\nc\nd\nsyncookied-dp run: af_packet bind fw0: No such device\n");
		Files.writeString(log, b);
		assertEquals("a | b | c | d | syncookied-dp run: af_packet bind fw0: No such device", DataplaneWorker.tail(log));
		Files.writeString(log, "only line\n");
		assertEquals("only line", DataplaneWorker.tail(log));
		assertEquals("", DataplaneWorker.tail(this.dir.resolve("absent.log")));
	}

	@Test
	void aWorkerWhoseControlSlotsAreAllHeldIsNotReplacedByASecondOne() throws Exception {
		this.worker = start();
		long pid = this.worker.pid();
		this.worker.close(); // the control plane goes away; the worker keeps forwarding
		List<java.nio.channels.SocketChannel> hogs = new java.util.ArrayList<>();
		try {
			for (int i = 0; i < 8; i++) { // every control slot of the worker held by clients that send nothing
				hogs.add(java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(config().socket())));
			}
			Thread.sleep(200); // the worker accepts them
			DataplaneException e = assertThrows(DataplaneException.class, this::start);
			assertTrue(e.getMessage().contains("cannot be adopted now"), e.getMessage());
			assertEquals(1, ProcessHandle.allProcesses()
				.filter(p -> p.info().commandLine().orElse("").contains(config().socket().toString()))
				.count(), "no second worker on the same socket");
		}
		finally {
			for (java.nio.channels.SocketChannel hog : hogs) {
				hog.close();
			}
		}
		this.worker = start(); // slots free again: adopted
		assertTrue(this.worker.adopted());
		assertEquals(pid, this.worker.pid());
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
				Map.of(other, ProcSecrets.sample()));
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
		DataplaneException e = assertThrows(DataplaneException.class,
				() -> DataplaneWorker.start(bad, Clock.systemUTC(), d -> {
				}));
		assertTrue(e.getMessage().contains("nonexistent0"), e.getMessage());
		assertTrue(e.getMessage().contains("exited with status"), e.getMessage());

		DataplaneException noBackend = assertThrows(DataplaneException.class, () -> DataplaneWorker
			.start(WorkerConfig.of(this.dir.resolve("c.sock"), "dpdk", "lo", this.dir.resolve("c.log"))
				.withBinary(BINARY), Clock.systemUTC(), d -> {
				}));
		assertTrue(noBackend.getMessage().contains("dpdk"), noBackend.getMessage());
	}

	@Test
	void pickupWindowIsSentAsPickupSAndTheWorkerAcceptsIt() throws Exception {
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		DpHost plain = DpHost.of(ip, "02:00:00:00:00:0a");
		DpHost h = plain.withPickupSeconds(30);
		assertEquals(30, h.pickupSeconds());
		IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> plain.withPickupSeconds(3601));
		assertTrue(bad.getMessage().startsWith("pickup_s: 3601"), bad.getMessage());
		assertThrows(IllegalArgumentException.class, () -> plain.withPickupSeconds(-1));

		this.worker = start();
		SocketDataplane dp = (SocketDataplane) this.worker.dataplane();
		dp.setHost(plain);
		assertFalse(hostGet(dp, ip).contains("pickup_s"), "no window by default");
		dp.setHost(h);
		assertTrue(hostGet(dp, ip).matches("(?s).*\npickup_s=(29|30)\n.*"), hostGet(dp, ip));
		assertEquals(1, dp.health().hosts());
		assertTrue(dp.stats().totals().containsKey("flows_picked_up"), dp.stats().toString());
		dp.resync(List.of(h), Map.of());
		assertEquals(1, dp.health().hosts());
	}

	@Test
	void workerOptionsBecomeItsCommandLine() {
		WorkerConfig c = config().withOptions(new WorkerOptions(1 << 16, WorkerOptions.XdpMode.SKB, 10, 16384));
		assertTrue(String.join(" ", c.arguments())
			.endsWith("--flow-slots 65536 --xdp-mode skb --rt-priority 10 --xsk-ring 16384"), c.arguments().toString());
		assertEquals(-1, String.join(" ", config().arguments()).indexOf("--flow-slots"), "defaults add nothing");
		assertEquals(-1, String.join(" ", config().arguments()).indexOf("--xsk-ring"), "defaults add nothing");
		assertThrows(IllegalArgumentException.class, () -> new WorkerOptions(100, WorkerOptions.XdpMode.AUTO, 0, null));
		assertThrows(IllegalArgumentException.class,
				() -> new WorkerOptions(null, WorkerOptions.XdpMode.AUTO, 100, null));
		IllegalArgumentException ring = assertThrows(IllegalArgumentException.class,
				() -> new WorkerOptions(null, WorkerOptions.XdpMode.AUTO, 0, 3000));
		assertEquals("xskRing: 3000 is not a power of two from 64 to 32768", ring.getMessage());
	}

	@Test
	void theXskRingLimitsAreTheWorkersOwn() throws Exception {
		String header = Files.readString(Path.of("include/syncookied/dataplane.h"));
		assertTrue(header.contains("#define DP_XSK_RING_MIN " + WorkerOptions.XSK_RING_MIN + "u\n"), "DP_XSK_RING_MIN");
		assertTrue(header.contains("#define DP_XSK_RING_MAX " + WorkerOptions.XSK_RING_MAX + "u\n"), "DP_XSK_RING_MAX");
		// the worker's option parser, on each side of every limit: what Java takes it takes, and the rest it refuses
		for (int n : new int[] { Integer.MIN_VALUE, -64, 0, 1, 32, 63, 64, 65, 96, 128, 3000, 8192, 32767, 32768, 32769,
				65536, Integer.MAX_VALUE }) {
			Process p = new ProcessBuilder(BINARY.toString(), "run", "--xsk-ring", Integer.toString(n))
				.redirectErrorStream(true)
				.start();
			assertTrue(p.waitFor(10, TimeUnit.SECONDS), "syncookied-dp run --xsk-ring " + n + " ends");
			String out = new String(p.getInputStream().readAllBytes());
			// past a good --xsk-ring, the parser stops at the missing --iface
			assertEquals(WorkerOptions.isXskRing(n), out.contains("--iface") && !out.contains("--xsk-ring"),
					n + ": " + out);
		}
	}

	@Test
	void aWorkerStartsWithItsOptions() throws Exception {
		WorkerOptions options = new WorkerOptions(1024, WorkerOptions.XdpMode.AUTO, 0, WorkerOptions.XSK_RING_MAX);
		this.worker = DataplaneWorker.start(config().withOptions(options), Clock.systemUTC(), this.died::complete);
		assertEquals("running", this.worker.dataplane().health().state());
		String commandLine = ProcessHandle.of(this.worker.pid()).orElseThrow().info().commandLine().orElse("");
		assertTrue(commandLine.endsWith("--flow-slots 1024 --xsk-ring 32768"), commandLine);
	}

	@Test
	void helloNamesTheBackendsAsOneValue() {
		this.worker = start();
		List<String> b = ((SocketDataplane) this.worker.dataplane()).backends();
		assertTrue(b.containsAll(List.of("memory", "afpacket", "netmap")), b.toString());
		assertNotNull(SocketDataplane.fields("state=running error=2 of 3 workers stalled").get("error"));
		assertEquals("2 of 3 workers stalled",
				SocketDataplane.fields("state=running error=2 of 3 workers stalled").get("error"));
	}

	/** The worker's HOST_GET: the host record as it holds it. */
	static String hostGet(SocketDataplane dp, InetAddress ip) {
		return dp.requestWithPayload("HOST_GET ip=" + IpText.of(ip));
	}

}

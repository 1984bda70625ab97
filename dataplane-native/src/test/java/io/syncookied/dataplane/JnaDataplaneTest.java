package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process JNA binding of dataplane.h, on the memory backend (no root, no interface). */
class JnaDataplaneTest {

	@Test
	void drivesTheEngineInProcess() throws Exception {
		assertTrue(JnaDataplane.isAvailable(), () -> "native library: " + JnaDataplane.unavailabilityCause());
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		try (JnaDataplane dp = JnaDataplane.create("memory", "mem0", null, null)) {
			assertTrue(dp.backends().contains("afpacket=yes"), dp.backends());
			dp.setHost(new DpHost(ip, "02:00:00:00:00:0a", false, List.of(DpFilter.drop("udp and dst port 53")),
					DpFilter.Action.PASS, 0));
			dp.setSecrets(ip, DpSecrets.parse(DataplaneWorkerTest.SECRETS));
			dp.start();
			DpHealth h = dp.health();
			assertEquals("running", h.state());
			assertEquals(1, h.hosts());
			assertEquals(1, h.hostsWithSecrets());
			assertTrue(h.healthy(), h.toString());
			DpStats s = dp.stats();
			assertEquals(0, s.rxPackets());
			assertEquals(new DpStats.DpHostCounters(0, 0, 0, 0), s.host(ip));

			DataplaneException bad = assertThrows(DataplaneException.class,
					() -> dp.setHost(new DpHost(ip, "02:00:00:00:00:0a", false,
							List.of(DpFilter.drop("udp and dst port 99999")), DpFilter.Action.PASS, 0)));
			assertEquals("EINVAL", bad.errno());
			assertTrue(bad.getMessage().contains("filters"), bad.getMessage());
			DataplaneException gone = assertThrows(DataplaneException.class,
					() -> dp.removeHost(InetAddress.getByName("192.0.2.1")));
			assertEquals("ENOENT", gone.errno());

			dp.resync(List.of(), Map.of());
			assertEquals(0, dp.health().hosts());
			dp.stop();
			assertEquals("stopped", dp.health().state());
		}
	}

	@Test
	void netmapIsCompiledAndSaysWhyItCannotStartWithoutItsModule() {
		try (JnaDataplane dp = JnaDataplane.create("netmap", "lo", null, null)) {
			assertTrue(dp.backends().contains("netmap=yes"), dp.backends());
			if (Files.exists(Path.of("/dev/netmap"))) {
				System.err.println("SKIP netmap start failure check: /dev/netmap exists (the netmap module is loaded)");
				return;
			}
			DataplaneException e = assertThrows(DataplaneException.class, dp::start);
			assertTrue(e.getMessage().contains("netmap: /dev/netmap: ")
					&& e.getMessage().contains("load the netmap kernel module"), e.getMessage());
		}
	}

	@Test
	void badOptionsAreNamed() {
		DataplaneException noBackend = assertThrows(DataplaneException.class,
				() -> JnaDataplane.create("dpdk", "lo", null, null));
		assertEquals("EPROTONOSUPPORT", noBackend.errno());
		assertTrue(noBackend.getMessage().contains("dpdk"), noBackend.getMessage());
		DataplaneException noIface = assertThrows(DataplaneException.class,
				() -> JnaDataplane.create("afpacket", "nonexistent0", null, null));
		assertTrue(noIface.getMessage().contains("nonexistent0"), noIface.getMessage());
		DataplaneException badCpus = assertThrows(DataplaneException.class,
				() -> JnaDataplane.create("memory", "mem0", null, "3-1"));
		assertTrue(badCpus.getMessage().startsWith("cpus:"), badCpus.getMessage());
	}
}

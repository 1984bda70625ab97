package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The in-process JNA binding of dataplane.h, on the memory backend (no root, no interface). */
class JnaDataplaneTest {

	/** A /proc/tcp_secrets text as the kernel module prints it (docs/tcp_secrets-format.md). */
	static final String PROC_SECRETS = "4300000000 286666 250\n0123456789abcdef.fedcba9876543210.\n"
			+ "0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\nformat 2\ntcp_clock_ms 17200000123\ntcp_timestamps 2\n";

	@Test
	void drivesTheEngineInProcess() throws Exception {
		assertTrue(JnaDataplane.isAvailable(), () -> "native library: " + JnaDataplane.unavailabilityCause());
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		try (JnaDataplane dp = JnaDataplane.create("memory", "mem0", null, null)) {
			assertTrue(dp.backends().contains("afpacket=yes"), dp.backends());
			dp.setHostsYaml("- ip: 10.0.2.10\n  mac: 02:00:00:00:00:0a\n  filters:\n    udp and dst port 53: drop\n", false);
			dp.setSecretsText(ip, PROC_SECRETS, 0);
			dp.start();
			DpHealth h = dp.health();
			assertEquals("running", h.state());
			assertEquals(1, h.hosts());
			assertEquals(1, h.hostsWithSecrets());
			assertTrue(h.healthy(), h.toString());
			DpStats s = dp.stats();
			assertEquals(0, s.get("rx_pps"));
			assertEquals(0, s.host(ip).get("rx_pps"));
			assertEquals(0, s.host(ip).get("rx_syn"));

			DataplaneException bad = assertThrows(DataplaneException.class, () -> dp.setHostsYaml(
					"- ip: 10.0.2.10\n  mac: 02:00:00:00:00:0a\n  filters:\n    udp and dst port 99999: drop\n", false));
			assertEquals("EINVAL", bad.errno());
			assertTrue(bad.getMessage().contains("filters"), bad.getMessage());
			DataplaneException gone = assertThrows(DataplaneException.class,
					() -> dp.removeHost(InetAddress.getByName("192.0.2.1")));
			assertEquals("ENOENT", gone.errno());

			dp.setHostsYaml("[]\n", true);
			assertEquals(0, dp.health().hosts());
			dp.stop();
			assertEquals("stopped", dp.health().state());
		}
	}

	@Test
	void netmapIsCompiledAndSaysWhyItCannotStartWithoutItsModule() {
		try (JnaDataplane dp = JnaDataplane.create("netmap", "lo", null, null)) {
			assertTrue(dp.backends().contains("netmap=yes"), dp.backends());
			Assumptions.assumeFalse(Files.exists(Path.of("/dev/netmap")),
					"the netmap start failure check needs a machine without /dev/netmap (the netmap module is loaded)");
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

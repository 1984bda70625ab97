package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dataplane end to end on veth in network namespaces, for each backend: a real client kernel's handshake through
 * the firewall to the server namespace, cookies, filters, floods, VLAN, IPv6 and reloads
 * (tests/netns/test_dataplane.sh holds every check; its output is printed).
 */
class NetnsDataplaneTest {

	static final int SKIP = 249;

	@ParameterizedTest(name = "backend {0}")
	@ValueSource(strings = { "afpacket", "afxdp", "xdp" })
	void endToEndOnVeth(String backend) throws Exception {
		NetnsSupport.assumeNetns();
		NetnsSupport.Result r = NetnsSupport.run(240,
				List.of("bash", NetnsSupport.NETNS_DIR.resolve("test_dataplane.sh").toString(), backend));
		System.out.println(r.output());
		if (r.exit() == SKIP) {
			String why = r.output().lines().filter(l -> l.startsWith("SKIP")).findFirst().orElse("skipped");
			System.err.println("\n*** " + why + " ***\n");
			Assumptions.abort(why);
		}
		assertEquals(0, r.exit(), "netns test for backend " + backend + " failed:\n" + r.output());
	}
}

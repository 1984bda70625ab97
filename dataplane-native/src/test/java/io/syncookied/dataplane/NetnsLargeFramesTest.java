package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large frames through the firewall on veth in network namespaces: 2 MB and 300 kB uploads on links of MTU 9000,
 * with GSO/GRO super-frames and with plain jumbo frames, finish with no more client retransmissions than the direct
 * path; a frame too long for the output port is counted as tx_oversize and logged once; AF_XDP, whose UMEM frames
 * hold one buffer, refuses to start on such a link, naming the MTU (tests/netns/test_large_frames.sh holds every
 * check; its output, with the upload figures, is printed).
 */
class NetnsLargeFramesTest {

	static final int SKIP = 249;

	@ParameterizedTest(name = "backend {0}")
	@ValueSource(strings = { "afpacket", "afxdp" })
	void bulkUploadsOnJumboLinks(String backend) throws Exception {
		NetnsSupport.assumeNetns();
		NetnsSupport.Result r = NetnsSupport.run(300,
				List.of("bash", NetnsSupport.NETNS_DIR.resolve("test_large_frames.sh").toString(), backend));
		System.out.println(r.output());
		if (r.exit() == SKIP) {
			String why = r.output().lines().filter(l -> l.startsWith("SKIP")).findFirst().orElse("skipped");
			System.err.println("\n*** " + why + " ***\n");
			Assumptions.abort(why);
		}
		assertEquals(0, r.exit(), "large-frame netns test for backend " + backend + " failed:\n" + r.output());
	}
}

package io.syncookied.router.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.process.CommandRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit test with a scripted ip (the real one here is new enough): an iproute2 without neighbour
 * protocols rejects "protocol" with the message below; the adapter then diverts untagged.
 */
class OldIproute2Test {

	@Test
	void divertsUntaggedWhenIpHasNoNeighbourProtocol() {
		List<String> seen = new ArrayList<>();
		StringBuilder table = new StringBuilder();
		CommandRunner oldIp = argv -> {
			String cmd = String.join(" ", argv);
			seen.add(cmd);
			if (cmd.contains("protocol")) {
				return new CommandRunner.Result(255, "",
						"Error: either \"to\" is duplicate, or \"protocol\" is a garbage.\n");
			}
			if (cmd.startsWith("ip neigh replace")) {
				table.append("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT\n");
				return new CommandRunner.Result(0, "", "");
			}
			return new CommandRunner.Result(0, table.toString(), "");
		};
		LinuxTarget t = (LinuxTarget) DiversionVendors.load().parse("t", Map.of("adapter", "linux", "dev", "r1"));
		Diversion o = new LinuxNeighbourAdapter(x -> oldIp).divert(IpAddresses.parse("ip", "10.0.2.10"),
				MacAddress.parse("m", "02:00:00:00:02:03"), t);
		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(o.owner()).isNull();
		assertThat(seen).containsExactly("ip neigh show to 10.0.2.10 dev r1 nud permanent",
				"ip neigh replace 10.0.2.10 lladdr 02:00:00:00:02:03 nud permanent dev r1 protocol 197",
				"ip neigh replace 10.0.2.10 lladdr 02:00:00:00:02:03 nud permanent dev r1",
				"ip neigh show to 10.0.2.10 dev r1 nud permanent");
	}

}

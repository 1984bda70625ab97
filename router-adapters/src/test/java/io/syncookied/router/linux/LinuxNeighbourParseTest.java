package io.syncookied.router.linux;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinuxNeighbourParseTest {

	@Test
	void parsesPermanentEntriesOfBothFamiliesAndOwnership() {
		String out = """
				10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197
				10.0.2.11 lladdr 02:00:00:00:02:04 PERMANENT
				10.0.2.12 lladdr 02:00:00:00:02:05 REACHABLE
				10.0.2.13  FAILED
				fd00:2::10 lladdr 02:00:00:00:02:06 router PERMANENT proto 197
				fd00:2::11 lladdr 02:00:00:00:02:07 STALE
				fd00:2::12  INCOMPLETE
				""";
		assertThat(LinuxNeighbourAdapter.parse(out, 197)).extracting(e -> e.diversion())
			.containsExactly(
					Diversion.neighbour(IpAddresses.parse("ip", "10.0.2.10"), MacAddress.parse("m", "02:00:00:00:02:03"),
							"syncookied"),
					Diversion.neighbour(IpAddresses.parse("ip", "10.0.2.11"), MacAddress.parse("m", "02:00:00:00:02:04"),
							null),
					Diversion.neighbour(IpAddresses.parse("ip", "fd00:2::10"), MacAddress.parse("m", "02:00:00:00:02:06"),
							"syncookied"));
	}

	@Test
	void sshArgumentsAreQuoted() {
		assertThat(SshCommandRunner.quote("10.0.2.10")).isEqualTo("10.0.2.10");
		assertThat(SshCommandRunner.quote("a b'c")).isEqualTo("'a b'\\''c'");
	}

}

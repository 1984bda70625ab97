package io.syncookied.router.linux;

import io.syncookied.router.api.ArpOverride;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinuxNeighbourParseTest {

	@Test
	void parsesPermanentEntriesAndOwnership() {
		String out = """
				10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197
				10.0.2.11 lladdr 02:00:00:00:02:04 PERMANENT
				10.0.2.12 lladdr 02:00:00:00:02:05 REACHABLE
				10.0.2.13  FAILED
				fe80::1 lladdr 02:00:00:00:02:06 PERMANENT proto 197
				""";
		assertThat(LinuxNeighbourAdapter.parse(out, 197)).extracting(ArpOverride::toLine, ArpOverride::owner)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.2.10 02:00:00:00:02:03", "syncookied"),
					org.assertj.core.groups.Tuple.tuple("10.0.2.11 02:00:00:00:02:04", null));
	}

	@Test
	void sshArgumentsAreQuoted() {
		assertThat(SshCommandRunner.quote("10.0.2.10")).isEqualTo("10.0.2.10");
		assertThat(SshCommandRunner.quote("a b'c")).isEqualTo("'a b'\\''c'");
	}

}

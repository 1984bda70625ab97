package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostsFileParserTest {

	private static final Path FILE = Path.of("hosts.yml");

	@Test
	void readsTheOriginalFormatUnchanged() throws Exception {
		List<HostConfig> hosts = HostsFileParser.parse(Path.of("src/test/resources/hosts/original.yml"));
		assertThat(hosts).hasSize(2);
		HostConfig first = hosts.get(0);
		assertThat(first.ip()).isEqualTo(InetAddress.getByName("185.50.25.4"));
		assertThat(first.secretsAddr()).isEqualTo("192.168.3.231:1488");
		assertThat(first.mac()).isEqualTo("0c:c4:7a:6a:fa:bf");
		assertThat(first.passthrough()).isFalse();
		// file order, not sorted (the original sorted them by accident)
		assertThat(first.filters()).containsExactly(
				new FilterRule("tcp and dst port 53", FilterRule.FilterAction.DROP),
				new FilterRule("tcp and dst port 22", FilterRule.FilterAction.PASS));
		assertThat(first.defaultAction()).isEqualTo(FilterRule.FilterAction.PASS);
		assertThat(first.mode()).isEqualTo(ProtectionMode.MANUAL);
		assertThat(first.line()).isEqualTo(2);
		HostConfig second = hosts.get(1);
		assertThat(second.secretsAddr()).as("older key local_addr").isEqualTo("192.168.3.232:1488");
		assertThat(second.mac()).isEqualTo("0c:c4:7a:6a:fa:c0");
		assertThat(second.passthrough()).isTrue();
		assertThat(second.filters()).isEmpty();
	}

	@Test
	void readsTheNewOptionalFields() throws Exception {
		List<HostConfig> hosts = HostsFileParser.parse(Path.of("src/test/resources/hosts/extended.yml"));
		HostConfig h = hosts.get(0);
		assertThat(h.agentKeyId()).isEqualTo("web1");
		assertThat(h.mode()).isEqualTo(ProtectionMode.AUTO);
		assertThat(h.detection()).isEqualTo(new DetectionOverrides(20000L, 5000L, 300000L, 2));
		assertThat(h.diversion()).isEqualTo(new DiversionTarget("rt-lab", "rt1"));
		assertThat(h.cookies()).isEqualTo(new CookieOptions(1440, true, false, true, false));
		assertThat(h.defaultAction()).isEqualTo(FilterRule.FilterAction.DROP);
		HostConfig v6 = hosts.get(1);
		assertThat(v6.ip()).isEqualTo(InetAddress.getByName("fd00:2::10"));
		assertThat(v6.mode()).isEqualTo(ProtectionMode.OFF);
	}

	@Test
	void emptyFileMeansNoHosts() throws Exception {
		assertThat(HostsFileParser.parse(FILE, "")).isEmpty();
		assertThat(HostsFileParser.parse(FILE, "# nothing yet\n")).isEmpty();
	}

	@ParameterizedTest(name = "{3}")
	@CsvSource(delimiter = '|', textBlock = """
			- ip: 10.0.0.1\\n  mac: zz:00:00:00:00:01                       | 2 | hosts[0].mac                      | not a MAC
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- mac: 02:00:00:00:00:02 | 3 | hosts[1].ip                 | is required
			- ip: 10.0.0.300\\n  mac: 02:00:00:00:00:01                      | 1 | hosts[0].ip                      | not an IPv4
			- ip: example.com\\n  mac: 02:00:00:00:00:01                     | 1 | hosts[0].ip                      | not an IPv4
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mdoe: auto          | 3 | hosts[0].mdoe                    | unknown field
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mode: sometimes     | 3 | hosts[0].mode                    | not auto, manual or off
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  passthrough: maybe  | 3 | hosts[0].passthrough             | not true or false
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  filters:\\n    tcp: reject | 4 | hosts[0].filters[tcp]     | not drop or pass
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  detection:\\n    start_syn_rate: 100\\n    end_syn_rate: 200 | 5 | hosts[0].detection.end_syn_rate | hysteresis
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  detection:\\n    start_syn_rate: lots | 4 | hosts[0].detection.start_syn_rate | not a whole number
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  cookies:\\n    mss: 100 | 4 | hosts[0].cookies.mss           | 536..9000
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  diversion:\\n    interface: eth0 | 4 | hosts[0].diversion.target | is required
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  secrets_addr: nowhere | 3 | hosts[0].secrets_addr           | not host:port
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:02 | 3 | hosts[1].ip | already configured at line 1
			ip: 10.0.0.1                                                   | 1 | hosts                            | must be a YAML list
			- ip: [10.0.0.1                                                | 1 | yaml                             | expected
			""")
	void badFilesNameFileLineAndField(String text, int line, String field, String problem) {
		assertThatThrownBy(() -> HostsFileParser.parse(FILE, text.replace("\\n", "\n")))
			.isInstanceOfSatisfying(HostsFileException.class, ex -> {
				assertThat(ex.line()).isEqualTo(line);
				assertThat(ex.field()).isEqualTo(field);
				assertThat(ex.getMessage()).startsWith("hosts.yml:" + line + ": " + field + ": ").contains(problem);
			});
	}

	@Test
	void missingFileSaysSo() {
		assertThatThrownBy(() -> HostsFileParser.parse(Path.of("/nonexistent/hosts.yml")))
			.hasMessage("/nonexistent/hosts.yml:0: file: does not exist");
	}

}

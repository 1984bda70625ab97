package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.syncookied.controlplane.support.Validations;
import io.syncookied.dataplane.DpFilter;
import io.syncookied.dataplane.DpHost;
import io.syncookied.dataplane.HostKey;
import io.syncookied.dataplane.SynAckOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostsFileParserTest {

	private static final Path FILE = Path.of("hosts.yml");

	private static final HostsValidation TARGETS = Validations.targets("rt-lab", "border1");

	@Test
	void readsTheOriginalFormatUnchanged() throws Exception {
		List<HostConfig> hosts = HostsFileParser.parse(Path.of("src/test/resources/hosts/original.yml"), TARGETS);
		assertThat(hosts).hasSize(2);
		HostConfig first = hosts.get(0);
		assertThat(first.ip()).isEqualTo(InetAddress.getByName("185.50.25.4"));
		assertThat(first.secretsAddr()).isEqualTo("192.168.3.231:1488");
		assertThat(first.dataplane().mac()).isEqualTo("0c:c4:7a:6a:fa:bf");
		assertThat(first.dataplane().passthrough()).isFalse();
		// file order, not sorted (the original sorted them by accident)
		assertThat(first.dataplane().filters()).containsExactly(new DpFilter("tcp and dst port 53", DpFilter.Action.DROP),
				new DpFilter("tcp and dst port 22", DpFilter.Action.PASS));
		assertThat(first.dataplane().defaultAction()).isEqualTo(DpFilter.Action.PASS);
		assertThat(first.mode()).isEqualTo(ProtectionMode.MANUAL);
		assertThat(first.line()).isEqualTo(2);
		HostConfig second = hosts.get(1);
		assertThat(second.secretsAddr()).as("older key local_addr").isEqualTo("192.168.3.232:1488");
		assertThat(second.dataplane().mac()).isEqualTo("0c:c4:7a:6a:fa:c0");
		assertThat(second.dataplane().passthrough()).isTrue();
		assertThat(second.dataplane().filters()).isEmpty();
	}

	@Test
	void readsEveryKeyOfTheSchema() throws Exception {
		List<HostConfig> hosts = HostsFileParser.parse(Path.of("src/test/resources/hosts/extended.yml"), TARGETS);
		HostConfig h = hosts.get(0);
		assertThat(h.agentKeyId()).isEqualTo("web1");
		assertThat(h.mode()).isEqualTo(ProtectionMode.AUTO);
		assertThat(h.detection()).isEqualTo(new DetectionOverrides(20000L, 5000L, 300000L, 2));
		assertThat(h.diversion()).isEqualTo(new DiversionTarget("rt-lab", "rt1"));
		DpHost d = h.dataplane();
		assertThat(d.synAck()).isEqualTo(new SynAckOptions(1440, 29200, 6, true, false, true, false));
		assertThat(d.defaultAction()).isEqualTo(DpFilter.Action.DROP);
		assertThat(d.md5()).isEqualTo(DpFilter.Action.PASS);
		assertThat(d.noSecrets()).isEqualTo(DpFilter.Action.PASS);
		assertThat(d.ttl()).isEqualTo(61);
		assertThat(d.synRefreshMs()).isEqualTo(55000);
		assertThat(d.cookie()).isEqualTo(DpHost.CookieHash.SIPHASH);
		HostConfig v6 = hosts.get(1);
		assertThat(v6.ip()).isEqualTo(InetAddress.getByName("fd00:2::10"));
		assertThat(v6.mode()).isEqualTo(ProtectionMode.OFF);
	}

	@Test
	void everyDataplaneKeyOfTheSchemaIsAccepted() throws Exception {
		StringBuilder y = new StringBuilder("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n");
		for (HostKey k : HostKey.values()) {
			String value = switch (k) {
				case IP, MAC -> null;
				case FILTERS -> "\n    tcp: drop";
				case DETECTION -> "\n    start_syn_rate: 10";
				case DIVERSION -> "\n    target: border1";
				case SECRETS_ADDR, LOCAL_ADDR -> "10.0.0.9:1488";
				case AGENT_KEY_ID -> "web1";
				default -> k.type() == HostKey.Type.CHOICE ? k.choices().get(1)
						: (k.type() == HostKey.Type.BOOL ? "false" : Long.toString(k.max()));
			};
			if (value != null) {
				y.append("  ").append(k.key()).append(": ").append(value).append('\n');
			}
		}
		DpHost d = HostsFileParser.parse(FILE, y.toString(), TARGETS).get(0).dataplane();
		assertThat(d.synAck()).isEqualTo(new SynAckOptions(65495, 65535, 14, false, false, false, false));
		assertThat(d.pickupSeconds()).isEqualTo(3600);
		assertThat(d.cookie()).isEqualTo(DpHost.CookieHash.SHA1);
	}

	@Test
	void emptyFileMeansNoHosts() throws Exception {
		assertThat(HostsFileParser.parse(FILE, "", TARGETS)).isEmpty();
		assertThat(HostsFileParser.parse(FILE, "# nothing yet\n", TARGETS)).isEmpty();
	}

	@ParameterizedTest(name = "{3}")
	@CsvSource(delimiter = '|', textBlock = """
			- ip: 10.0.0.1\\n  mac: zz:00:00:00:00:01                       | 2 | hosts[0].mac                      | expected a MAC address
			- ip: 10.0.0.1\\n  mac: ff:ff:ff:ff:ff:ff                       | 2 | hosts[0].mac                      | a broadcast or multicast MAC is not a server
			- ip: 10.0.0.1\\n  mac: 01:00:5e:00:00:01                       | 2 | hosts[0].mac                      | a broadcast or multicast MAC is not a server
			- ip: 10.0.0.1\\n  mac: 00:00:00:00:00:00                       | 2 | hosts[0].mac                      | the all-zero MAC is not a server
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- mac: 02:00:00:00:00:02 | 3 | hosts[1].ip                 | missing
			- ip: 10.0.0.300\\n  mac: 02:00:00:00:00:01                      | 1 | hosts[0].ip                      | expected an IPv4 or IPv6 address
			- ip: example.com\\n  mac: 02:00:00:00:00:01                     | 1 | hosts[0].ip                      | expected an IPv4 or IPv6 address
			- ip: fe80::1\\n  mac: 02:00:00:00:00:01                         | 1 | hosts[0].ip                      | a link-local address cannot be diverted
			- ip: "::ffff:10.0.0.1"\\n  mac: 02:00:00:00:00:01               | 1 | hosts[0].ip                      | a v4-mapped address
			- ip: 10.0.0.0/24\\n  mac: 02:00:00:00:00:01                     | 1 | hosts[0].ip                      | expected an IPv4 or IPv6 address
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- ip: 2001:db8::/64\\n  mac: 02:00:00:00:00:02 | 3 | hosts[1].ip | expected an IPv4 or IPv6 address
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- ip: "fe80::1%eth0"\\n  mac: 02:00:00:00:00:02 | 3 | hosts[1].ip | expected an IPv4 or IPv6 address
			- ip: 224.0.0.1\\n  mac: 02:00:00:00:00:01                       | 1 | hosts[0].ip                      | multicast or broadcast
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mdoe: auto          | 3 | hosts[0].mdoe                    | unknown key (known: ip, mac,
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mode: sometimes     | 3 | hosts[0].mode                    | not auto, manual or off
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  passthrough: maybe  | 3 | hosts[0].passthrough             | expected true or false
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  filters:\\n    tcp: reject | 4 | hosts[0].filters[tcp]     | expected drop or pass
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  filters:\\n    tcp: drop\\n    tcp and port 99999: drop | 5 | hosts[0].filters[tcp and port 99999] | libpcap cannot compile it
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  detection:\\n    start_syn_rate: 100\\n    end_syn_rate: 200 | 5 | hosts[0].detection.end_syn_rate | hysteresis
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  detection:\\n    start_syn_rate: lots | 4 | hosts[0].detection.start_syn_rate | not a whole number
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mss: 100            | 3 | hosts[0].mss                     | expected a number from 536 to 65495
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  wscale: 15          | 3 | hosts[0].wscale                  | expected a number from 0 to 14
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  md5: allow          | 3 | hosts[0].md5                     | expected drop or pass
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  cookies:\\n    mss: 1400 | 3 | hosts[0].cookies             | unknown key
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  diversion:\\n    interface: eth0 | 4 | hosts[0].diversion.target | is required
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  diversion:\\n    target: rt-typo | 4 | hosts[0].diversion.target | is not a configured router target (known: border1, rt-lab)
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  secrets_addr: nowhere | 3 | hosts[0].secrets_addr           | not host:port
			- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:02 | 3 | hosts[1].ip | already configured at line 1
			ip: 10.0.0.1                                                   | 1 | hosts                            | must be a YAML list
			- ip: [10.0.0.1                                                | 1 | yaml                             | expected
			""")
	void badFilesNameFileLineAndField(String text, int line, String field, String problem) {
		assertThatThrownBy(() -> HostsFileParser.parse(FILE, text.replace("\\n", "\n"), TARGETS))
			.isInstanceOfSatisfying(HostsFileException.class, ex -> {
				assertThat(ex.line()).isEqualTo(line);
				assertThat(ex.field()).isEqualTo(field);
				assertThat(ex.getMessage()).startsWith("hosts.yml:" + line + ": " + field + ": ").contains(problem);
			});
	}

	@Test
	void aDiversionTargetNeedsAConfiguredRouter() {
		assertThatThrownBy(() -> HostsFileParser.parse(FILE,
				"- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  diversion:\n    target: rt1\n", Validations.targets()))
			.hasMessageContaining("none is configured: syncookied.routers.targets");
	}

	@Test
	void missingFileSaysSo() {
		assertThatThrownBy(() -> HostsFileParser.parse(Path.of("/nonexistent/hosts.yml"), TARGETS))
			.hasMessage("/nonexistent/hosts.yml:0: file: does not exist");
	}

}

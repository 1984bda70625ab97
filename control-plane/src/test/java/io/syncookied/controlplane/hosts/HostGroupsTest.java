package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import io.syncookied.controlplane.support.Validations;
import io.syncookied.dataplane.DpFilter;
import io.syncookied.dataplane.DpHost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Host groups in hosts.yml: an entry with a {@code cidr} gives its keys to the listed hosts inside its prefix; a
 * host's own value wins, then the most specific group's; {@code detection} merges field by field; groups are checked
 * when the file is loaded, with the line, even without a member. The dataplane resolves groups the same way
 * ({@code HostGroupsCrossCheckTest}).
 */
class HostGroupsTest {

	private static final Path FILE = Path.of("hosts.yml");

	private static final HostsValidation TARGETS = Validations.targets("border1", "border2");

	static final String FILE_TEXT = """
			- cidr: 10.1.0.0/16
			  mode: auto
			  mss: 1400
			  ttl: 50
			  detection:
			    start_syn_rate: 20000
			    end_syn_rate: 5000
			    consecutive_samples: 4
			  diversion:
			    target: border1
			    interface: ge-0/0/1
			  filters:
			    udp: drop
			- cidr: 10.1.2.0/24
			  mss: 1300
			  agent_key_id: rack2
			  detection:
			    start_syn_rate: 8000
			- ip: 10.1.2.3
			  mac: 02:00:00:00:00:01
			  ttl: 33
			  detection:
			    consecutive_samples: 2
			- ip: 10.1.9.9
			  mac: 02:00:00:00:00:02
			  mode: manual
			  diversion:
			    target: border2
			  filters:
			    tcp: drop
			- ip: 10.2.0.1
			  mac: 02:00:00:00:00:03
			- ip: 2001:db8::10
			- cidr: 2001:db8::/32
			  mac: 02:00:00:00:00:32
			  cookie: sha1
			  mode: off
			""";

	@Test
	void aHostTakesItsOwnValueThenTheMostSpecificGroupsThenTheDefault() throws Exception {
		Map<InetAddress, HostConfig> hosts = byIp(HostsFileParser.parse(FILE, FILE_TEXT, TARGETS));
		assertThat(hosts).hasSize(4).as("groups are not hosts");

		HostConfig a = hosts.get(ip("10.1.2.3"));
		assertThat(a.dataplane().ttl()).as("its own").isEqualTo(33);
		assertThat(a.dataplane().synAck().mss()).as("the /24 beats the /16").isEqualTo(1300);
		assertThat(a.dataplane().filters()).as("the /16's").containsExactly(new DpFilter("udp", DpFilter.Action.DROP));
		assertThat(a.mode()).isEqualTo(ProtectionMode.AUTO);
		assertThat(a.agentKeyId()).isEqualTo("rack2");
		assertThat(a.diversion()).isEqualTo(new DiversionTarget("border1", "ge-0/0/1"));
		assertThat(a.detection()).as("merged field by field: own, /24, /16")
			.isEqualTo(new DetectionOverrides(8000L, 5000L, null, 2));
		assertThat(a.line()).isEqualTo(19);

		HostConfig b = hosts.get(ip("10.1.9.9"));
		assertThat(b.mode()).isEqualTo(ProtectionMode.MANUAL);
		assertThat(b.diversion()).as("a diversion is one value: no interface from the group")
			.isEqualTo(new DiversionTarget("border2", null));
		assertThat(b.dataplane().filters()).as("filters are one value: never merged")
			.containsExactly(new DpFilter("tcp", DpFilter.Action.DROP));
		assertThat(b.detection()).isEqualTo(new DetectionOverrides(20000L, 5000L, null, 4));
		assertThat(b.agentKeyId()).as("not in the /24").isNull();

		HostConfig c = hosts.get(ip("10.2.0.1"));
		assertThat(c.mode()).isEqualTo(ProtectionMode.MANUAL);
		assertThat(c.dataplane()).isEqualTo(DpHost.of(ip("10.2.0.1"), "02:00:00:00:00:03"));
		assertThat(c.detection()).isEqualTo(DetectionOverrides.NONE);

		HostConfig v6 = hosts.get(ip("2001:db8::10"));
		assertThat(v6.dataplane().mac()).as("a group may give the mac").isEqualTo("02:00:00:00:00:32");
		assertThat(v6.dataplane().cookie()).isEqualTo(DpHost.CookieHash.SHA1);
		assertThat(v6.mode()).isEqualTo(ProtectionMode.OFF);
		assertThat(v6.dataplane().ttl()).as("an IPv4 group never reaches an IPv6 host").isEqualTo(64);
	}

	@Test
	void theOrderOfEntriesDoesNotMatterAndGroupsOfEveryLengthNest() throws Exception {
		StringBuilder y = new StringBuilder();
		for (int i = 0; i < 256; i++) {
			y.append("- ip: 10.7.").append(i).append('.').append(i % 2 == 0 ? 100 : 200).append('\n');
		}
		y.append("- ip: 10.7.4.130\n- ip: 10.8.0.1\n  mac: 02:00:00:00:00:09\n");
		y.append("- cidr: 10.7.0.0/16\n  mac: 02:00:00:00:00:16\n  ttl: 11\n- cidr: 0.0.0.0/0\n  ttl: 5\n");
		for (int i = 0; i < 256; i++) {
			y.append("- cidr: 10.7.").append(i).append(".0/24\n  mss: ").append(600 + i).append('\n');
		}
		for (int i = 0; i < 256; i += 2) {
			y.append("- cidr: 10.7.").append(i).append(".128/25\n  mss: 2000\n");
		}
		List<HostConfig> hosts = HostsFileParser.parse(FILE, y.toString(), TARGETS);
		for (int i = 0; i < 256; i++) {
			assertThat(hosts.get(i).dataplane().synAck().mss()).as(hosts.get(i).ipText()).isEqualTo(600 + i);
			assertThat(hosts.get(i).dataplane().ttl()).isEqualTo(11);
		}
		assertThat(hosts.get(256).dataplane().synAck().mss()).as("the /25 beats its /24").isEqualTo(2000);
		assertThat(hosts.get(257).dataplane().ttl()).as("only the /0").isEqualTo(5);
		assertThat(hosts.get(257).dataplane().synAck().mss()).isNull();
	}

	@Test
	void aGroupWithoutListedHostsIsAcceptedWithAWarning() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(HostsFileParser.class);
		ListAppender<ILoggingEvent> seen = new ListAppender<>();
		seen.start();
		logger.addAppender(seen);
		try {
			List<HostConfig> hosts = HostsFileParser.parse(FILE,
					"- cidr: 192.0.2.0/24\n  ttl: 9\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n", TARGETS);
			assertThat(hosts).hasSize(1);
			assertThat(hosts.get(0).dataplane().ttl()).isEqualTo(64);
		}
		finally {
			logger.detachAppender(seen);
		}
		assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("hosts.yml: 1 host group(s) with no listed host: 192.0.2.0/24 (line 1) (a group protects "
					+ "only the hosts listed in it)");
	}

	@ParameterizedTest(name = "{3}")
	@CsvSource(delimiter = '|', textBlock = """
			- cidr: 10.0.0.1/24                                         | 1 | hosts[0].cidr | host bits set: the prefix is 10.0.0.0/24
			- cidr: "2001:db8::1/64"                                    | 1 | hosts[0].cidr | host bits set: the prefix is 2001:db8::/64
			- cidr: 10.0.0.0/33                                         | 1 | hosts[0].cidr | an IPv4 prefix length is 0 to 32
			- cidr: "2001:db8::/129"                                    | 1 | hosts[0].cidr | an IPv6 prefix length is 0 to 128
			- cidr: 10.0.0.0                                            | 1 | hosts[0].cidr | expected a prefix like 10.0.0.0/24 or 2001:db8::/48
			- cidr: 10.0.0.0/-8                                         | 1 | hosts[0].cidr | expected a prefix like
			- cidr: web.example/24                                      | 1 | hosts[0].cidr | expected a prefix like
			- cidr: "::ffff:10.0.0.0/120"                               | 1 | hosts[0].cidr | a v4-mapped prefix: write the IPv4 prefix
			- cidr: [10.0.0.0/8]                                        | 1 | hosts[0].cidr | must be a single value
			- ip: 10.0.0.1\\n  cidr: 10.0.0.0/8                          | 2 | hosts[0].cidr | an entry is a host (ip) or a group (cidr), not both
			- cidr: 10.0.0.0/8\\n  mss: 99                               | 2 | hosts[0].mss  | expected a number from 536 to 65495
			- cidr: 10.0.0.0/8\\n  mac: ff:ff:ff:ff:ff:ff                | 2 | hosts[0].mac  | a broadcast or multicast MAC
			- cidr: 10.0.0.0/8\\n  mdoe: auto                            | 2 | hosts[0].mdoe | unknown key
			- cidr: 10.0.0.0/8\\n  mode: sometimes                       | 2 | hosts[0].mode | not auto, manual or off
			- cidr: 10.0.0.0/8\\n  diversion:\\n    target: rt-typo       | 3 | hosts[0].diversion.target | is not a configured router target
			- cidr: 10.0.0.0/8\\n  detection:\\n    start_syn_rate: 1\\n    end_syn_rate: 2 | 4 | hosts[0].detection.end_syn_rate | must be below detection.start_syn_rate (1) for hysteresis, got 2
			- cidr: 10.0.0.0/8\\n  filters:\\n    tcp and port 99999: drop | 3 | hosts[0].filters[tcp and port 99999] | libpcap cannot compile it
			- cidr: 10.0.0.0/8\\n- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n- cidr: 10.0.0.0/8\\n- cidr: 10.0.0.0/8 | 4 | hosts[2].cidr | 10.0.0.0/8 is already a group at line 1
			- cidr: 10.0.0.0/8\\n  ip: 10.0.0.1                          | 1 | hosts[0].cidr | an entry is a host (ip) or a group (cidr), not both
			- cidr: 10.0.0.0/8\\n  ttl: 9\\n- ip: 10.0.0.1               | 3 | hosts[1].mac  | missing
			- cidr: 10.0.0.0/8\\n  mss: 1400\\n- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  mss: 1 | 5 | hosts[1].mss | expected a number from 536 to 65495
			- cidr: 10.0.0.0/8\\n  detection:\\n    end_syn_rate: 9000\\n- ip: 10.0.0.1\\n  mac: 02:00:00:00:00:01\\n  detection:\\n    start_syn_rate: 8000 | 3 | hosts[1].detection.end_syn_rate | must be below detection.start_syn_rate (8000 at line 7) for hysteresis, got 9000
			""")
	void badGroupsNameFileLineAndField(String text, int line, String field, String problem) {
		assertThatThrownBy(() -> HostsFileParser.parse(FILE, text.replace("\\n", "\n"), TARGETS))
			.isInstanceOfSatisfying(HostsFileException.class, ex -> {
				assertThat(ex.getMessage()).startsWith("hosts.yml:" + line + ": " + field + ": ").contains(problem);
			});
	}

	@Test
	void prefixesHoldTheirAddressesOnly() {
		IpPrefix p = IpPrefix.parse("10.128.0.0/9");
		assertThat(p.contains(ip("10.200.1.1"))).isTrue();
		assertThat(p.contains(ip("10.127.255.255"))).isFalse();
		assertThat(p.contains(ip("::a80:1"))).isFalse();
		assertThat(IpPrefix.parse("0.0.0.0/0").contains(ip("192.0.2.1"))).isTrue();
		assertThat(IpPrefix.parse("::/0").contains(ip("192.0.2.1"))).as("families never mix").isFalse();
		assertThat(IpPrefix.parse("2001:db8:8000::/33").contains(ip("2001:db8:ffff::1"))).isTrue();
		assertThat(IpPrefix.parse("2001:0db8:0:0::/64")).hasToString("2001:db8::/64");
	}

	static Map<InetAddress, HostConfig> byIp(List<HostConfig> hosts) {
		return hosts.stream().collect(Collectors.toMap(HostConfig::ip, Function.identity()));
	}

	static InetAddress ip(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}

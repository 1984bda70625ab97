package io.syncookied.router.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetConfigTest {

	@Test
	void parsesEveryAdapterFromTheExampleFile(@TempDir Path dir) throws Exception {
		Path f = Files.writeString(dir.resolve("routers.yml"), """
				targets:
				  - name: rt-lab
				    adapter: linux
				    netns: rt
				    dev: rt1
				  - name: mx480
				    adapter: junos
				    host: mx480.example.net
				    user: syncookied
				    key: /etc/syncookied/junos_ed25519
				    known-hosts: /etc/syncookied/known_hosts
				    interface: ae0.100
				    subnet: 10.0.2.1/24
				    confirm-timeout: 5m
				    timeout: 30s
				  - name: ex-snmp
				    adapter: snmp
				    host: 10.0.0.2
				    user: syncookied
				    auth-protocol: sha256
				    auth-password: auth-secret
				    priv-protocol: aes256
				    priv-password: priv-secret
				    mode: physical
				    ifIndex: 514
				""");
		List<RouterTarget> t = TargetConfig.parseFile(f);
		assertThat(t).extracting(RouterTarget::name).containsExactly("rt-lab", "mx480", "ex-snmp");
		LinuxTarget l = (LinuxTarget) t.get(0);
		assertThat(l.netnsArgs(List.of("neigh", "show"))).containsExactly("ip", "-n", "rt", "neigh", "show");
		assertThat(l.ssh()).isNull();
		assertThat(l.protocol()).isEqualTo(197);
		JunosTarget j = (JunosTarget) t.get(1);
		assertThat(j.ssh().port()).isEqualTo(830);
		assertThat(j.confirmTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(j.resilience().timeout()).isEqualTo(Duration.ofSeconds(30));
		SnmpTarget s = (SnmpTarget) t.get(2);
		assertThat(s.version()).isEqualTo(SnmpTarget.Version.V3);
		assertThat(s.port()).isEqualTo(161);
		assertThat(s.ifIndex()).isEqualTo(514);
		assertThat(s.usm().privProtocol()).isEqualTo("aes256");
		assertThat(s.toString()).doesNotContain("auth-secret").doesNotContain("priv-secret");
	}

	@Test
	void theShippedExampleParses() throws Exception {
		List<RouterTarget> t = TargetConfig.parseFile(Path.of("..", "deploy", "router", "routers.example.yml"));
		assertThat(t).extracting(RouterTarget::name).containsExactly("edge-linux", "mx480", "ex4550", "core-snmp");
		assertThat(t).extracting(RouterTarget::adapter).containsExactly("linux", "junos", "junos", "snmp");
	}

	@Test
	void errorsNameTheBadField() {
		assertThatThrownBy(() -> TargetConfig.parse("targets[1]", Map.of("adapter", "snmp", "host", "h",
				"community", "c", "mode", "arp", "ifindex", "3")))
			.hasMessage("targets[1].mode: expected media (ipNetToMediaTable) or physical (ipNetToPhysicalTable), got 'arp'");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "snmp", "host", "h", "community", "c",
				"mode", "media")))
			.hasMessage("t.ifindex: required");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "linux", "dev", "r1", "devv", "x")))
			.hasMessage("t.devv: unknown key for adapter linux");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "cisco")))
			.hasMessage("t.adapter: expected linux, junos or snmp, got 'cisco'");
		assertThatThrownBy(() -> TargetConfig.parse(TargetConfig.CLI_FLAGS, Map.of("adapter", "junos", "host",
				"h:830", "user", "u", "key", "k", "interface", "irb.0", "subnet", "10.0.2.0/33")))
			.hasMessage("--subnet: '10.0.2.0/33' is not an IPv4 prefix such as 10.0.2.1/24");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "junos", "host", "h:99999", "user", "u",
				"key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24")))
			.hasMessage("t.host: 'h:99999': port out of range");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u",
				"key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24", "confirm-timeout", "90s")))
			.hasMessageStartingWith("t.confirmtimeout: commit confirmed takes whole minutes");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "linux", "dev", "r1", "timeout", "soon")))
			.hasMessage("t.timeout: expected a duration such as 500ms, 10s or 2m, got 'soon'");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "snmp", "host", "h", "user", "u",
				"auth-password", "short", "priv-password", "long-enough", "mode", "media", "ifindex", "1")))
			.hasMessage("t.authpassword: USM passwords need at least 8 characters");
		assertThatThrownBy(() -> TargetConfig.parse("t", Map.of("adapter", "linux", "dev", "-x")))
			.hasMessage("t.dev: '-x' is not a valid name");
	}

	@Test
	void duplicateNamesAreRejected() {
		assertThatThrownBy(() -> TargetConfig.parseDocument("f.yml", Map.of("targets", List.of(
				Map.of("name", "a", "adapter", "linux", "dev", "r1"), Map.of("name", "a", "adapter", "linux", "dev", "r2")))))
			.hasMessage("f.yml: targets[1].name: duplicate target name 'a'");
		assertThatThrownBy(() -> TargetConfig.parseDocument("f.yml", Map.of("routers", List.of())))
			.hasMessage("f.yml: expected a top-level 'targets:' list");
	}

	@Test
	void macAndIpParsing() {
		assertThat(MacAddress.parse("m", "02-00-00-00-02-0A").toString()).isEqualTo("02:00:00:00:02:0a");
		assertThat(MacAddress.parse("m", "0200.0000.020a").toString()).isEqualTo("02:00:00:00:02:0a");
		assertThat(MacAddress.fromBytes("m", MacAddress.parse("m", "ff:ee:dd:cc:bb:aa").toBytes()).toString())
			.isEqualTo("ff:ee:dd:cc:bb:aa");
		assertThatThrownBy(() -> MacAddress.parse("--mac", "02:00:00:00:02")).hasMessageStartingWith("--mac: '02:00:00:00:02'");
		assertThatThrownBy(() -> IpAddresses.parse("--ip", "10.0.2.256")).hasMessage("--ip: '10.0.2.256' is not an IPv4 address");
		assertThatThrownBy(() -> IpAddresses.parse("--ip", "example.com")).hasMessage("--ip: 'example.com' is not an IPv4 address");
		assertThat(IpAddresses.parse("ip", "10.0.2.10").getHostAddress()).isEqualTo("10.0.2.10");
	}

	@Test
	void overrideTagIsOneSafeLine() {
		OverrideTag t = new OverrideTag("control-plane", "flood\n<script>\"x\"", "m-1");
		assertThat(t.render()).isEqualTo("syncookied owner=control-plane mitigation=m-1 reason=flood  script  x");
	}

}

package io.syncookied.router;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.IpPrefix;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetKeys;
import io.syncookied.router.junos.JunosTarget;
import io.syncookied.router.linux.LinuxTarget;
import io.syncookied.router.snmp.SnmpTarget;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry: vendors found through ServiceLoader, targets parsed by their vendor, calls routed to its adapter. */
class DiversionVendorsTest {

	static final DiversionVendors VENDORS = DiversionVendors.load();

	@Test
	void everyVendorIsFoundThroughTheServiceLoader() {
		assertThat(VENDORS.names()).containsExactly("bgp", "junos", "linux", "snmp");
		assertThat(VENDORS.summaries()).allSatisfy(s -> assertThat(s).matches("[a-z]+: .+"));
	}

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
				    subnet6: 2001:DB8:2::1/64
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
		List<RouterTarget> t = VENDORS.parseFile(f);
		assertThat(t).extracting(RouterTarget::name).containsExactly("rt-lab", "mx480", "ex-snmp");
		LinuxTarget l = (LinuxTarget) t.get(0);
		assertThat(l.netnsArgs(List.of("neigh", "show"))).containsExactly("ip", "-n", "rt", "neigh", "show");
		assertThat(l.ssh()).isNull();
		assertThat(l.protocol()).isEqualTo(197);
		JunosTarget j = (JunosTarget) t.get(1);
		assertThat(j.ssh().port()).isEqualTo(830);
		assertThat(j.confirmTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(j.resilience().timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(j.subnet()).isEqualTo(IpPrefix.parse("s", "10.0.2.1/24"));
		assertThat(j.subnet6()).isEqualTo(IpPrefix.parse("s", "2001:db8:2::1/64"));
		SnmpTarget s = (SnmpTarget) t.get(2);
		assertThat(s.version()).isEqualTo(SnmpTarget.Version.V3);
		assertThat(s.port()).isEqualTo(161);
		assertThat(s.ifIndex()).isEqualTo(514);
		assertThat(s.usm().privProtocol()).isEqualTo("aes256");
		assertThat(s.toString()).doesNotContain("auth-secret").doesNotContain("priv-secret");
	}

	@Test
	void theShippedExampleParses() throws Exception {
		List<RouterTarget> t = VENDORS.parseFile(Path.of("..", "deploy", "router", "routers.example.yml"));
		assertThat(t).extracting(RouterTarget::name).containsExactly("edge-linux", "mx480", "ex4550", "border-bgp", "core-snmp");
		assertThat(t).extracting(RouterTarget::adapter).containsExactly("linux", "junos", "junos", "bgp", "snmp");
	}

	@Test
	void errorsNameTheBadField() {
		assertThatThrownBy(() -> VENDORS.parse("targets[1]", Map.of("adapter", "snmp", "host", "h",
				"community", "c", "mode", "arp", "ifindex", "3")))
			.hasMessage("targets[1].mode: expected media (ipNetToMediaTable) or physical (ipNetToPhysicalTable), got 'arp'");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "snmp", "host", "h", "community", "c",
				"mode", "media")))
			.hasMessage("t.ifindex: required");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "linux", "dev", "r1", "devv", "x")))
			.hasMessage("t.devv: unknown key for adapter linux");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "linux", "dev", "r1", "subnet6", "::1/64")))
			.hasMessage("t.subnet6: unknown key for adapter linux");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "cisco")))
			.hasMessage("t.adapter: expected one of bgp, junos, linux, snmp, got 'cisco'");
		assertThatThrownBy(() -> VENDORS.parse(TargetKeys.CLI_FLAGS, Map.of("adapter", "junos", "host",
				"h:830", "user", "u", "key", "k", "interface", "irb.0", "subnet", "10.0.2.0/33")))
			.hasMessage("--subnet: '10.0.2.0/33' is not an IPv4 interface address such as 10.0.2.1/24");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u", "key", "k",
				"interface", "irb.0", "subnet", "2001:db8::1/64")))
			.hasMessage("t.subnet: '2001:db8::1/64' is not an IPv4 interface address such as 10.0.2.1/24");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u", "key", "k",
				"interface", "irb.0", "subnet6", "10.0.2.1/24")))
			.hasMessage("t.subnet6: '10.0.2.1/24' is not an IPv6 interface address such as 2001:db8:2::1/64");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u", "key", "k",
				"interface", "irb.0")))
			.hasMessageStartingWith("t.subnet: required");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "junos", "host", "h:99999", "user", "u",
				"key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24")))
			.hasMessage("t.host: 'h:99999': port out of range");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u",
				"key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24", "confirm-timeout", "90s")))
			.hasMessageStartingWith("t.confirmtimeout: commit confirmed takes whole minutes");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "linux", "dev", "r1", "timeout", "soon")))
			.hasMessage("t.timeout: expected a duration such as 500ms, 10s or 2m, got 'soon'");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "snmp", "host", "h", "user", "u",
				"auth-password", "short", "priv-password", "long-enough", "mode", "media", "ifindex", "1")))
			.hasMessage("t.authpassword: USM passwords need at least 8 characters");
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "linux", "dev", "-x")))
			.hasMessage("t.dev: '-x' is not a valid name");
	}

	@Test
	void duplicateNamesAreRejected() {
		assertThatThrownBy(() -> VENDORS.parseDocument("f.yml", Map.of("targets", List.of(
				Map.of("name", "a", "adapter", "linux", "dev", "r1"), Map.of("name", "a", "adapter", "linux", "dev", "r2")))))
			.hasMessage("f.yml: targets[1].name: duplicate target name 'a'");
		assertThatThrownBy(() -> VENDORS.parseDocument("f.yml", Map.of("routers", List.of())))
			.hasMessage("f.yml: expected a top-level 'targets:' list");
		assertThatThrownBy(() -> VENDORS.parseDocument("f.yml", Map.of("targets", List.of(
				Map.of("adapter", "linux")))))
			.hasMessage("f.yml: targets[0].dev: required");
	}

	@Test
	void perHostInterfaceKeepsTheNameAndIsCheckedByTheVendor() {
		RouterTarget linux = VENDORS.parse("t", Map.of("adapter", "linux", "dev", "r1"));
		assertThat(((LinuxTarget) linux.onInterface("eth7")).dev()).isEqualTo("eth7");
		assertThat(linux.onInterface("eth7").name()).isEqualTo(linux.name());
		assertThatThrownBy(() -> linux.onInterface("-x")).hasMessageContaining("not a Linux interface name");
		RouterTarget snmp = VENDORS.parse("t", Map.of("adapter", "snmp", "host", "h", "community", "c", "mode",
				"media", "ifindex", "3"));
		assertThat(((SnmpTarget) snmp.onInterface("12")).ifIndex()).isEqualTo(12);
		assertThatThrownBy(() -> snmp.onInterface("eth1")).hasMessageContaining("not an ifIndex number");
		RouterTarget junos = VENDORS.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u", "key", "k",
				"interface", "irb.0", "subnet", "10.0.2.1/24"));
		assertThat(((JunosTarget) junos.onInterface("ae0.100")).interfaceName()).isEqualTo("ae0.100");
		assertThatThrownBy(() -> junos.onInterface("ae0")).hasMessageContaining("not a Junos logical interface");
	}

	/** A vendor from outside: one class, no edits to the registry, the CLI or the control plane. */
	record ThirdPartyTarget(String name, ResilienceSettings resilience) implements RouterTarget {

		@Override
		public String adapter() {
			return "acme";
		}

	}

	static final class AcmeVendor implements DiversionVendor {

		@Override
		public String name() {
			return "acme";
		}

		@Override
		public String summary() {
			return "an example";
		}

		@Override
		public Set<String> keys() {
			return Set.of("box");
		}

		@Override
		public RouterTarget parse(TargetKeys keys) {
			return new ThirdPartyTarget(keys.name("acme:" + keys.required("box")), keys.resilience());
		}

		@Override
		public DiversionAdapter adapter() {
			return new DiversionAdapter() {
				@Override
				public Diversion divert(InetAddress ip, @Nullable MacAddress mac, RouterTarget t, OverrideTag tag) {
					return Diversion.neighbour(ip, MacAddress.required(mac, t), "acme");
				}

				@Override
				public boolean restore(InetAddress ip, RouterTarget t) {
					return true;
				}

				@Override
				public List<Diversion> listDiversions(RouterTarget t) {
					return List.of();
				}
			};
		}

	}

	@Test
	void aVendorOfItsOwnIsParsedAndDriven() {
		DiversionVendors vendors = DiversionVendors.of(new AcmeVendor());
		RouterTarget t = vendors.parse("t", Map.of("adapter", "ACME", "box", "b1", "attempts", "2"));
		assertThat(t.name()).isEqualTo("acme:b1");
		assertThat(t.resilience().maxAttempts()).isEqualTo(2);
		InetAddress ip = IpAddresses.parse("ip", "2001:db8::10");
		assertThat(vendors.divert(ip, MacAddress.parse("m", "02:00:00:00:00:01"), t).owner()).isEqualTo("acme");
		assertThatThrownBy(() -> vendors.divert(ip, null, t)).hasMessage("acme:b1: acme targets divert to the "
				+ "firewall's MAC, and none was given");
		RouterTarget linux = VENDORS.parse("t", Map.of("adapter", "linux", "dev", "r1"));
		assertThatThrownBy(() -> vendors.listDiversions(linux))
			.hasMessage("no router vendor 'linux' for target linux:r1 (known: acme)");
		assertThatThrownBy(() -> DiversionVendors.of(new AcmeVendor(), new AcmeVendor()))
			.hasMessageStartingWith("two router vendors are named 'acme'");
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
		assertThatThrownBy(() -> IpAddresses.parse("--ip", "fe80::1%eth0"))
			.hasMessage("--ip: 'fe80::1%eth0' is not an IPv4 or IPv6 address");
		assertThatThrownBy(() -> IpAddresses.parse("--ip", "2001:db8::g"))
			.hasMessage("--ip: '2001:db8::g' is not an IPv4 or IPv6 address");
		assertThatThrownBy(() -> IpAddresses.parse("--ip", "::ffff:10.0.2.10"))
			.hasMessage("--ip: '::ffff:10.0.2.10' is an IPv4-mapped IPv6 address; give the IPv4 address");
		assertThat(IpAddresses.parse("ip", "10.0.2.10").getHostAddress()).isEqualTo("10.0.2.10");
		assertThat(IpAddresses.text(IpAddresses.parse("ip", "2001:DB8:0:0:0:0:0:10"))).isEqualTo("2001:db8::10");
	}

	@Test
	void prefixesContainTheirHostsOnly() {
		IpPrefix v4 = IpPrefix.parse("s", "10.0.2.1/23");
		assertThat(v4.contains(IpAddresses.parse("ip", "10.0.3.200"))).isTrue();
		assertThat(v4.contains(IpAddresses.parse("ip", "10.0.4.1"))).isFalse();
		IpPrefix v6 = IpPrefix.parse("s", "2001:db8:2::1/61");
		assertThat(v6.contains(IpAddresses.parse("ip", "2001:db8:2:7::10"))).isTrue();
		assertThat(v6.contains(IpAddresses.parse("ip", "2001:db8:2:8::10"))).isFalse();
		assertThat(v6.contains(IpAddresses.parse("ip", "10.0.2.1"))).isFalse();
		assertThatThrownBy(() -> IpPrefix.parse("s", "2001:db8::1/129")).hasMessageContaining("over 128");
		assertThat(IpPrefix.parse("s", "2001:0DB8:0002:0::1/64")).hasToString("2001:db8:2::1/64");
	}

	@Test
	void overrideTagIsOneSafeLine() {
		OverrideTag t = new OverrideTag("control-plane", "flood\n<script>\"x\"", "m-1");
		assertThat(t.render()).isEqualTo("syncookied owner=control-plane mitigation=m-1 reason=flood  script  x");
	}

}

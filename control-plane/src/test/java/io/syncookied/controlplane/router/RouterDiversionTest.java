package io.syncookied.controlplane.router;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostsFileParser;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.Via;
import io.syncookied.router.linux.LinuxTarget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane's side of the router SPI: both families, per-host interfaces, and which diversions are ours. */
class RouterDiversionTest {

	static final MacAddress FW = MacAddress.parse("m", "02:00:00:00:00:fe");

	final List<String> calls = new ArrayList<>();

	final List<Diversion> onDevice = new ArrayList<>();

	final DiversionAdapter recording = new DiversionAdapter() {
		@Override
		public Diversion divert(InetAddress ip, @Nullable MacAddress mac, RouterTarget t, OverrideTag tag) {
			calls.add("divert " + IpAddresses.text(ip) + " " + mac + " on " + ((LinuxTarget) t).dev() + " "
					+ tag.mitigationId());
			return Diversion.neighbour(ip, MacAddress.required(mac, t), "syncookied");
		}

		@Override
		public boolean restore(InetAddress ip, RouterTarget t) {
			calls.add("restore " + IpAddresses.text(ip) + " on " + ((LinuxTarget) t).dev());
			return true;
		}

		@Override
		public List<Diversion> listDiversions(RouterTarget t) {
			return onDevice;
		}
	};

	final RouterDiversion port = new RouterDiversion(this.recording,
			Map.of("rt", DiversionVendors.load().parse("t", Map.of("adapter", "linux", "name", "rt", "dev", "r1"))),
			"rt", FW);

	static List<HostConfig> hosts(String yaml) throws Exception {
		return HostsFileParser.parse(Path.of("hosts.yml"), yaml, Validations.targets("rt"));
	}

	@Test
	void ipv6HostsAreDivertedAndRestoredLikeIpv4Ones() throws Exception {
		List<HostConfig> h = hosts("""
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				- ip: fd00:2::10
				  mac: 02:00:00:00:02:0a
				  diversion: {target: rt, interface: r6}
				""");
		this.port.divert(h.get(0), "m-1").block();
		this.port.divert(h.get(1), "m-2").block();
		this.port.restore(h.get(1), "m-2").block();
		assertThat(this.calls).containsExactly("divert 10.0.2.10 02:00:00:00:00:fe on r1 m-1",
				"divert fd00:2::10 02:00:00:00:00:fe on r6 m-2", "restore fd00:2::10 on r6");
	}

	@Test
	void aClusterLeaderDivertsToTheMacOfTheNodeThatServesTheHost() throws Exception {
		HostConfig h = hosts("""
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				""").get(0);
		this.port.divert(h, "m-1", "02:00:00:00:00:03").block();
		assertThat(this.calls).containsExactly("divert 10.0.2.10 02:00:00:00:00:03 on r1 m-1");
		assertThatThrownBy(() -> this.port.divert(h, "m-2", "02:00:00:00:00").block())
			.hasMessageContaining("firewall MAC");
	}

	@Test
	void aBadPerHostInterfaceNamesTheHostsFileLine() throws Exception {
		HostConfig h = hosts("""
				- ip: fd00:2::10
				  mac: 02:00:00:00:02:0a
				  diversion: {target: rt, interface: "-bad"}
				""").get(0);
		assertThatThrownBy(() -> this.port.divert(h, "m-1").block())
			.hasMessageStartingWith("host " + h.ipText() + " (hosts file line 1): diversion.interface: ")
			.hasMessageContaining("not a Linux interface name");
	}

	@Test
	void onlyDiversionsPointingHereAreOurs() throws Exception {
		InetAddress ours4 = IpAddresses.parse("ip", "10.0.2.10");
		InetAddress ours6 = IpAddresses.parse("ip", "fd00:2::10");
		InetAddress theirs = IpAddresses.parse("ip", "10.0.2.99");
		InetAddress routed = IpAddresses.parse("ip", "10.0.9.5");
		InetAddress foreignRoute = IpAddresses.parse("ip", "10.0.9.6");
		this.onDevice.addAll(List.of(Diversion.neighbour(ours4, FW, "syncookied"), Diversion.neighbour(ours6, FW, null),
				Diversion.neighbour(theirs, MacAddress.parse("m", "02:00:00:00:00:99"), null),
				new Diversion(routed, new Via.NextHop(IpAddresses.parse("ip", "10.1.1.2"), List.of("no-export")),
						"syncookied"),
				new Diversion(foreignRoute, new Via.NextHop(IpAddresses.parse("ip", "10.1.1.9"), List.of()), null)));
		assertThat(this.port.overrides("rt").block()).containsOnlyKeys(ours4, ours6, routed);
	}

	@Test
	void aClusterLeaderReadsBackTheDiversionsToEveryNodesMacWithTheMac() throws Exception {
		InetAddress here = IpAddresses.parse("ip", "10.0.2.10");
		InetAddress otherNode = IpAddresses.parse("ip", "10.0.2.11");
		InetAddress notOurs = IpAddresses.parse("ip", "10.0.2.99");
		this.onDevice.addAll(List.of(Diversion.neighbour(here, FW, "syncookied"),
				Diversion.neighbour(otherNode, MacAddress.parse("m", "02:00:00:00:00:03"), "syncookied"),
				Diversion.neighbour(notOurs, MacAddress.parse("m", "02:00:00:00:00:99"), null)));
		assertThat(this.port.overrides("rt", Set.of("02:00:00:00:00:fe", "02:00:00:00:00:03")).block())
			.containsExactlyInAnyOrderEntriesOf(Map.of(here, "02:00:00:00:00:fe", otherNode, "02:00:00:00:00:03"));
		assertThatThrownBy(() -> this.port.overrides("rt", Set.of("02:00")).block()).hasMessageContaining("firewall MAC");
	}

}

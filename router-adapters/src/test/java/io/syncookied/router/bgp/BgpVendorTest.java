package io.syncookied.router.bgp;

import java.util.List;
import java.util.Map;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.IpAddresses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code adapter: bgp} target keys: every error names the field. */
class BgpVendorTest {

	static final DiversionVendors VENDORS = DiversionVendors.load();

	static BgpTarget parse(Object... kv) {
		java.util.Map<String, Object> m = new java.util.HashMap<>(Map.of("adapter", "bgp", "neighbor", "10.1.1.1"));
		for (int i = 0; i < kv.length; i += 2) {
			m.put((String) kv[i], kv[i + 1]);
		}
		return (BgpTarget) VENDORS.parse("t", m);
	}

	@Test
	void defaultsAndFullForm() {
		BgpTarget d = parse();
		assertThat(d.name()).isEqualTo("bgp:10.1.1.1");
		assertThat(d.api()).isEqualTo("127.0.0.1:50051");
		assertThat(d.divertsToMac()).isFalse();
		assertThat(d.cli(List.of("neighbor"))).containsExactly("gobgp", "-u", "127.0.0.1", "-p", "50051", "neighbor");

		BgpTarget t = parse("api", "unix:///run/gobgpd/api.sock", "next-hop", "192.0.2.10", "next-hop6", "2001:db8::10",
				"communities", List.of("65000:666", "NO-EXPORT"), "large-communities", "65000:1:2", "command",
				"/usr/bin/gobgp");
		assertThat(t.cli(List.of("neighbor"))).containsExactly("/usr/bin/gobgp", "--target", "unix:///run/gobgpd/api.sock",
				"neighbor");
		assertThat(t.nextHop()).isEqualTo(IpAddresses.parse("ip", "192.0.2.10"));
		assertThat(t.nextHop6()).isEqualTo(IpAddresses.parse("ip", "2001:db8::10"));
		assertThat(t.communities().texts()).containsExactly("65000:666", "no-export", "65000:1:2");
		assertThat(t.communities().cliArgs()).containsExactly("community", "65000:666,65535:65281", "large-community",
				"65000:1:2");
		assertThat(parse("api", "[::1]:50051").cli(List.of())).containsExactly("gobgp", "-u", "::1", "-p", "50051");
	}

	@Test
	void errorsNameTheField() {
		assertThatThrownBy(() -> VENDORS.parse("t", Map.of("adapter", "bgp")))
			.hasMessage("t.neighbor: required (the router's address as configured in gobgpd)");
		assertThatThrownBy(() -> parse("api", "192.0.2.1:50051")).hasMessage("t.api: '192.0.2.1:50051' is not on this "
				+ "machine: gobgpd's API has no authentication, so run gobgpd on this scrubber with --api-hosts on "
				+ "loopback or a unix socket");
		assertThatThrownBy(() -> parse("api", "gobgp.example:50051")).hasMessageStartingWith("t.api: 'gobgp.example:50051' "
				+ "is not host:port");
		assertThatThrownBy(() -> parse("api", "127.0.0.1")).hasMessageStartingWith("t.api: '127.0.0.1' is not host:port");
		assertThatThrownBy(() -> parse("communities", "65000:70000"))
			.hasMessage("t.communities: '65000:70000': '70000' is not a number between 0 and 65535");
		assertThatThrownBy(() -> parse("communities", "scrub")).hasMessage("t.communities: 'scrub' is not a community "
				+ "such as 65000:666 or no-export");
		assertThatThrownBy(() -> parse("large-communities", "1:2"))
			.hasMessage("t.largecommunities: '1:2' is not a large community such as 65000:1:2");
		assertThatThrownBy(() -> parse("next-hop", "2001:db8::1")).hasMessage("t.nexthop: '2001:db8::1' is not an IPv4 "
				+ "address");
		assertThatThrownBy(() -> parse("next-hop6", "0::0")).hasMessage("t.nexthop6: '0::0' cannot be a next hop");
		assertThatThrownBy(() -> parse("command", "gobgp; rm")).hasMessage("t.command: 'gobgp; rm' is not a valid name");
		assertThatThrownBy(() -> parse("interface", "eth0")).hasMessage("t.interface: unknown key for adapter bgp");
		assertThatThrownBy(() -> parse().onInterface("eth0")).hasMessage("bgp targets have no per-host interface");
	}

}

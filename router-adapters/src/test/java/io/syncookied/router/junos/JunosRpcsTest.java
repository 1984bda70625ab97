package io.syncookied.router.junos;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pure parsers and framing, driven by the recorded Junos replies. */
class JunosRpcsTest {

	static final JunosTarget T = (JunosTarget) DiversionVendors.load().parse("t", Map.of("adapter", "junos", "host", "h",
			"user", "u", "key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24"));

	@Test
	void parsesArpEntriesAndIgnoresWarnings() {
		String reply = FakeJunos.reply("get-configuration_response_warning", Map.of());
		assertThat(JunosRpcs.errors(reply)).isEmpty();
		JunosRpcs.AddressConfig cfg = JunosRpcs.parseAddressConfig(T, reply);
		assertThat(cfg.inet()).isTrue();
		assertThat(cfg.entries()).extracting(Diversion::toLine)
			.containsExactly("10.0.2.10 02:00:00:00:02:03", "10.0.2.20 02:00:00:00:02:03");
	}

	static final JunosTarget DUAL = (JunosTarget) DiversionVendors.load().parse("t", Map.of("adapter", "junos", "host",
			"h", "user", "u", "key", "k", "interface", "ae0.100", "subnet", "10.0.2.1/24", "subnet6",
			"2001:DB8:2:0::1/64"));

	@Test
	void parsesStaticNdpEntriesUnderTheInet6AddressMatchedByValue() {
		String reply = FakeJunos.reply("get-configuration_response_inet6", Map.of());
		JunosRpcs.AddressConfig cfg = JunosRpcs.parseAddressConfig(DUAL, reply);
		assertThat(cfg.inet()).isTrue();
		assertThat(cfg.inet6()).isTrue();
		MacAddress fw = MacAddress.parse("m", "02:00:00:00:02:03");
		// multicast-mac entries and other address statements do not divert
		assertThat(cfg.entries()).containsExactly(Diversion.neighbour(ip("10.0.2.10"), fw, null),
				Diversion.neighbour(ip("2001:db8:2::10"), fw, null), Diversion.neighbour(ip("2001:db8:2::20"), fw, null));
		JunosTarget v4only = (JunosTarget) DiversionVendors.load().parse("t", Map.of("adapter", "junos", "host", "h",
				"user", "u", "key", "k", "interface", "ae0.100", "subnet", "10.0.2.1/24"));
		assertThat(JunosRpcs.parseAddressConfig(v4only, reply).entries()).extracting(Diversion::ip)
			.containsExactly(ip("10.0.2.10"));
	}

	@Test
	void ndpStatementsGoUnderFamilyInet6() {
		InetAddress v6 = ip("2001:db8:2::10");
		MacAddress fw = MacAddress.parse("m", "02:00:00:00:02:03");
		assertThat(JunosRpcs.setNeighbour(DUAL, v6, fw)).isEqualTo("set interfaces ae0.100 family inet6 address "
				+ "2001:db8:2::1/64 ndp 2001:db8:2::10 mac 02:00:00:00:02:03");
		assertThat(JunosRpcs.deleteNeighbour(DUAL, v6))
			.isEqualTo("delete interfaces ae0.100 family inet6 address 2001:db8:2::1/64 ndp 2001:db8:2::10");
		assertThat(JunosRpcs.setNeighbour(DUAL, ip("10.0.2.10"), fw))
			.isEqualTo("set interfaces ae0.100 family inet address 10.0.2.1/24 arp 10.0.2.10 mac 02:00:00:00:02:03");
		assertThat(JunosRpcs.getAddressConfig(DUAL)).contains("<family><inet><address><name>10.0.2.1/24</name>"
				+ "</address></inet><inet6><address><name>2001:db8:2::1/64</name></address></inet6></family>");
		assertThatThrownBy(() -> JunosRpcs.setNeighbour(T, v6, fw))
			.hasMessage("junos:h: subnet6 is not configured, so this target cannot divert IPv6 addresses");
		assertThatThrownBy(() -> JunosRpcs.setNeighbour(DUAL, ip("2001:db8:3::10"), fw))
			.hasMessage("junos:h: 2001:db8:3::10 is outside 2001:db8:2::1/64 on ae0.100");
	}

	static InetAddress ip(String s) {
		return IpAddresses.parse("ip", s);
	}

	@Test
	void otherInterfaceOrAddressIsNotOurs() {
		String reply = FakeJunos.reply("get-configuration_response_warning", Map.of());
		JunosTarget other = (JunosTarget) DiversionVendors.load().parse("t", Map.of("adapter", "junos", "host", "h", "user", "u",
				"key", "k", "interface", "irb.1", "subnet", "10.0.2.1/24"));
		assertThat(JunosRpcs.parseAddressConfig(other, reply).inet()).isFalse();
	}

	@Test
	void commitErrorsIncludeEveryErrorWithPath() {
		String reply = FakeJunos.reply("commit-configuration_response_error", Map.of("id", "5", "message", "boom"));
		assertThat(JunosRpcs.errors(reply)).containsExactly(
				new JunosRpcs.RpcError("invalid-value", "boom at [edit interfaces irb unit 0 family inet address 10.0.2.1/24]"),
				new JunosRpcs.RpcError("operation-failed", "configuration check-out failed"));
	}

	@Test
	void lockDeniedIsParsed() {
		String reply = FakeJunos.reply("lock_response_lock-denied", Map.of("id", "2"));
		assertThat(JunosRpcs.errors(reply)).singleElement().satisfies(e -> {
			assertThat(e.tag()).isEqualTo("lock-denied");
			assertThat(e.message()).startsWith("configuration database locked by: noc-admin");
		});
	}

	@Test
	void xmlInTheCommandIsEscapedAndDoctypesRefused() {
		assertThat(JunosRpcs.loadSet("set a <b> & c")).contains("set a &lt;b&gt; &amp; c");
		assertThatThrownBy(() -> JunosRpcs.errors("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void framingRoundTripsBothVersions() throws IOException {
		for (boolean chunked : new boolean[] { false, true }) {
			byte[] two = concat(NetconfFraming.encode("<a>é</a>", chunked), NetconfFraming.encode("<b/>", chunked));
			ByteArrayInputStream in = new ByteArrayInputStream(two);
			assertThat(NetconfFraming.read(in, chunked)).isEqualTo("<a>é</a>");
			assertThat(NetconfFraming.read(in, chunked)).isEqualTo("<b/>");
			assertThatThrownBy(() -> NetconfFraming.read(in, chunked)).isInstanceOf(EOFException.class);
		}
	}

	@Test
	void chunkedFramingAcceptsManyChunksAndRejectsGarbage() throws IOException {
		String multi = "\n#3\n<a>\n#4\n</a>\n##\n";
		assertThat(NetconfFraming.read(in(multi), true)).isEqualTo("<a></a>");
		assertThatThrownBy(() -> NetconfFraming.read(in("\n#x\n"), true)).hasMessageContaining("bad chunk size");
		assertThatThrownBy(() -> NetconfFraming.read(in("\n#0\n"), true)).hasMessageContaining("bad chunk size");
		assertThatThrownBy(() -> NetconfFraming.read(in("\n#10\n<a>"), true)).isInstanceOf(EOFException.class);
		assertThatThrownBy(() -> NetconfFraming.read(in("<a>]]>]"), false)).isInstanceOf(EOFException.class);
	}

	private static ByteArrayInputStream in(String s) {
		return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] r = new byte[a.length + b.length];
		System.arraycopy(a, 0, r, 0, a.length);
		System.arraycopy(b, 0, r, a.length, b.length);
		return r;
	}

}

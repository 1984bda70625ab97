package io.syncookied.router.junos;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.JunosTarget;
import io.syncookied.router.api.TargetConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pure parsers and framing, driven by the recorded Junos replies. */
class JunosRpcsTest {

	static final JunosTarget T = (JunosTarget) TargetConfig.parse("t", Map.of("adapter", "junos", "host", "h",
			"user", "u", "key", "k", "interface", "irb.0", "subnet", "10.0.2.1/24"));

	@Test
	void parsesArpEntriesAndIgnoresWarnings() {
		String reply = FakeJunos.reply("get-configuration_response_warning", Map.of());
		assertThat(JunosRpcs.errors(reply)).isEmpty();
		JunosRpcs.AddressConfig cfg = JunosRpcs.parseAddressConfig(T, reply);
		assertThat(cfg.addressPresent()).isTrue();
		assertThat(cfg.arp()).extracting(ArpOverride::toLine)
			.containsExactly("10.0.2.10 02:00:00:00:02:03", "10.0.2.20 02:00:00:00:02:03");
	}

	@Test
	void otherInterfaceOrAddressIsNotOurs() {
		String reply = FakeJunos.reply("get-configuration_response_warning", Map.of());
		JunosTarget other = (JunosTarget) TargetConfig.parse("t", Map.of("adapter", "junos", "host", "h", "user", "u",
				"key", "k", "interface", "irb.1", "subnet", "10.0.2.1/24"));
		assertThat(JunosRpcs.parseAddressConfig(other, reply).addressPresent()).isFalse();
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

package io.syncookied.controlplane.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpLiteralsTest {

	@ParameterizedTest
	@ValueSource(strings = { "10.0.2.11", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::ffff:10.0.2.11",
			"0000:0000:0000:0000:0000:ffff:255.255.255.255", "FE80::1" })
	void literals(String text) throws Exception {
		assertThat(IpLiterals.parse(text, "ip")).isEqualTo(java.net.InetAddress.getByName(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "10.0.2", "10.0.2.11.", ".10.0.2.11", "10.0.2.256", "010.0.2.11", "10..2.11",
			"10.0.2.11 ", "1e1.0.0.1", "localhost", "example.com", "2001:db8::1%eth0", "[::1]", "2001:db8::g",
			"1:2:3:4:5:6:7:8:9", "0x0a.0.0.1", "4294967295" })
	void notLiterals(String text) {
		assertThatThrownBy(() -> IpLiterals.parse(text, "ip")).isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("is not an IPv4 or IPv6 address");
	}

	@Test
	void aLongTextIsRefusedOnItsLengthAlone() {
		String path = "1:".repeat(2000) + "x";
		assertThatThrownBy(() -> IpLiterals.parse(path, "ip"))
			.hasMessage("ip: '1:1:1:1:1:1:1:1:...' (4001 characters) is not an IPv4 or IPv6 address: those have at most 45");
		assertThatThrownBy(() -> IpLiterals.parse("1".repeat(46), "ip")).hasMessageContaining("at most 45");
	}

}

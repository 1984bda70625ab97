package io.syncookied.common;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class IpTextTest {

	@ParameterizedTest
	@CsvSource({ "10.0.2.10, 10.0.2.10", "fd00:2:0:0:0:0:0:10, fd00:2::10", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
			"2001:DB8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", "0:0:0:0:0:0:0:1, ::1", "0:0:0:0:0:0:0:0, ::",
			"fe80:0:0:0:0:0:0:0, fe80::", "1:0:0:2:0:0:0:3, 1:0:0:2::3", "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
			"0:0:1:0:0:0:0:0, 0:0:1::", "1:0:1:0:1:0:1:0, 1:0:1:0:1:0:1:0" })
	void formatsIpv6InRfc5952FormAndIpv4Dotted(String in, String out) throws Exception {
		assertThat(IpText.of(InetAddress.getByName(in))).isEqualTo(out);
	}

}

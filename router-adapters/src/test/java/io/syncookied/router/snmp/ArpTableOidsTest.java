package io.syncookied.router.snmp;

import java.net.InetAddress;

import io.syncookied.router.api.IpAddresses;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.OID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Row indexes of both tables and both families (IP-MIB, INET-ADDRESS-MIB). */
class ArpTableOidsTest {

	static final InetAddress V4 = IpAddresses.parse("ip", "10.0.2.10");

	static final InetAddress V6 = IpAddresses.parse("ip", "fd00:2::10");

	@Test
	void indexesFollowTheMib() {
		assertThat(ArpTableOids.index(SnmpTarget.Mode.MEDIA, 3, V4)).isEqualTo(new OID("3.10.0.2.10"));
		assertThat(ArpTableOids.index(SnmpTarget.Mode.PHYSICAL, 3, V4)).isEqualTo(new OID("3.1.4.10.0.2.10"));
		assertThat(ArpTableOids.index(SnmpTarget.Mode.PHYSICAL, 3, V6))
			.isEqualTo(new OID("3.2.16.253.0.0.2.0.0.0.0.0.0.0.0.0.0.0.16"));
		assertThatThrownBy(() -> ArpTableOids.index(SnmpTarget.Mode.MEDIA, 3, V6))
			.hasMessageContaining("ipNetToMediaTable has IPv4 rows only");
	}

	@Test
	void addressesRoundTripAndForeignRowsAreSkipped() {
		for (InetAddress ip : new InetAddress[] { V4, V6 }) {
			OID row = ArpTableOids.instance(ArpTableOids.type(SnmpTarget.Mode.PHYSICAL), SnmpTarget.Mode.PHYSICAL, 7, ip);
			assertThat(ArpTableOids.ipOf(row, ArpTableOids.type(SnmpTarget.Mode.PHYSICAL), SnmpTarget.Mode.PHYSICAL, 7))
				.isEqualTo(ip);
			assertThat(ArpTableOids.ipOf(row, ArpTableOids.type(SnmpTarget.Mode.PHYSICAL), SnmpTarget.Mode.PHYSICAL, 8))
				.as("another interface")
				.isNull();
		}
		OID col = ArpTableOids.type(SnmpTarget.Mode.PHYSICAL);
		OID zoned = new OID(col).append(new OID("7.4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.3"));
		assertThat(ArpTableOids.ipOf(zoned, col, SnmpTarget.Mode.PHYSICAL, 7)).as("ipv6z rows").isNull();
		OID shortRow = new OID(col).append(new OID("7.2.16.253.0"));
		assertThat(ArpTableOids.ipOf(shortRow, col, SnmpTarget.Mode.PHYSICAL, 7)).isNull();
	}

}

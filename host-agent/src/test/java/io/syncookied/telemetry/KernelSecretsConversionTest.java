package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;

class KernelSecretsConversionTest {

	@Test
	void everythingTheReportCarriesReachesTheTypedSnapshot() {
		TcpSecrets s = new TcpSecrets(2, new SipKey(1, 2), new SipKey(3, 4), new SipKey(5, 6), new SipKey(7, 8),
				TsOffsetRule.NET_SECRET, new SipKey(9, 10));
		ClockSample clock = new ClockSample(4300000000L, 250, 286666, 17200000123L, 1_000_000);
		Sysctls sysctls = new Sysctls(2, 1, 0, 1, 2, 4096, 4096, 2);
		Instant at = Instant.parse("2026-01-01T00:00:00Z");
		KernelSecrets k = s.toKernelSecrets(clock, sysctls, at, TcpProfile.UNKNOWN);
		assertThat(k.sampledAt()).isEqualTo(at);
		assertThat(k.format()).isEqualTo(2);
		assertThat(k.jiffies()).isEqualTo(4300000000L);
		assertThat(k.cookieCount()).isEqualTo(286666);
		assertThat(k.hz()).isEqualTo(250);
		assertThat(k.tcpClockMs()).isEqualTo(17200000123L);
		assertThat(k.secret0()).isEqualTo(new SipKey(1, 2));
		assertThat(k.secret6x1()).isEqualTo(new SipKey(7, 8));
		assertThat(k.tsOffsetRule()).isEqualTo(TsOffsetRule.NET_SECRET);
		assertThat(k.tsOffsetSecret()).isEqualTo(new SipKey(9, 10));
		assertThat(k.sysctls()).isEqualTo(new CookieSysctls(2, 1, 0, 1, 2));
		assertThat(k.overflowHook()).isEqualTo(OverflowHook.ACTIVE);
	}

	@Test
	void anOriginalFormatSampleWithoutSysctlsKnowsNothingMore() {
		TcpSecrets s = new TcpSecrets(1, new SipKey(1, 2), new SipKey(3, 4), null, null, TsOffsetRule.UNKNOWN, null);
		KernelSecrets k = s.toKernelSecrets(new ClockSample(1, 250, 0, ClockSample.ABSENT, 0), null, Instant.EPOCH,
				TcpProfile.UNKNOWN);
		assertThat(k.hasTcpClock()).isFalse();
		assertThat(k.hasIpv6()).isFalse();
		assertThat(k.sysctls()).isEqualTo(CookieSysctls.NONE);
		assertThat(k.overflowHook()).isEqualTo(OverflowHook.UNKNOWN);
	}

	/** The age the dataplane gets must not depend on how far the agent's clock is off. */
	@Test
	void theSamplingInstantIsOnTheReceiversClockWhateverTheAgentsSkew() {
		Instant received = Instant.parse("2026-01-01T00:00:10Z");
		for (long skewMs : new long[] { -3_600_000, 0, 5_000, 86_400_000 }) {
			long agentNow = received.toEpochMilli() + skewMs;
			ClockSample c = new ClockSample(1, 250, 0, 1, agentNow - 700); // read 700 ms before sending
			assertThat(c.sampledAt(Instant.ofEpochMilli(agentNow), received)).isEqualTo(received.minusMillis(700));
		}
		ClockSample future = new ClockSample(1, 250, 0, 1, 5_000);
		assertThat(future.sampledAt(Instant.ofEpochMilli(1_000), received)).isEqualTo(received);
	}

}

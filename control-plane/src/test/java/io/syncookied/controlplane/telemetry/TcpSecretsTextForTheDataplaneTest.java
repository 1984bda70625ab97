package io.syncookied.controlplane.telemetry;

import org.junit.jupiter.api.Test;

import io.syncookied.dataplane.DpSecrets;
import io.syncookied.telemetry.ClockSample;
import io.syncookied.common.SipKey;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpSecrets;
import io.syncookied.telemetry.TcpSecretsText;
import io.syncookied.common.TsOffsetRule;

import static org.assertj.core.api.Assertions.assertThat;

class TcpSecretsTextForTheDataplaneTest {

	@Test
	void rendersTheProcTcpSecretsFormatTheDataplaneTakes() {
		TcpSecrets secrets = new TcpSecrets(2, new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L),
				new SipKey(0x0f1e2d3c4b5a6978L, 0x8796a5b4c3d2e1f0L), new SipKey(1, 2), new SipKey(3, 4),
				TsOffsetRule.NET_SECRET, new SipKey(0xaaaaaaaaaaaaaaaaL, 0x5555555555555555L));
		ClockSample clock = new ClockSample(4300000000L, 250, 286666, 17200000000L, 0);
		Sysctls sysctls = new Sysctls(1, 1, 1, 1, 2, 4096, 4096, 2);
		String text = TcpSecretsText.render(secrets, clock, sysctls);
		assertThat(text).isEqualTo("""
				4300000000 286666 250
				0123456789abcdef.fedcba9876543210.
				0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.
				format 2
				syncookie6_secret0 0000000000000001.0000000000000002.
				syncookie6_secret1 0000000000000003.0000000000000004.
				tcp_clock_ms 17200000000
				ts_offset_rule net_secret
				net_secret aaaaaaaaaaaaaaaa.5555555555555555.
				tcp_syncookies 1
				tcp_timestamps 1
				tcp_sack 1
				tcp_window_scaling 1
				tcp_ecn 2
				overflow_hook active
				""");
		assertThat(DpSecrets.parse(text).text()).isEqualTo(text);
	}

	@Test
	void anOriginalFormatKernelWithNothingMoreToSayStaysThreeLines() {
		TcpSecrets secrets = new TcpSecrets(1, new SipKey(1, 2), new SipKey(3, 4), null, null, TsOffsetRule.UNKNOWN,
				null);
		String text = TcpSecretsText.render(secrets, new ClockSample(1, 100, 0, ClockSample.ABSENT, 0), Sysctls.NONE);
		assertThat(text).isEqualTo("1 0 100\n0000000000000001.0000000000000002.\n0000000000000003.0000000000000004.\n");
	}

}

package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;
import org.junit.jupiter.api.Test;

class TcpSecretsParserTest {

	static final String ORIGINAL = """
			4295191296 2 1000
			0123456789abcdef.fedcba9876543210.
			1111111111111111.2222222222222222.
			""";

	@Test
	void parsesTheExtendedFormatAndIgnoresUnknownKeys() throws Exception {
		String text;
		try (InputStream in = getClass().getResourceAsStream("/fakeproc/tcp_secrets")) {
			text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		TcpSecretsFile f = TcpSecretsParser.parse(text);
		assertThat(f.jiffies()).isEqualTo(4294967296L);
		assertThat(f.count()).isEqualTo(2);
		assertThat(f.hz()).isEqualTo(250);
		assertThat(f.tcpClockMs()).isEqualTo(123456789);
		assertThat(f.secrets().format()).isEqualTo(2);
		assertThat(f.secrets().secret0()).isEqualTo(new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L));
		assertThat(f.secrets().secret1()).isEqualTo(new SipKey(0x1111111111111111L, 0x2222222222222222L));
		assertThat(f.secrets().secret6x0()).isEqualTo(new SipKey(0x3333333333333333L, 0x4444444444444444L));
		assertThat(f.secrets().secret6x1()).isEqualTo(new SipKey(0x5555555555555555L, 0x6666666666666666L));
		assertThat(f.secrets().tsOffsetRule()).isEqualTo(TsOffsetRule.NET_SECRET);
		assertThat(f.secrets().tsOffsetSecret()).isEqualTo(new SipKey(0x7777777777777777L, 0x8888888888888888L));
		assertThat(f.values()).containsEntry("tcp_syncookies", 1L).containsEntry("tcp_ecn", 2L);
		assertThat(f.overflowHook()).isEqualTo(2);
	}

	@Test
	void parsesTheOriginalThreeLineFormat() {
		TcpSecretsFile f = TcpSecretsParser.parse(ORIGINAL);
		assertThat(f.secrets().format()).isEqualTo(1);
		assertThat(f.tcpClockMs()).isEqualTo(-1);
		assertThat(f.secrets().secret6x0()).isNull();
		assertThat(f.secrets().tsOffsetRule()).isEqualTo(TsOffsetRule.UNKNOWN);
		assertThat(f.overflowHook()).isEqualTo(-1);
		assertThat(TcpSecretsParser.parse(ORIGINAL.strip()).secrets()).isEqualTo(f.secrets());
	}

	@Test
	void allZeroSecretsMeanNotYetInitialised() {
		TcpSecretsFile f = TcpSecretsParser.parse("1 2 100\n0000000000000000.0000000000000000.\n"
				+ "0000000000000000.0000000000000000.\n");
		assertThat(f.secrets().isInitialised()).isFalse();
	}

	@Test
	void namesTheLineAndFieldOfEveryError() {
		assertThatThrownBy(() -> TcpSecretsParser.parse("1 2\n")).hasMessageContaining("line 1");
		assertThatThrownBy(() -> TcpSecretsParser.parse("1 2 x\na\nb\n")).hasMessage(
				"tcp_secrets line 1, HZ: expected an unsigned decimal, got 'x'");
		assertThatThrownBy(() -> TcpSecretsParser.parse("1 2 100\n0123.\n1111111111111111.2222222222222222.\n"))
			.hasMessageContaining("line 2, syncookie_secret[0]");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "tcp_clock_ms -5\n"))
			.hasMessageContaining("line 4, tcp_clock_ms");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "ts_offset_rule maybe\n"))
			.hasMessageContaining("line 4, ts_offset_rule: expected net_secret or ts_secret");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "format 2\nformat 2\n"))
			.hasMessageContaining("line 5, format: appears twice");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "syncookie6_secret0 1111111111111111.2222222222222222.\n"))
			.hasMessageContaining("syncookie6_secret1: missing");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "justonetoken\n")).hasMessageContaining("line 4");
		assertThatThrownBy(() -> TcpSecretsParser.parse(ORIGINAL + "ts_offset_rule ts_secret\nnet_secret "
				+ "1111111111111111.2222222222222222.\n")).hasMessageContaining("does not match ts_offset_rule");
	}

	@Test
	void refusesSha1KernelsClearly() {
		String sha1Word = "01234567.".repeat(17);
		assertThatThrownBy(() -> TcpSecretsParser.parse("1 17 100\n" + sha1Word + "\n" + sha1Word + "\n"))
			.hasMessageContaining("SHA-1 syncookie secrets (kernels before 4.11) are not supported");
	}

}

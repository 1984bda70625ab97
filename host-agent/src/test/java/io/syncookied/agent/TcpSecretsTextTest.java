package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpSecretsText;
import org.junit.jupiter.api.Test;

class TcpSecretsTextTest {

	@Test
	void rendersTheExtendedFormatBackByteForByte() throws Exception {
		String text;
		try (InputStream in = getClass().getResourceAsStream("/fakeproc/tcp_secrets")) {
			text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		TcpSecretsFile f = TcpSecretsParser.parse(text);
		ClockSample clock = new ClockSample(f.jiffies(), f.hz(), f.count(), f.tcpClockMs(), 0);
		Sysctls sysctls = new Sysctls(1, 1, 1, 1, 2, 4096, 4096, f.overflowHook());
		String rendered = TcpSecretsText.render(f.secrets(), clock, sysctls);
		// the module's own extra line (overflow_hook_calls) is the only thing not carried
		assertThat(rendered).isEqualTo(text.replace("overflow_hook_calls 42\n", ""));
		assertThat(TcpSecretsParser.parse(rendered)).isEqualTo(f);
	}

	@Test
	void rendersTheOriginalFormatAsThreeLines() {
		TcpSecretsFile f = TcpSecretsParser.parse(TcpSecretsParserTest.ORIGINAL);
		String rendered = TcpSecretsText.render(f.secrets(),
				new ClockSample(f.jiffies(), f.hz(), f.count(), f.tcpClockMs(), 0), Sysctls.NONE);
		assertThat(rendered).isEqualTo(TcpSecretsParserTest.ORIGINAL);
	}

}

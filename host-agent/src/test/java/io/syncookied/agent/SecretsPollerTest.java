package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SecretsPollerTest {

	static byte[] file(long jiffies, long clockMs, String k0) {
		return ("" + jiffies + " 2 250\n" + k0 + ".fedcba9876543210.\n1111111111111111.2222222222222222.\nformat 2\n"
				+ "tcp_clock_ms " + clockMs + "\nts_offset_rule net_secret\n").getBytes(StandardCharsets.US_ASCII);
	}

	@Test
	void seesKeyChangesButNotClockTicks() {
		SecretsPoller p = new SecretsPoller();
		assertThat(p.poll(file(1000, 5000, "0123456789abcdef"))).isTrue();
		assertThat(p.jiffies).isEqualTo(1000);
		assertThat(p.hz).isEqualTo(250);
		assertThat(p.tcpClockMs).isEqualTo(5000);
		assertThat(p.poll(file(1250, 6000, "0123456789abcdef"))).isFalse();
		assertThat(p.clockOffset(10_000)).isEqualTo(4000);
		assertThat(p.poll(file(1500, 7000, "00000000000000aa"))).isTrue();
	}

	@Test
	void ignoresCountersTheModuleAddsButSeesSysctlLines() {
		SecretsPoller p = new SecretsPoller();
		String base = new String(file(1000, 5000, "0123456789abcdef"), StandardCharsets.US_ASCII);
		p.poll((base + "tcp_timestamps 1\noverflow_hook_calls 1\n").getBytes(StandardCharsets.US_ASCII));
		assertThat(p.poll((base + "tcp_timestamps 1\noverflow_hook_calls 99\n").getBytes(StandardCharsets.US_ASCII)))
			.isFalse();
		assertThat(p.poll((base + "tcp_timestamps 2\noverflow_hook_calls 99\n").getBytes(StandardCharsets.US_ASCII)))
			.isTrue();
	}

	@Test
	void usesJiffiesForTheOriginalFormat() {
		SecretsPoller p = new SecretsPoller();
		p.poll(TcpSecretsParserTest.ORIGINAL.getBytes(StandardCharsets.US_ASCII));
		assertThat(p.tcpClockMs).isEqualTo(-1);
		assertThat(p.clockOffset(4295191296L + 1)).isEqualTo(4295191296L + 1 - 4295191296L);
	}

	@Test
	void refusesAnUnparsableHeader() {
		SecretsPoller p = new SecretsPoller();
		assertThatThrownBy(() -> p.poll("garbage".getBytes(StandardCharsets.US_ASCII)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> p.poll("1 2\n".getBytes(StandardCharsets.US_ASCII)))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

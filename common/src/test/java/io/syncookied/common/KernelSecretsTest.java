package io.syncookied.common;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KernelSecretsTest {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	static KernelSecrets sample(SipKey s0) {
		return sample(s0, new SipKey(3, 4));
	}

	static KernelSecrets sample(SipKey s0, SipKey s1) {
		return new KernelSecrets(T0, 2, 4295399872L, 4772, 250, 95317, s0, s1, new SipKey(5, 6),
				new SipKey(7, 8), TsOffsetRule.NET_SECRET, new SipKey(9, 10), new CookieSysctls(2, 1, 1, 1, 2),
				OverflowHook.ACTIVE, TcpProfile.UNKNOWN);
	}

	@Test
	void ageIsNeverNegative() {
		KernelSecrets s = sample(new SipKey(1, 2));
		assertThat(s.ageAt(T0.plusMillis(1500))).isEqualTo(Duration.ofMillis(1500));
		assertThat(s.ageAt(T0.minusSeconds(3))).isEqualTo(Duration.ZERO);
	}

	@Test
	void allZeroKeysAreNotInitialisedYet() {
		assertThat(sample(new SipKey(0, 0), new SipKey(0, 0)).isInitialised()).isFalse();
		assertThat(sample(new SipKey(0, 0), new SipKey(0, 1)).isInitialised()).isTrue();
	}

	@Test
	void rejectsHalfAnIpv6PairAndImplausibleClocks() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KernelSecrets(T0, 2, 1, 1, 250, 1, new SipKey(1, 2), new SipKey(3, 4),
					new SipKey(5, 6), null, TsOffsetRule.UNKNOWN, null, CookieSysctls.NONE, OverflowHook.UNKNOWN,
					TcpProfile.UNKNOWN))
			.withMessageContaining("secret6");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KernelSecrets(T0, 1, 1, 1, 0, KernelSecrets.ABSENT, new SipKey(1, 2),
					new SipKey(3, 4), null, null, TsOffsetRule.UNKNOWN, null, CookieSysctls.NONE, OverflowHook.UNKNOWN,
					TcpProfile.UNKNOWN))
			.withMessageContaining("hz");
	}

	@Test
	void neverPrintsKeyMaterial() {
		KernelSecrets s = sample(new SipKey(0x1122334455667788L, 2));
		assertThat(s.toString()).doesNotContain("1122334455667788");
	}

	@Test
	void profileIsOrderedAndBounded() {
		TcpProfile p = new TcpProfile(new SynAckWindow(7, 64240, 65160, 64800, 64260),
				Map.of(8080, new SynAckWindow(9, 65535, 65535, 65535, 65535), 443,
						new SynAckWindow(0, 32120, 31856, 31680, 31416)));
		assertThat(p.byPort().keySet()).containsExactly(443, 8080);
		assertThat(sample(new SipKey(1, 2)).withTcpProfile(p).tcpProfile()).isEqualTo(p);
		Map<Integer, SynAckWindow> many = new HashMap<>();
		for (int port = 1; port <= TcpProfile.MAX_PORTS + 1; port++) {
			many.put(port, new SynAckWindow(1, 1000, 1000, 1000, 1000));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> new TcpProfile(null, many)).withMessageContaining("at most");
		assertThatIllegalArgumentException().isThrownBy(() -> new SynAckWindow(7, 64240, 0, 64800, 64260))
			.withMessageContaining("window4_ts: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new SynAckWindow(15, 100, 100, 100, 100))
			.withMessageContaining("wscale");
		assertThat(new SynAckWindow(7, 64240, 65160, 64800, 64260).window(true, true)).isEqualTo(64260);
		assertThat(new SynAckWindow(7, 64240, 65160, 64800, 64260).window(false, false)).isEqualTo(64240);
	}

}

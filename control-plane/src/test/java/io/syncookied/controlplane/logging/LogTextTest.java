package io.syncookied.controlplane.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

	@Test
	void plainTextIsUnchanged() {
		String plain = "manual: ticket 4711 (über-alarm) 10.0.2.11 2001:db8::1";
		assertThat(LogText.escape(plain)).isSameAs(plain);
	}

	@Test
	void controlCharactersBecomeEscapes() {
		assertThat(LogText.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
		assertThat(LogText.escape("red\u001b[31mX\u0000\u007f\u0085")).isEqualTo("red\\u001b[31mX\\u0000\\u007f\\u0085");
		assertThat(LogText.escape("line\u2028sep\u2029")).isEqualTo("line\\u2028sep\\u2029");
		assertThat(LogText.escape("abc\u202edcba\u2066x\u2069")).isEqualTo("abc\\u202edcba\\u2066x\\u2069");
	}

}

package io.syncookied.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SipKeyTest {

	@Test
	void parsesTheProcFormAndTheVectorsForm() {
		SipKey k = new SipKey(0x6d1c4b1e9f0a2c37L, 0xa41f5e2b7c9d0e18L);
		assertThat(SipKey.parse("6d1c4b1e9f0a2c37.a41f5e2b7c9d0e18.")).isEqualTo(k);
		assertThat(SipKey.parse("6d1c4b1e9f0a2c37,a41f5e2b7c9d0e18")).isEqualTo(k);
		assertThat(SipKey.parse(k.toProcText())).isEqualTo(k);
		assertThat(k.toProcText()).isEqualTo("6d1c4b1e9f0a2c37.a41f5e2b7c9d0e18.");
	}

	@Test
	void rejectsAnythingElseWithoutRepeatingIt() {
		for (String bad : new String[] { "", "1.2.3.", "xyz.1.", "11112222333344445.1.", "1" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> SipKey.parse(bad))
				.withMessage("key: expected two 64-bit hex words <hex64>.<hex64>.");
		}
	}

	@Test
	void neverPrintsTheKey() {
		assertThat(new SipKey(0x1234, 0x5678).toString()).doesNotContain("1234").doesNotContain("5678");
	}

}

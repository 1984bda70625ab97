package io.syncookied.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TsOffsetRuleTest {

	/** The dataplane's enum dp_tsoff_rule and the telemetry protocol use these numbers: they must never drift. */
	@Test
	void codesAreTheDataplanesAndTheTelemetryProtocols() {
		assertThat(TsOffsetRule.UNKNOWN.code()).isZero();
		assertThat(TsOffsetRule.TS_SECRET.code()).isEqualTo(1);
		assertThat(TsOffsetRule.NET_SECRET.code()).isEqualTo(2);
		for (TsOffsetRule r : TsOffsetRule.values()) {
			assertThat(TsOffsetRule.fromCode(r.code())).isSameAs(r);
		}
		assertThat(TsOffsetRule.fromCode(3)).isNull();
	}

	@Test
	void procNamesRoundTrip() {
		assertThat(TsOffsetRule.fromProcName("net_secret")).isSameAs(TsOffsetRule.NET_SECRET);
		assertThat(TsOffsetRule.fromProcName("ts_secret")).isSameAs(TsOffsetRule.TS_SECRET);
		assertThat(TsOffsetRule.fromProcName("none")).isNull();
		assertThat(TsOffsetRule.UNKNOWN.procName()).isNull();
	}

}

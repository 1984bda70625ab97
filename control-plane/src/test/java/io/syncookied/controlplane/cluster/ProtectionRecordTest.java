package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.HostState;
import io.syncookied.controlplane.protection.core.ProtectionIntent;
import io.syncookied.controlplane.protection.core.ProtectionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtectionRecordTest {

	private static final ClusterKeys KEYS = new ClusterKeys("/syncookied");

	private static final Instant T = Instant.parse("2026-12-03T10:15:30.123Z");

	@Test
	void everyStateAndIntentReadsBackAsWritten() throws Exception {
		InetAddress ip = InetAddress.getByName("192.0.2.40");
		ProtectionIntent manual = new ProtectionIntent(ProtectionIntent.Trigger.MANUAL, "operator", T, T.plusSeconds(1800));
		ProtectionIntent auto = new ProtectionIntent(ProtectionIntent.Trigger.AUTO, "syn flood", T, null);
		List<ProtectionRecord> records = List.of(
				new ProtectionRecord(ip, true, new ProtectionState.Unprotected(T, "configured"), null, null, null, null),
				new ProtectionRecord(ip, true, new ProtectionState.Diverting(T, "syn flood", "m-1"), auto,
						T.plusSeconds(30), T.minusMillis(40), null),
				new ProtectionRecord(ip, true, new ProtectionState.Protected(T, "syn flood", "m-1"), manual,
						T.plusSeconds(30), T, T.plusSeconds(60)),
				new ProtectionRecord(ip, true, new ProtectionState.Restoring(T, "attack over", "m-1"), null, null, T,
						null),
				new ProtectionRecord(ip, false, new ProtectionState.Failed(T, "router divert failed: timeout", "m-1",
						true), auto, null, null, null),
				new ProtectionRecord(ip, true, new ProtectionState.Failed(T, "no fresh secrets", null, false), null,
						null, null, null));
		for (ProtectionRecord record : records) {
			assertThat(ProtectionRecord.decode(KEYS.host(ip), record.encode())).isEqualTo(record);
		}
	}

	@Test
	void theCoresStateComesBackWithThisNodesConfigurationAndNoStepInFlight() throws Exception {
		InetAddress ip = InetAddress.getByName("2001:db8::40");
		HostConfig config = HostConfig.unconfigured(ip, null);
		ProtectionRecord record = new ProtectionRecord(ip, false, new ProtectionState.Protected(T, "syn flood", "m-9"),
				null, T.plusSeconds(30), T, null);
		HostState state = record.toHostState(config);
		assertThat(state.host()).isSameAs(config);
		assertThat(state.work()).isNull();
		assertThat(ProtectionRecord.of(state)).isEqualTo(record);
		assertThatThrownBy(() -> record.toHostState(HostConfig.unconfigured(InetAddress.getByName("2001:db8::41"), null)))
			.hasMessageContaining("configuration of 2001:db8::41 given for 2001:db8::40");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			protected without mitigation | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"PROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":true,"intent":null,"intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'mitigation' is missing for phase PROTECTED
			unprotected but diverted     | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"UNPROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":true,"intent":null,"intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'diverted' is true, which phase UNPROTECTED never is
			half an intent               | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"UNPROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":false,"intent":"MANUAL","intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'intent' needs intent, intentReason and intentAt together
			unknown trigger              | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"UNPROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":false,"intent":"CRON","intentReason":"x","intentAt":"2026-12-03T10:15:30Z","intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'intent' 'CRON' is none of
			local time                   | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"UNPROTECTED","since":"2026-12-03 10:15","reason":"r","mitigation":null,"diverted":false,"intent":null,"intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'since' '2026-12-03 10:15' is not an ISO-8601 instant
			string for a flag            | {"v":1,"ip":"192.0.2.40","configured":"yes","phase":"UNPROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":false,"intent":null,"intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null} | field 'configured' must be true or false
			a step in flight             | {"v":1,"ip":"192.0.2.40","configured":true,"phase":"UNPROTECTED","since":"2026-12-03T10:15:30Z","reason":"r","mitigation":null,"diverted":false,"intent":null,"intentReason":null,"intentAt":null,"intentExpires":null,"pickupUntil":null,"secretsAt":null,"lastStaleAlert":null,"work":"ROUTER_DIVERT"} | field 'work' unknown field
			""")
	void aBadRecordNamesItsKeyAndField(String name, String json, String problem) {
		String key = "/syncookied/hosts/192.0.2.40";
		assertThatThrownBy(() -> ProtectionRecord.decode(key, json.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(CorruptValueException.class)
			.hasMessageStartingWith(key + ": ")
			.hasMessageContaining(problem);
	}

}

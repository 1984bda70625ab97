package io.syncookied.controlplane.api;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import io.syncookied.controlplane.telemetry.AgentTelemetrySource;
import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.DatagramSealer;
import io.syncookied.telemetry.MessageType;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReportCodec;
import io.syncookied.telemetry.ReportTrigger;
import io.syncookied.telemetry.SequenceSource;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The receiver's counters reach operators: as metrics by reason, and per source through the API. */
class TelemetryReceiverVisibleTest extends ApiTestBase {

	@Autowired
	AgentTelemetrySource agents;

	@Test
	void acceptedAndRejectedDatagramsShowInTheMetricsAndTheApi() throws Exception {
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, AGENT_KEY);
		PresharedKey wrong = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, new byte[32]);
		DatagramSealer sealer = new DatagramSealer(new SequenceSource(false), System::currentTimeMillis);
		AgentReport report = new AgentReport("web1.example", ReportTrigger.INTERVAL, null, null, 0, false,
				new Sysctls(1, 1, 1, 1, 2, 4096, 4096, 2), new TcpCounters(1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0), List.of(), 0);
		ByteBuffer plain = ByteBuffer.allocate(1400);
		ReportCodec.encode(report, plain);
		byte[] good = sealer.seal(key, MessageType.REPORT, plain.array(), 0, plain.position());
		byte[] forged = sealer.seal(wrong, MessageType.REPORT, plain.array(), 0, plain.position());
		long before = this.agents.receiverStats().accepted();
		try (DatagramChannel out = DatagramChannel.open()) {
			for (byte[] d : List.of(good, good, forged)) { // the second is a replay
				out.send(ByteBuffer.wrap(d), this.agents.bound());
			}
		}
		await().until(() -> this.agents.receiverStats().rejectedTotal() >= 2
				&& this.agents.receiverStats().accepted() > before);

		reader().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).value(scrape -> assertThat(scrape)
				.containsPattern("syncookied_telemetry_rejected_total\\{[^}]*reason=\"bad_tag\"[^}]*} [1-9]")
				.containsPattern("syncookied_telemetry_rejected_total\\{[^}]*reason=\"replay\"[^}]*} [1-9]")
				.containsPattern("syncookied_telemetry_rejected_total\\{[^}]*reason=\"superseded\"[^}]*} 0")
				.containsPattern("syncookied_telemetry_accepted_total\\{[^}]*} [1-9]"));
		reader().get().uri("/api/v1/telemetry").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.listening").isEqualTo(this.agents.bound().toString())
			.jsonPath("$.rejected.bad_tag").value(n -> assertThat(((Number) n).longValue()).isPositive())
			.jsonPath("$.sources[0].source").isEqualTo("127.0.0.1")
			.jsonPath("$.sources[0].rejected.replay").value(n -> assertThat(((Number) n).longValue()).isPositive());
	}

}

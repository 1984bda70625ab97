package io.syncookied.controlplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.telemetry.AgentTelemetrySource;
import io.syncookied.telemetry.ReceiverStats;
import io.syncookied.telemetry.RejectReason;

/**
 * The agents' receiver counters ({@link ReceiverStats}) as counters: {@code syncookied.telemetry.accepted},
 * {@code syncookied.telemetry.rejected} by {@code reason} (every reason, so a rate can be taken from zero),
 * {@code syncookied.telemetry.events.dropped} and {@code syncookied.telemetry.resend.requests}. Per-source counts
 * stay out of the metrics (a spoofing flood would make thousands of series): {@code GET /api/v1/telemetry} has
 * them. Nothing is registered when the receiver is off.
 */
@Component
public final class TelemetryMetrics implements MeterBinder {

	private final ObjectProvider<AgentTelemetrySource> source;

	public TelemetryMetrics(ObjectProvider<AgentTelemetrySource> source) {
		this.source = source;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		AgentTelemetrySource agents = this.source.getIfAvailable();
		if (agents == null) {
			return;
		}
		ReceiverStats stats = agents.receiverStats();
		FunctionCounter.builder("syncookied.telemetry.accepted", stats, ReceiverStats::accepted)
			.description("Agent datagrams authenticated, decoded and published").register(registry);
		for (RejectReason reason : RejectReason.values()) {
			FunctionCounter.builder("syncookied.telemetry.rejected", stats, s -> s.rejected(reason))
				.tag("reason", reason.tag())
				.description("Agent datagrams dropped, by reason (docs/protocol.md, receiver checks)")
				.register(registry);
		}
		FunctionCounter.builder("syncookied.telemetry.events.dropped", stats, ReceiverStats::eventsDropped)
			.description("Telemetry events not delivered because subscribers did not keep up").register(registry);
		FunctionCounter.builder("syncookied.telemetry.resend.requests", stats, ReceiverStats::resendRequestsSent)
			.description("Resend requests sent to agents").register(registry);
	}

}

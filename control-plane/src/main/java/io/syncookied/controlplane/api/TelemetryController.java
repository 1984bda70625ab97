package io.syncookied.controlplane.api;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncookied.controlplane.telemetry.AgentTelemetrySource;
import io.syncookied.telemetry.ReceiverStats;
import io.syncookied.telemetry.RejectReason;

/**
 * {@code GET /api/v1/telemetry}: the agents' receiver counters, with the sources that sent the most rejected
 * datagrams (the first thing to look at when an agent's reports do not arrive).
 */
@RestController
public class TelemetryController {

	static final int TOP_SOURCES = 100;

	/** Receiver counters; {@code listening} is null (and the rest zero) when the receiver is off. */
	public record ReceiverView(@Nullable String listening, long accepted, Map<String, Long> rejected,
			long eventsDropped, long resendRequestsSent, List<SourceView> sources) {
	}

	/** One source address (or "other" for the overflow bucket) and its counts. */
	public record SourceView(String source, long accepted, Map<String, Long> rejected) {
	}

	private final ObjectProvider<AgentTelemetrySource> source;

	public TelemetryController(ObjectProvider<AgentTelemetrySource> source) {
		this.source = source;
	}

	@GetMapping(path = "/api/v1/telemetry", produces = MediaType.APPLICATION_JSON_VALUE)
	public ReceiverView receiver() {
		AgentTelemetrySource agents = this.source.getIfAvailable();
		if (agents == null) {
			return new ReceiverView(null, 0, Map.of(), 0, 0, List.of());
		}
		ReceiverStats stats = agents.receiverStats();
		Map<String, Long> rejected = new LinkedHashMap<>();
		for (RejectReason r : RejectReason.values()) {
			rejected.put(r.tag(), stats.rejected(r));
		}
		Map<String, Long> acceptedBySource = stats.acceptedBySource();
		List<SourceView> sources = stats.bySource().entrySet().stream().map(e -> {
			Map<String, Long> byReason = new LinkedHashMap<>();
			e.getValue().forEach((reason, n) -> byReason.put(reason.tag(), n));
			return new SourceView(e.getKey(), acceptedBySource.getOrDefault(e.getKey(), 0L), byReason);
		})
			.sorted(Comparator.comparingLong((SourceView v) -> -total(v.rejected())).thenComparing(SourceView::source))
			.limit(TOP_SOURCES)
			.toList();
		return new ReceiverView(agents.bound().toString(), stats.accepted(), rejected, stats.eventsDropped(),
				stats.resendRequestsSent(), sources);
	}

	private static long total(Map<String, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

}

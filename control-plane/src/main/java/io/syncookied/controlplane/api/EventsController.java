package io.syncookied.controlplane.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import io.syncookied.controlplane.events.EventBus;

/**
 * {@code GET /api/v1/events}: Server-Sent Events, each with its {@code id:}. A client that reconnects with
 * {@code Last-Event-ID} first gets what it missed, from the last {@value EventBus#HISTORY} events; when some are
 * gone it gets a {@code gap} event first. The streams end when the application stops, before the web server's
 * graceful shutdown, which would otherwise wait its whole timeout for streams that never end.
 */
@RestController
public class EventsController implements SmartLifecycle {

	private static final Duration KEEPALIVE = Duration.ofSeconds(15);

	private final EventBus events;

	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private volatile boolean running;

	public EventsController(EventBus events) {
		this.events = events;
	}

	@GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<Object>> events(
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		EventBus.ReplayStart start = this.events.start(parse(lastEventId));
		Flux<ServerSentEvent<Object>> data = this.events.after(start.after())
			.onBackpressureDrop()
			.map(n -> ServerSentEvent.<Object>builder(n.event()).id(Long.toString(n.id())).event(n.event().type())
				.build());
		if (start.gap()) {
			Map<String, Object> gap = new LinkedHashMap<>();
			gap.put("lastEventId", lastEventId);
			gap.put("resumesAfter", Long.toString(start.after()));
			gap.put("detail", "events after lastEventId are no longer held (history: the last " + EventBus.HISTORY
					+ " events, since the control plane started); resynchronise with GET /api/v1/hosts");
			data = data.startWith(ServerSentEvent.<Object>builder(gap).event("gap").build());
		}
		Flux<ServerSentEvent<Object>> keepalive = Flux.interval(KEEPALIVE)
			.map(t -> ServerSentEvent.<Object>builder().comment("keepalive").build());
		// a first comment flushes the response headers at once, so clients know they are connected
		ServerSentEvent<Object> hello = ServerSentEvent.builder().comment("connected").build();
		return Flux.merge(data, keepalive).startWith(hello).takeUntilOther(this.stopping.asMono());
	}

	private static @Nullable Long parse(@Nullable String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return null;
		}
		try {
			return Long.parseLong(lastEventId.trim());
		}
		catch (NumberFormatException ex) {
			throw new InvalidRequestException("Last-Event-ID", "not an event id of this API (a decimal number)");
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every open stream; runs before the web server's graceful shutdown (a later phase stops first). */
	@Override
	public void stop() {
		this.stopping.tryEmitEmpty();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}

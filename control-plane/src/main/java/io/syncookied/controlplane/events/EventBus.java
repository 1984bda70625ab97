package io.syncookied.controlplane.events;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.stereotype.Component;

/**
 * Fan-out of {@link ControlEvent}s to SSE clients and internal listeners, each numbered so that a client that
 * reconnects can get what it missed ({@link #since}) from a bounded history of the last {@value #HISTORY}. A slow
 * SSE client loses events (best effort) instead of slowing the state machine down; every event is also logged,
 * so nothing is lost for good.
 * <p>
 * Ids start at the wall clock in microseconds when the bus is created and count up by one, so they keep growing
 * across restarts: an id from before a restart is below every id of this run, and is answered as a gap.
 */
@Component
public final class EventBus {

	/** How many of the latest events a reconnecting client can get back. */
	public static final int HISTORY = 1024;

	private static final Logger log = LoggerFactory.getLogger("io.syncookied.events");

	/** An event with its id. */
	public record Numbered(long id, ControlEvent event) {
	}

	/** Where a replay starts: after {@code after}; {@code gap} when events the client missed are gone. */
	public record ReplayStart(long after, boolean gap) {
	}

	/** Holds the last {@value #HISTORY} events for every new subscriber, who skips what it does not want. */
	private final Sinks.Many<Numbered> sink = Sinks.many().replay().limit(HISTORY);

	private final long firstId = System.currentTimeMillis() * 1000;

	private long lastId = this.firstId - 1;

	public void publish(ControlEvent event) {
		if (event instanceof ControlEvent.Alert) {
			log.warn("{}", event);
		}
		else {
			log.info("{}", event);
		}
		synchronized (this.sink) { // Sinks are not safe for concurrent emitters; ids follow emission order
			this.sink.tryEmitNext(new Numbered(++this.lastId, event));
		}
	}

	/** Live events, from the subscription on. */
	public Flux<ControlEvent> events() {
		return numbered().map(Numbered::event);
	}

	/** Live events with their ids, from the subscription on. */
	public Flux<Numbered> numbered() {
		return Flux.defer(() -> after(start(null).after()));
	}

	/**
	 * The events after {@code lastSeenId} that the history still holds, then live ones; none is lost or repeated
	 * in between, because the history and the live stream are one replaying sink.
	 */
	public Flux<Numbered> after(long lastSeenId) {
		return this.sink.asFlux().filter(n -> n.id() > lastSeenId);
	}

	/**
	 * Where a client that last saw {@code lastSeenId} resumes: right after it when the history still holds every
	 * later event; otherwise at the oldest event held, with {@code gap} set (the id is older than the history, from
	 * before a restart, or was never given out). {@code null}: a new client, which gets live events only.
	 */
	public ReplayStart start(@Nullable Long lastSeenId) {
		synchronized (this.sink) {
			if (lastSeenId == null) {
				return new ReplayStart(this.lastId, false);
			}
			long oldestHeld = Math.max(this.firstId, this.lastId - HISTORY + 1);
			boolean gap = lastSeenId < oldestHeld - 1 || lastSeenId > this.lastId;
			return new ReplayStart(gap ? oldestHeld - 1 : lastSeenId, gap);
		}
	}

}

package io.syncookied.controlplane.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.stereotype.Component;

/**
 * Fan-out of {@link ControlEvent}s to SSE clients and internal listeners. A slow SSE client loses events (best
 * effort) instead of slowing the state machine down; every event is also logged, so nothing is lost for good.
 */
@Component
public final class EventBus {

	private static final Logger log = LoggerFactory.getLogger("io.syncookied.events");

	private final Sinks.Many<ControlEvent> sink = Sinks.many().multicast().directBestEffort();

	public void publish(ControlEvent event) {
		if (event instanceof ControlEvent.Alert) {
			log.warn("{}", event);
		}
		else {
			log.info("{}", event);
		}
		synchronized (this.sink) { // Sinks are not safe for concurrent emitters
			this.sink.tryEmitNext(event);
		}
	}

	public Flux<ControlEvent> events() {
		return this.sink.asFlux();
	}

}

package io.syncookied.controlplane.hooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;

/**
 * Hands every event of the configured types to the operator's script and webhook ({@code syncookied.hooks}). It
 * listens to the {@link EventBus} from its creation, before the protection service starts, so a hook sees the
 * state changes of the start too. Listening only numbers the event and queues it for each receiver (no I/O, no lock,
 * no blocking): the thread that published it, the protection loop or an event loop, goes on at once.
 */
@Component
public final class Hooks implements DisposableBean {

	/** How long a stopping control plane gives the queued events (one attempt each). */
	static final Duration DRAIN = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(Hooks.class);

	private final List<HookSink> sinks = new ArrayList<>();

	private final String node = hostname();

	private final Disposable subscription;

	public Hooks(HooksProperties properties, EventBus bus, MeterRegistry meters, Clock clock) {
		if (properties.script().path() != null) {
			this.sinks.add(new HookSink(new ScriptReceiver(properties.script().path(), properties.script().timeout()),
					properties.script().policy(), bus::publish, meters, clock));
			log.info("Hook script {} gets {} events", properties.script().path(), properties.script().events());
		}
		if (properties.webhook().url() != null) {
			WebhookReceiver webhook = new WebhookReceiver(properties.webhook(), clock);
			this.sinks.add(new HookSink(webhook, properties.webhook().policy(), bus::publish, meters, clock));
			log.info("Webhook {} gets {} events", webhook.name(), properties.webhook().events());
		}
		this.sinks.forEach(HookSink::start);
		this.subscription = this.sinks.isEmpty() ? () -> {
		} : bus.events().subscribe(this::accept);
	}

	/** Runs on the publisher's thread: must neither block nor throw (an error would end the subscription). */
	private void accept(ControlEvent event) {
		try {
			HookEventType.of(event).ifPresent(type -> {
				HookEvent hooked = new HookEvent(UUID.randomUUID().toString(), 0, type, this.node, event);
				for (HookSink sink : this.sinks) {
					sink.offer(hooked);
				}
			});
		}
		catch (RuntimeException ex) {
			log.error("Hook: cannot queue {}", event.type(), ex);
		}
	}

	@Override
	public void destroy() {
		this.subscription.dispose();
		this.sinks.forEach(HookSink::finish); // all drain at once: the shutdown waits DRAIN at most, not one per sink
		for (HookSink sink : this.sinks) {
			sink.close(DRAIN);
		}
	}

	private static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}

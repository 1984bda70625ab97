package io.syncookied.controlplane.api;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.supervision.DataplaneView;
import io.syncookied.controlplane.supervision.WorkerSupervisor;

/** Events (SSE), config reload, dataplane status and the OpenAPI document. */
@RestController
@RequestMapping("/api/v1")
public class OperationsController {

	private static final Duration SSE_KEEPALIVE = Duration.ofSeconds(15);

	private final EventBus events;

	private final HostRegistry registry;

	private final WorkerSupervisor supervisor;

	public OperationsController(EventBus events, HostRegistry registry, WorkerSupervisor supervisor) {
		this.events = events;
		this.registry = registry;
		this.supervisor = supervisor;
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<ControlEvent>> events() {
		Flux<ServerSentEvent<ControlEvent>> data = this.events.events()
			.onBackpressureDrop()
			.map(e -> ServerSentEvent.<ControlEvent>builder(e).event(e.type()).build());
		Flux<ServerSentEvent<ControlEvent>> keepalive = Flux.interval(SSE_KEEPALIVE)
			.map(t -> ServerSentEvent.<ControlEvent>builder().comment("keepalive").build());
		// a first comment flushes the response headers at once, so clients know they are connected
		ServerSentEvent<ControlEvent> hello = ServerSentEvent.<ControlEvent>builder().comment("connected").build();
		return Flux.merge(data, keepalive).startWith(hello);
	}

	@PostMapping(path = "/config/reload", produces = MediaType.APPLICATION_JSON_VALUE)
	public Mono<HostRegistry.ReloadResult> reload() {
		return Mono.fromCallable(() -> this.registry.reload("REST"))
			.subscribeOn(Schedulers.boundedElastic()) // file I/O never on the event loop
			.map(result -> {
				if (!result.accepted()) {
					throw new ReloadRejectedException(result);
				}
				return result;
			});
	}

	@GetMapping(path = "/dataplane", produces = MediaType.APPLICATION_JSON_VALUE)
	public Mono<DataplaneView> dataplane() {
		return this.supervisor.view();
	}

	@GetMapping(path = "/openapi.yaml", produces = "application/yaml")
	public ResponseEntity<Resource> openapi() {
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("application/yaml"))
			.body(new ClassPathResource("openapi.yaml"));
	}

}

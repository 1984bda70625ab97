package io.syncookied.controlplane.api;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.supervision.DataplaneView;
import io.syncookied.controlplane.supervision.WorkerSupervisor;

/** Config reload, dataplane status and the OpenAPI document. */
@RestController
@RequestMapping("/api/v1")
public class OperationsController {

	private final HostRegistry registry;

	private final WorkerSupervisor supervisor;

	public OperationsController(HostRegistry registry, WorkerSupervisor supervisor) {
		this.registry = registry;
		this.supervisor = supervisor;
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

package io.syncookied.controlplane.health;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.supervision.WorkerSupervisor;

/**
 * {@code dataplane}: DOWN while the configured dataplane worker does not answer healthy heartbeats (starting, lost,
 * being restarted); UP when it does, or when no dataplane is configured. Reads the supervisor's state: never blocks.
 */
@Component
public final class DataplaneHealthIndicator implements ReactiveHealthIndicator {

	private final WorkerSupervisor supervisor;

	private final DataplaneProperties properties;

	public DataplaneHealthIndicator(WorkerSupervisor supervisor, DataplaneProperties properties) {
		this.supervisor = supervisor;
		this.properties = properties;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> {
			if (!this.properties.enabled()) {
				return Health.up().withDetail("dataplane", "not configured (syncookied.dataplane.enabled=false)").build();
			}
			Health.Builder health = this.supervisor.healthy() ? Health.up() : Health.down();
			health.withDetail("worker", this.supervisor.health().name().toLowerCase(java.util.Locale.ROOT));
			String cause = this.supervisor.lastStatus().cause();
			if (!this.supervisor.healthy() && cause != null) {
				health.withDetail("cause", cause);
			}
			return health.build();
		});
	}

}

package io.syncookied.controlplane.health;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.telemetry.SecretsStore;

/**
 * {@code secrets}: DOWN while a host the router may divert to the firewall has stale secrets (its agent stopped
 * reporting: the firewall's cookies drift from what the server accepts), naming each such host. Hosts that are not
 * diverted do not count: they are only refused protection until their agent is back. Reads in-memory state.
 */
@Component
public final class SecretsHealthIndicator implements ReactiveHealthIndicator {

	private final ProtectionService protection;

	private final SecretsStore secrets;

	public SecretsHealthIndicator(ProtectionService protection, SecretsStore secrets) {
		this.protection = protection;
		this.secrets = secrets;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> {
			List<HostView> diverted = this.protection.hosts().stream().filter(HostView::diverted).toList();
			List<String> stale = diverted.stream()
				.filter(h -> this.secrets.fresh(h.ip()).isEmpty())
				.map(h -> IpText.of(h.ip()) + ": " + this.secrets.staleness(h.ip()))
				.toList();
			return (stale.isEmpty() ? Health.up() : Health.down()).withDetail("diverted", diverted.size())
				.withDetail("stale", stale)
				.build();
		});
	}

}

package io.syncookied.controlplane.health;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.config.HealthProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.router.DiversionPort;

/**
 * {@code routers}: DOWN when router targets are configured and none of them could be read at the last check (the
 * control plane could then divert nothing); UP when at least one could, or when none is configured. Every
 * {@code syncookied.health.router-check-interval} each target's diversion table is read in the background (a
 * reachable, authenticated device whose table can be read is healthy), within the step timeout; the health request
 * itself only reads the last results.
 */
@Component
public final class RoutersHealthIndicator implements ReactiveHealthIndicator, SmartLifecycle {

	/** The last check of one target: its error, or null when the table was read. */
	private record Check(@Nullable String failure) {
	}

	private final DiversionPort router;

	private final Duration interval;

	private final Duration timeout;

	private final Map<String, Check> checks = new ConcurrentHashMap<>();

	private volatile @Nullable Disposable checking;

	public RoutersHealthIndicator(DiversionPort router, HealthProperties health, ProtectionProperties protection) {
		this.router = router;
		this.interval = health.routerCheckInterval();
		this.timeout = protection.stepTimeout();
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> {
			if (this.router.targets().isEmpty()) {
				return Health.up().withDetail("targets", "none configured: diversion disabled").build();
			}
			Map<String, String> targets = new TreeMap<>();
			boolean anyReachable = false;
			for (String target : this.router.targets()) {
				Check check = this.checks.get(target);
				if (check == null) {
					targets.put(target, "not checked yet");
				}
				else if (check.failure() == null) {
					targets.put(target, "reachable");
					anyReachable = true;
				}
				else {
					targets.put(target, "unreachable: " + check.failure());
				}
			}
			return (anyReachable ? Health.up() : Health.down()).withDetail("targets", targets).build();
		});
	}

	private Mono<Void> checkAll() {
		return Flux.fromIterable(this.router.targets())
			.flatMap(target -> this.router.overrides(target)
				.timeout(this.timeout)
				.map(o -> new Check(null))
				.onErrorResume(ex -> Mono.just(new Check(describe(ex))))
				.doOnNext(check -> this.checks.put(target, check)))
			.then();
	}

	private static String describe(Throwable ex) {
		String message = ex.getMessage();
		return (message != null && !message.isBlank()) ? message : ex.getClass().getSimpleName();
	}

	@Override
	public void start() {
		if (!this.router.targets().isEmpty()) {
			this.checking = Flux.interval(Duration.ZERO, this.interval)
				.onBackpressureDrop()
				.concatMap(t -> checkAll(), 1)
				.subscribe();
		}
	}

	@Override
	public void stop() {
		Disposable d = this.checking;
		if (d != null) {
			d.dispose();
		}
		this.checking = null;
	}

	@Override
	public boolean isRunning() {
		return this.checking != null;
	}

}

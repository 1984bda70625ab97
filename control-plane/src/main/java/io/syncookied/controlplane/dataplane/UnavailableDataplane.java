package io.syncookied.controlplane.dataplane;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import reactor.core.publisher.Mono;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.hosts.HostConfig;

/**
 * The dataplane when none can be used (disabled, or its native library is missing): every change fails with the
 * cause, so protection ends in FAILED with a message instead of diverting traffic into nothing.
 */
public final class UnavailableDataplane implements DataplanePort {

	private final String cause;

	private final Clock clock;

	public UnavailableDataplane(String cause, Clock clock) {
		this.cause = cause;
		this.clock = clock;
	}

	@Override
	public Mono<Void> setHost(HostConfig host, KernelSecrets secrets, Duration pickupWindow) {
		return Mono.error(new IllegalStateException("dataplane unavailable: " + this.cause));
	}

	@Override
	public Mono<Void> setSecrets(InetAddress ip, KernelSecrets secrets) {
		return Mono.error(new IllegalStateException("dataplane unavailable: " + this.cause));
	}

	@Override
	public Mono<Void> removeHost(InetAddress ip) {
		return Mono.empty(); // nothing can be in a dataplane that does not exist
	}

	@Override
	public Mono<Void> resync(Collection<HostConfig> hosts, Map<InetAddress, KernelSecrets> secrets,
			Duration pickupWindow) {
		return hosts.isEmpty() ? Mono.empty()
				: Mono.error(new IllegalStateException("dataplane unavailable: " + this.cause));
	}

	@Override
	public Mono<DataplaneStatus> status() {
		return Mono.just(DataplaneStatus.unavailable(this.cause, this.clock.instant()));
	}

}

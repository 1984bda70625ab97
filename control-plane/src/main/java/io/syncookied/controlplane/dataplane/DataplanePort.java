package io.syncookied.controlplane.dataplane;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import reactor.core.publisher.Mono;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.hosts.HostConfig;

/**
 * What the control plane needs from the dataplane worker, in typed values: a host's record and its kernel's
 * secrets (never /proc text). Every method is non-blocking: implementations that call a socket run on
 * {@code boundedElastic}.
 */
public interface DataplanePort {

	/** Add or replace a host together with its current secrets (the host never runs without secrets). */
	default Mono<Void> setHost(HostConfig host, KernelSecrets secrets) {
		return setHost(host, secrets, Duration.ZERO);
	}

	/**
	 * Add or replace a host with a pickup window: for {@code pickupWindow} (whole seconds, rounded up; zero = none)
	 * from now, the dataplane forwards and records segments of connections it has no flow for (established on the
	 * direct path before the diversion) instead of dropping them for lack of a cookie. Each call restarts the window.
	 */
	Mono<Void> setHost(HostConfig host, KernelSecrets secrets, Duration pickupWindow);

	/** Fresh secrets for a host already in the dataplane (their age reaches the worker). */
	Mono<Void> setSecrets(InetAddress ip, KernelSecrets secrets);

	Mono<Void> removeHost(InetAddress ip);

	/**
	 * Makes the dataplane hold exactly these hosts with these secrets (after a worker restart or adoption): hosts not
	 * listed are removed.
	 */
	default Mono<Void> resync(Collection<HostConfig> hosts, Map<InetAddress, KernelSecrets> secrets) {
		return resync(hosts, secrets, Duration.ZERO);
	}

	/**
	 * As {@link #resync(Collection, Map)}, every host with this pickup window: the caller gives one to a worker that
	 * lost its flows (newly started), so that the diverted hosts' established connections are adopted again instead
	 * of dropped for lack of a cookie, and none to an adopted worker (it kept its flows).
	 */
	Mono<Void> resync(Collection<HostConfig> hosts, Map<InetAddress, KernelSecrets> secrets, Duration pickupWindow);

	/** Health and counters; an unavailable dataplane answers with {@code available=false} and the cause. */
	Mono<DataplaneStatus> status();

}

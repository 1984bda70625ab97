package io.syncookied.controlplane.support;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.dataplane.DataplaneStatus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.dataplane.DpHostCounters;

/**
 * Test double of the dataplane: records every call in a shared log and blocks briefly on {@code boundedElastic}
 * like the real socket client does, so BlockHound would catch it on an event loop.
 */
public final class RecordingDataplane implements DataplanePort {

	private final List<String> log;

	private final Clock clock;

	public final Set<InetAddress> hosts = ConcurrentHashMap.newKeySet();

	public final Map<String, Long> counters = new ConcurrentHashMap<>();

	/** Per IP, counter name to value: the worker's HOST_STATS while it holds the IP. */
	public final Map<InetAddress, Map<String, Long>> hostCounters = new ConcurrentHashMap<>();

	/** The pickup window of each host's last setHost. */
	public final Map<InetAddress, Duration> pickups = new ConcurrentHashMap<>();

	public final AtomicReference<String> failOn = new AtomicReference<>("");

	public volatile boolean alive = true;

	public volatile Duration delay = Duration.ofMillis(5);

	public RecordingDataplane(List<String> log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	private Mono<Void> op(String name, Runnable effect) {
		return Mono.fromRunnable(() -> {
			sleep();
			if (name.startsWith(this.failOn.get()) && !this.failOn.get().isEmpty()) {
				this.log.add("dataplane " + name + " FAILED");
				throw new IllegalStateException("injected dataplane failure on " + name);
			}
			effect.run();
			this.log.add("dataplane " + name);
		}).subscribeOn(Schedulers.boundedElastic()).then();
	}

	private void sleep() {
		try {
			Thread.sleep(this.delay.toMillis()); // a real blocking call, as the Unix socket client makes
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public Mono<Void> setHost(HostConfig host, KernelSecrets secrets, Duration pickupWindow) {
		return op("setHost " + host.ipText(), () -> {
			this.hosts.add(host.ip());
			this.pickups.put(host.ip(), pickupWindow);
		});
	}

	@Override
	public Mono<Void> setSecrets(InetAddress ip, KernelSecrets secrets) {
		return op("setSecrets " + ip.getHostAddress(), () -> {
		});
	}

	@Override
	public Mono<Void> removeHost(InetAddress ip) {
		return op("removeHost " + ip.getHostAddress(), () -> this.hosts.remove(ip));
	}

	@Override
	public Mono<Void> resync(Collection<HostConfig> hosts, Map<InetAddress, KernelSecrets> secrets,
			Duration pickupWindow) {
		return op("resync " + hosts.size(), () -> {
			this.hosts.clear();
			hosts.forEach(h -> {
				this.hosts.add(h.ip());
				this.pickups.put(h.ip(), pickupWindow);
			});
		});
	}

	@Override
	public Mono<DataplaneStatus> status() {
		return Mono.fromCallable(() -> {
			sleep();
			if (!this.alive) {
				return DataplaneStatus.unavailable("worker dead (test)", this.clock.instant());
			}
			Map<InetAddress, DpHostCounters> perHost = new HashMap<>();
			// as the worker's HOST_STATS: only the hosts it holds
			this.hostCounters.forEach((ip, c) -> {
				if (this.hosts.contains(ip)) {
					perHost.put(ip, new DpHostCounters(c));
				}
			});
			return new DataplaneStatus(true, true, null, "running", 1, this.hosts.size(), 1, 1000, Map.copyOf(this.counters),
					perHost, this.clock.instant());
		}).subscribeOn(Schedulers.boundedElastic());
	}

}

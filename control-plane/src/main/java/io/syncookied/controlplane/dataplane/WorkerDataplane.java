package io.syncookied.controlplane.dataplane;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.dataplane.Dataplane;
import io.syncookied.dataplane.DataplaneException;
import io.syncookied.dataplane.DataplaneWorker;
import io.syncookied.dataplane.DpHealth;
import io.syncookied.dataplane.DpHost;
import io.syncookied.dataplane.DpStats;
import io.syncookied.dataplane.SocketDataplane;
import io.syncookied.dataplane.WorkerConfig;

/**
 * The real dataplane: the {@code syncookied-dp} worker process driven over its Unix control socket
 * ({@code io.syncookied.dataplane}). Starts or adopts the worker ({@link WorkerLauncher}), or only attaches to the
 * socket when {@code manage-worker=false}. Every call blocks on the socket, so each runs on {@code boundedElastic}.
 */
public final class WorkerDataplane implements DataplanePort, WorkerLauncher {

	private static final Logger log = LoggerFactory.getLogger(WorkerDataplane.class);

	private final DataplaneProperties properties;

	private final Clock clock;

	private volatile @Nullable DataplaneWorker worker;

	private volatile @Nullable SocketDataplane attached;

	private volatile @Nullable String lastDeath;

	private volatile @Nullable Consumer<String> exitListener;

	public WorkerDataplane(DataplaneProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	// ---------------------------------------------------------------- WorkerLauncher (blocking)

	@Override
	public synchronized void start() {
		if (!this.properties.manageWorker()) {
			attach();
			return;
		}
		DataplaneWorker current = this.worker;
		if (current != null && current.isAlive()) {
			return;
		}
		WorkerConfig config = new WorkerConfig(this.properties.binary(), this.properties.controlSocket(),
				this.properties.backend(), this.properties.iface(), this.properties.txIface(), this.properties.cpus(),
				this.properties.controlSocket().resolveSibling("dataplane-worker.log"), Duration.ofSeconds(5),
				Duration.ofSeconds(10), this.properties.workerOptions());
		DataplaneWorker started = DataplaneWorker.start(config, this.clock, death -> {
			this.lastDeath = death.description();
			Consumer<String> listener = this.exitListener;
			if (listener != null) {
				listener.accept(death.description()); // first: fail-open waits for it, the log line does not
			}
			log.error("Dataplane worker {} died: {} {}", death.pid(), death.description(), death.logTail());
		});
		this.worker = started;
		this.lastDeath = null;
		log.info("Dataplane worker pid {} {}", started.pid(), started.adopted() ? "adopted (was running)" : "started");
	}

	@Override
	public synchronized void stop() {
		DataplaneWorker current = this.worker;
		this.worker = null;
		if (current != null) {
			current.stop(Duration.ofSeconds(2));
		}
		SocketDataplane socket = this.attached;
		this.attached = null;
		if (socket != null) {
			socket.close();
		}
	}

	@Override
	public boolean isAlive() {
		DataplaneWorker current = this.worker;
		return (current != null) ? current.isAlive() : this.attached != null;
	}

	@Override
	public void onExit(Consumer<String> listener) {
		this.exitListener = listener;
	}

	@Override
	public boolean adopted() {
		DataplaneWorker current = this.worker;
		return current != null && current.adopted();
	}

	@Override
	public String describe() {
		DataplaneWorker current = this.worker;
		return (current != null ? "pid " + current.pid() + " " : "") + this.properties.binary() + " on "
				+ this.properties.controlSocket();
	}

	private SocketDataplane attach() {
		SocketDataplane socket = this.attached;
		if (socket == null) {
			socket = SocketDataplane.connect(this.properties.controlSocket(), Duration.ofSeconds(5), this.clock);
			this.attached = socket;
		}
		return socket;
	}

	private synchronized Dataplane dataplane() {
		if (this.properties.manageWorker()) {
			DataplaneWorker current = this.worker;
			if (current == null) {
				throw new DataplaneException("ESRCH", "dataplane worker not running"
						+ ((this.lastDeath != null) ? " (last death: " + this.lastDeath + ")" : ""));
			}
			return current.dataplane();
		}
		try {
			return attach();
		}
		catch (DataplaneException ex) {
			this.attached = null;
			throw ex;
		}
	}

	// ---------------------------------------------------------------- DataplanePort (non-blocking)

	@Override
	public Mono<Void> setHost(HostConfig host, KernelSecrets secrets, Duration pickupWindow) {
		int pickupSeconds = pickupSeconds(pickupWindow);
		return call(() -> {
			Dataplane dp = dataplane();
			dp.setSecrets(host.ip(), secrets);
			dp.setHost(host.dataplane().withPickupSeconds(pickupSeconds));
			return null;
		});
	}

	@Override
	public Mono<Void> setSecrets(InetAddress ip, KernelSecrets secrets) {
		return call(() -> {
			dataplane().setSecrets(ip, secrets);
			return null;
		});
	}

	@Override
	public Mono<Void> removeHost(InetAddress ip) {
		return call(() -> {
			try {
				dataplane().removeHost(ip);
			}
			catch (DataplaneException ex) {
				if (!"ENOENT".equals(ex.errno())) {
					throw ex;
				}
			}
			return null;
		});
	}

	@Override
	public Mono<Void> resync(Collection<HostConfig> hosts, Map<InetAddress, KernelSecrets> secrets,
			Duration pickupWindow) {
		return call(() -> {
			int pickup = pickupSeconds(pickupWindow);
			List<DpHost> dpHosts = new ArrayList<>();
			hosts.forEach(h -> dpHosts.add(h.dataplane().withPickupSeconds(pickup)));
			dataplane().resync(dpHosts, secrets);
			return null;
		});
	}

	@Override
	public Mono<DataplaneStatus> status() {
		return Mono.fromCallable(() -> {
			Dataplane dp = dataplane();
			DpHealth health = dp.health();
			DpStats stats = dp.stats();
			return new DataplaneStatus(true, health.healthy(), health.lastError().isEmpty() ? null : health.lastError(),
					health.state(), health.workers(), health.hosts(), health.generation(), health.uptimeMillis(),
					stats.totals(), stats.hosts(), this.clock.instant());
		})
			.subscribeOn(Schedulers.boundedElastic())
			.onErrorResume(DataplaneException.class,
					ex -> Mono.just(DataplaneStatus.unavailable(ex.getMessage(), this.clock.instant())));
	}

	/** The window in whole seconds for the worker (rounded up: a window never ends early), capped at its maximum. */
	static int pickupSeconds(Duration window) {
		if (window.isNegative() || window.isZero()) {
			return 0;
		}
		long s = window.getSeconds() + ((window.getNano() > 0) ? 1 : 0);
		return (int) Math.min(s, DpHost.MAX_PICKUP_SECONDS);
	}

	private static Mono<Void> call(Callable<@Nullable Void> body) {
		return Mono.fromCallable(body).subscribeOn(Schedulers.boundedElastic()).then();
	}

}

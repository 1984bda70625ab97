package io.syncookied.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to run the dataplane worker process.
 *
 * @param binary the {@code syncookied-dp} executable, or null to look it up (see {@link DataplaneWorker#resolveBinary})
 * @param socket the control socket path (the worker creates it, mode 0600)
 * @param backend {@code auto}, {@code xdp}, {@code afxdp}, {@code afpacket}, {@code netmap} (or {@code memory} for tests)
 * @param iface the interface the diverted traffic arrives on
 * @param txIface the interface towards the servers, or null for {@code iface}
 * @param cpus the CPU list of the workers ({@code 0-3}), or null for one unpinned worker
 * @param logFile where the worker's output goes (appended)
 * @param requestTimeout the longest one control request may take
 * @param startTimeout how long the worker may take to open its socket
 * @param options the packet workers' tuning
 */
public record WorkerConfig(@Nullable Path binary, Path socket, String backend, String iface, @Nullable String txIface,
		@Nullable String cpus, Path logFile, Duration requestTimeout, Duration startTimeout, WorkerOptions options) {

	public WorkerConfig {
		Objects.requireNonNull(socket, "socket");
		Objects.requireNonNull(backend, "backend");
		Objects.requireNonNull(iface, "iface");
		Objects.requireNonNull(logFile, "logFile");
		Objects.requireNonNull(requestTimeout, "requestTimeout");
		Objects.requireNonNull(startTimeout, "startTimeout");
		Objects.requireNonNull(options, "options");
	}

	/** A worker with default timeouts (5 s per request, 10 s to start) and default tuning. */
	static WorkerConfig of(Path socket, String backend, String iface, Path logFile) {
		return new WorkerConfig(null, socket, backend, iface, null, null, logFile, Duration.ofSeconds(5),
				Duration.ofSeconds(10), WorkerOptions.DEFAULTS);
	}

	WorkerConfig withBinary(Path b) {
		return new WorkerConfig(b, this.socket, this.backend, this.iface, this.txIface, this.cpus, this.logFile,
				this.requestTimeout, this.startTimeout, this.options);
	}

	WorkerConfig withOptions(WorkerOptions o) {
		return new WorkerConfig(this.binary, this.socket, this.backend, this.iface, this.txIface, this.cpus,
				this.logFile, this.requestTimeout, this.startTimeout, o);
	}

	/** The worker's command line after the binary. */
	List<String> arguments() {
		List<String> a = new ArrayList<>(List.of("run", "--backend", this.backend, "--iface", this.iface,
				"--control-socket", this.socket.toString(), "--stats-interval", "60"));
		if (this.txIface != null && !this.txIface.isEmpty()) {
			a.addAll(List.of("--tx-iface", this.txIface));
		}
		if (this.cpus != null && !this.cpus.isEmpty()) {
			a.addAll(List.of("--cpus", this.cpus));
		}
		a.addAll(this.options.arguments());
		return a;
	}

}

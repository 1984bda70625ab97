package io.syncookied.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the dataplane worker process.
 *
 * @param binary the {@code syncookied-dp} executable, or null to look it up (see {@link DataplaneWorker#resolveBinary})
 * @param socket the control socket path (the worker creates it, mode 0600)
 * @param backend {@code afpacket}, {@code afxdp} (or {@code memory} for tests)
 * @param iface the interface the diverted traffic arrives on
 * @param txIface the interface towards the servers, or null for {@code iface}
 * @param cpus the CPU list of the workers ({@code 0-3}), or null for one unpinned worker
 * @param logFile where the worker's output goes (appended)
 * @param requestTimeout the longest one control request may take
 * @param startTimeout how long the worker may take to open its socket
 */
public record WorkerConfig(Path binary, Path socket, String backend, String iface, String txIface, String cpus,
		Path logFile, Duration requestTimeout, Duration startTimeout) {

	public WorkerConfig {
		Objects.requireNonNull(socket, "socket");
		Objects.requireNonNull(backend, "backend");
		Objects.requireNonNull(iface, "iface");
		Objects.requireNonNull(logFile, "logFile");
		Objects.requireNonNull(requestTimeout, "requestTimeout");
		Objects.requireNonNull(startTimeout, "startTimeout");
	}

	/** A worker with default timeouts (5 s per request, 10 s to start). */
	public static WorkerConfig of(Path socket, String backend, String iface, Path logFile) {
		return new WorkerConfig(null, socket, backend, iface, null, null, logFile, Duration.ofSeconds(5),
				Duration.ofSeconds(10));
	}

	public WorkerConfig withBinary(Path b) {
		return new WorkerConfig(b, this.socket, this.backend, this.iface, this.txIface, this.cpus, this.logFile,
				this.requestTimeout, this.startTimeout);
	}

	public WorkerConfig withTxIface(String t) {
		return new WorkerConfig(this.binary, this.socket, this.backend, this.iface, t, this.cpus, this.logFile,
				this.requestTimeout, this.startTimeout);
	}

	public WorkerConfig withCpus(String c) {
		return new WorkerConfig(this.binary, this.socket, this.backend, this.iface, this.txIface, c, this.logFile,
				this.requestTimeout, this.startTimeout);
	}
}

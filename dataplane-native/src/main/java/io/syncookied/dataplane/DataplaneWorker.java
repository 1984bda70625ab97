package io.syncookied.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Launches and supervises the dataplane worker process ({@code syncookied-dp run --control-socket ...}).
 *
 * <p>The packet engine runs in its own process so that a dataplane crash can never take the control plane down: its
 * death is detected at once and reported to the {@code onDeath} callback with the exit status or signal and the tail of
 * its log. The reverse holds too: {@link #close()} (and a control-plane crash) leaves the worker forwarding with its
 * last configuration; {@link #start} finds a live worker on the socket and adopts it instead of starting a second one,
 * and the control plane then re-syncs it with {@link Dataplane#resync}.
 */
public final class DataplaneWorker implements AutoCloseable {

	/** System property naming the worker binary. */
	public static final String BINARY_PROPERTY = "syncookied.dataplane.binary";

	/** Environment variable naming the worker binary. */
	public static final String BINARY_ENV = "SYNCOOKIED_DP";

	private static final String[] SIGNALS = { "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
			"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM" };

	private final WorkerConfig config;

	private final ProcessHandle handle;

	private final boolean adopted;

	private final SocketDataplane dataplane;

	private final AtomicReference<WorkerDeath> death = new AtomicReference<>();

	private volatile boolean stopping;

	private DataplaneWorker(WorkerConfig config, ProcessHandle handle, Process process, boolean adopted,
			SocketDataplane dataplane, Consumer<WorkerDeath> onDeath) {
		this.config = config;
		this.handle = handle;
		this.adopted = adopted;
		this.dataplane = dataplane;
		(process != null ? process.onExit().thenApply(p -> OptionalInt.of(p.exitValue()))
				: handle.onExit().thenApply(h -> OptionalInt.empty()))
			.thenAccept(status -> {
				WorkerDeath d = describe(handle.pid(), status, tail(config.logFile()));
				this.death.set(d);
				if (!this.stopping) {
					onDeath.accept(d);
				}
			});
	}

	/**
	 * Adopts the worker already listening on the config's socket, or starts a new one and waits until it serves its
	 * socket.
	 *
	 * @param clock the clock of the secrets' sampling instants (their age is sent to the worker)
	 * @param onDeath called once, from another thread, if the worker dies while not being stopped
	 * @throws DataplaneException naming why the worker cannot run (binary missing, bad interface, no permission...)
	 */
	public static DataplaneWorker start(WorkerConfig config, Clock clock, Consumer<WorkerDeath> onDeath) {
		if (Files.exists(config.socket())) {
			try {
				SocketDataplane dp = SocketDataplane.connect(config.socket(), config.requestTimeout(), clock);
				ProcessHandle h = ProcessHandle.of(dp.pid())
					.orElseThrow(() -> new DataplaneException("ESRCH", "worker pid " + dp.pid() + " vanished"));
				return new DataplaneWorker(config, h, null, true, dp, onDeath);
			}
			catch (DataplaneException e) {
				if (!"ECONNREFUSED".equals(e.errno()) && !"ENOENT".equals(e.errno())) {
					// a worker listens but does not take us now (all control slots held, a stalled loop): a second
					// worker would take the socket away from one that keeps forwarding, so the caller retries later
					throw new DataplaneException(e.errno(), "a dataplane worker listens on " + config.socket()
							+ " but cannot be adopted now: " + e.getMessage(), e);
				}
				// nobody listens: a stale socket from a dead worker; the new worker replaces it
			}
		}
		Path binary = resolveBinary(config.binary());
		List<String> cmd = new ArrayList<>(List.of(binary.toString()));
		cmd.addAll(config.arguments());
		Process p;
		try {
			Files.createDirectories(config.logFile().toAbsolutePath().getParent());
			// output to a file, never a pipe: the worker must outlive this JVM without blocking on a full pipe
			p = new ProcessBuilder(cmd).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
				.start();
		}
		catch (IOException e) {
			throw new DataplaneException("ENOEXEC", "cannot start dataplane worker " + binary + ": " + e.getMessage(),
					e);
		}
		long deadline = System.nanoTime() + config.startTimeout().toNanos();
		for (;;) {
			if (!p.isAlive()) {
				WorkerDeath d = describe(p.pid(), OptionalInt.of(p.exitValue()), tail(config.logFile()));
				throw new DataplaneException("ECHILD", "dataplane worker failed to start: " + d.description()
						+ (d.logTail().isEmpty() ? "" : "; its log says: " + d.logTail()));
			}
			if (Files.exists(config.socket())) {
				try {
					SocketDataplane dp = SocketDataplane.connect(config.socket(), config.requestTimeout(), clock);
					if (dp.pid() == p.pid()) {
						return new DataplaneWorker(config, p.toHandle(), p, false, dp, onDeath);
					}
					dp.close();
				}
				catch (DataplaneException notYet) {
					// bound but not listening yet
				}
			}
			if (System.nanoTime() > deadline) {
				p.destroyForcibly();
				throw new DataplaneException("ETIMEDOUT", "dataplane worker did not open " + config.socket() + " within "
						+ config.startTimeout().toMillis() + " ms; log: " + tail(config.logFile()));
			}
			sleep(20);
		}
	}

	/** The handle to command the worker. */
	public Dataplane dataplane() {
		WorkerDeath d = this.death.get();
		if (d != null) {
			throw new DataplaneException("ESRCH", d.description());
		}
		return this.dataplane;
	}

	public long pid() {
		return this.handle.pid();
	}

	public boolean isAlive() {
		return this.handle.isAlive();
	}

	/** True when this worker was already running (started by an earlier control plane) and was adopted. */
	public boolean adopted() {
		return this.adopted;
	}

	/** How the worker ended, once it has. */
	Optional<WorkerDeath> death() {
		return Optional.ofNullable(this.death.get());
	}

	/** Stops the worker: QUIT on its socket, then SIGTERM, then SIGKILL. */
	public void stop(Duration grace) {
		this.stopping = true;
		try {
			this.dataplane.quit();
		}
		catch (DataplaneException alreadyGone) {
			// fall through to signals
		}
		this.dataplane.close();
		if (!waitExit(grace)) {
			this.handle.destroy();
			if (!waitExit(grace)) {
				this.handle.destroyForcibly();
				waitExit(grace);
			}
		}
	}

	/** Detaches: the worker keeps forwarding with its last configuration. */
	@Override
	public void close() {
		this.stopping = true;
		this.dataplane.close();
	}

	private boolean waitExit(Duration d) {
		try {
			this.handle.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (Exception e) {
			return !this.handle.isAlive();
		}
	}

	/**
	 * Finds the worker binary: the configured path, {@code -Dsyncookied.dataplane.binary}, {@code $SYNCOOKIED_DP},
	 * {@code syncookied-dp} on the PATH, then the copy shipped in this jar ({@code linux-x86-64/syncookied-dp}).
	 *
	 * @throws DataplaneException {@code ENOENT} listing every place looked at
	 */
	static Path resolveBinary(Path configured) {
		List<String> tried = new ArrayList<>();
		List<Path> candidates = new ArrayList<>();
		if (configured != null) {
			candidates.add(configured);
		}
		String prop = System.getProperty(BINARY_PROPERTY);
		if (prop != null && !prop.isBlank()) {
			candidates.add(Path.of(prop));
		}
		String env = System.getenv(BINARY_ENV);
		if (env != null && !env.isBlank()) {
			candidates.add(Path.of(env));
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(":")) {
				if (!dir.isEmpty()) {
					candidates.add(Path.of(dir, "syncookied-dp"));
				}
			}
		}
		for (Path c : candidates) {
			if (Files.isRegularFile(c) && Files.isExecutable(c)) {
				return c;
			}
			tried.add(c.toString());
		}
		Optional<Path> shipped = extractShipped();
		if (shipped.isPresent()) {
			return shipped.get();
		}
		tried.add("classpath:linux-x86-64/syncookied-dp");
		throw new DataplaneException("ENOENT", "dataplane worker binary syncookied-dp not found (looked at "
				+ String.join(", ", tried) + "); build it with ./mvnw -pl dataplane-native package or set -D"
				+ BINARY_PROPERTY);
	}

	/** Why a worker cannot run here, or empty when the binary is found and runs. */
	public static Optional<String> unavailabilityCause(Path configured) {
		try {
			Path b = resolveBinary(configured);
			Process p = new ProcessBuilder(b.toString(), "--version").redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes());
			if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
				return Optional.of(b + " --version failed: " + out.strip());
			}
			return Optional.empty();
		}
		catch (DataplaneException e) {
			return Optional.of(e.getMessage());
		}
		catch (IOException e) {
			return Optional.of("cannot run the dataplane worker: " + e.getMessage());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
	}

	private static Optional<Path> extractShipped() {
		try (InputStream in = DataplaneWorker.class.getResourceAsStream("/linux-x86-64/syncookied-dp")) {
			if (in == null) {
				return Optional.empty();
			}
			Path dir = Files.createTempDirectory("syncookied-dp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			Path b = dir.resolve("syncookied-dp");
			Files.copy(in, b, StandardCopyOption.REPLACE_EXISTING);
			b.toFile().setExecutable(true, true);
			b.toFile().deleteOnExit();
			dir.toFile().deleteOnExit();
			return Optional.of(b);
		}
		catch (IOException e) {
			return Optional.empty();
		}
	}

	static WorkerDeath describe(long pid, OptionalInt status, String logTail) {
		String how;
		if (status.isEmpty()) {
			how = "exited (not our child: status unknown)";
		}
		else if (status.getAsInt() > 128 && status.getAsInt() < 128 + SIGNALS.length) {
			int sig = status.getAsInt() - 128;
			how = "killed by signal " + sig + " (" + SIGNALS[sig] + ")";
		}
		else {
			how = "exited with status " + status.getAsInt();
		}
		return new WorkerDeath(pid, status, "dataplane worker pid " + pid + " " + how, logTail);
	}

	/**
	 * The last lines of the worker's log. Reads only the file's end: the log grows for as long as workers run, and a
	 * death is reported (and fail-open starts) only once this returns.
	 */
	static String tail(Path log) {
		try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
			long start = Math.max(0, f.length() - 4096);
			byte[] end = new byte[(int) (f.length() - start)];
			f.seek(start);
			f.readFully(end);
			List<String> lines = new String(end, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
			if (start > 0 && !lines.isEmpty()) {
				lines = lines.subList(1, lines.size()); // the first line may be cut
			}
			return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
		}
		catch (IOException | RuntimeException e) {
			return "";
		}
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new DataplaneException("EINTR", "interrupted while starting the dataplane worker");
		}
	}
}

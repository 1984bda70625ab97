package io.syncookied.controlplane.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real etcd cluster of Debian's {@code etcd} processes on loopback, one per test class or test: its own ports and
 * data directories, so it never meets the system unit on 2379 or another test's cluster. Members can be killed and
 * restarted (a crash, a partition of one member, etcd gone for a while).
 */
final class EtcdTestCluster implements AutoCloseable {

	static final Path ETCD = Path.of("/usr/bin/etcd");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * etcd's raft election timeout, as deploy/ configures it for a LAN: a new raft leader extends every lease by this
	 * much, so it adds to the takeover time when the etcd member that dies with a node was the raft leader.
	 */
	static final int ELECTION_TIMEOUT_MS = 500;

	private final Path dir;

	private final List<Member> members = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

	private EtcdTestCluster(Path dir) {
		this.dir = dir;
	}

	/** True when Debian's etcd-server is installed (deploy/install-deps.sh installs it). */
	static boolean available() {
		return Files.isExecutable(ETCD);
	}

	/** Starts {@code size} members on free loopback ports and waits until every one is healthy. */
	static EtcdTestCluster start(int size) throws IOException {
		EtcdTestCluster cluster = new EtcdTestCluster(Files.createTempDirectory("etcd-test"));
		try {
			for (int i = 0; i < size; i++) {
				cluster.members.add(new Member("m" + i, freePort(), freePort()));
			}
			for (Member member : cluster.members) {
				cluster.launch(member, "new");
			}
			for (Member member : cluster.members) {
				cluster.awaitHealthy(member);
			}
			return cluster;
		}
		catch (IOException | RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	List<URI> endpoints() {
		return this.members.stream().map(Member::clientUrl).toList();
	}

	URI endpoint(int member) {
		return this.members.get(member).clientUrl();
	}

	int size() {
		return this.members.size();
	}

	/** Kills one member at once (SIGKILL), as a crash or a cut cable would. */
	void kill(int member) {
		Member m = this.members.get(member);
		Process process = m.process;
		if (process != null) {
			process.destroyForcibly();
			waitFor(process);
			m.process = null;
		}
	}

	void killAll() {
		for (int i = 0; i < this.members.size(); i++) {
			kill(i);
		}
	}

	/** Restarts a killed member on its data directory and ports, and waits for it to be healthy. */
	void restart(int member) throws IOException {
		Member m = this.members.get(member);
		if (m.process == null) {
			launch(m, "existing");
		}
		awaitHealthy(m);
	}

	/** Restarts every killed member together (a lone member of three has no quorum and never reports healthy). */
	void restartAll() throws IOException {
		for (Member m : this.members) {
			if (m.process == null) {
				launch(m, "existing");
			}
		}
		for (Member m : this.members) {
			awaitHealthy(m);
		}
	}

	private void launch(Member m, String state) throws IOException {
		String initialCluster = this.members.stream()
			.map((other) -> other.name + "=" + other.peerUrl())
			.collect(Collectors.joining(","));
		Path log = this.dir.resolve(m.name + ".log");
		List<String> command = List.of(ETCD.toString(), "--name", m.name, "--data-dir",
				this.dir.resolve(m.name).toString(), "--listen-client-urls", m.clientUrl().toString(),
				"--advertise-client-urls", m.clientUrl().toString(), "--listen-peer-urls", m.peerUrl().toString(),
				"--initial-advertise-peer-urls", m.peerUrl().toString(), "--initial-cluster", initialCluster,
				"--initial-cluster-state", state, "--initial-cluster-token", this.dir.getFileName().toString(),
				"--heartbeat-interval", "100", "--election-timeout", String.valueOf(ELECTION_TIMEOUT_MS), "--log-level", "warn");
		m.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
	}

	private void awaitHealthy(Member m) throws IOException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		HttpRequest request = HttpRequest.newBuilder(m.clientUrl().resolve("/health"))
			.timeout(Duration.ofSeconds(1))
			.build();
		while (System.nanoTime() < deadline) {
			Process process = m.process;
			if (process == null || !process.isAlive()) {
				throw new IOException("etcd member " + m.name + " exited: " + tail(m));
			}
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().contains("\"health\":\"true\"")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted while waiting for etcd member " + m.name, ex);
			}
			sleep(50);
		}
		throw new IOException("etcd member " + m.name + " not healthy after " + START_TIMEOUT + ": " + tail(m));
	}

	private String tail(Member m) {
		try {
			List<String> lines = Files.readAllLines(this.dir.resolve(m.name + ".log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() throws IOException {
		killAll();
		try (Stream<Path> files = Files.walk(this.dir)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void waitFor(Process process) {
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static final class Member {

		final String name;

		final int clientPort;

		final int peerPort;

		@Nullable Process process;

		Member(String name, int clientPort, int peerPort) {
			this.name = name;
			this.clientPort = clientPort;
			this.peerPort = peerPort;
		}

		URI clientUrl() {
			return URI.create("http://127.0.0.1:" + this.clientPort);
		}

		URI peerUrl() {
			return URI.create("http://127.0.0.1:" + this.peerPort);
		}

	}

}

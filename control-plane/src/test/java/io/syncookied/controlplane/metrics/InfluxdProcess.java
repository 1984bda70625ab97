package io.syncookied.controlplane.metrics;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real InfluxDB 1.x server (Debian's {@code influxd}) on free loopback ports with its data in a temp directory.
 */
final class InfluxdProcess implements AutoCloseable {

	private final Process process;

	private final Path dir;

	private final int port;

	private InfluxdProcess(Process process, Path dir, int port) {
		this.process = process;
		this.dir = dir;
		this.port = port;
	}

	static Optional<Path> binary() {
		for (String candidate : new String[] { "/usr/bin/influxd", "/usr/local/bin/influxd" }) {
			if (Files.isExecutable(Path.of(candidate))) {
				return Optional.of(Path.of(candidate));
			}
		}
		return Optional.empty();
	}

	static InfluxdProcess start(Path binary) throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("influxd");
		int http = freePort();
		int rpc = freePort();
		Path config = dir.resolve("influxdb.conf");
		Files.writeString(config, """
				reporting-disabled = true
				bind-address = "127.0.0.1:%d"
				[meta]
				  dir = "%s/meta"
				[data]
				  dir = "%s/data"
				  wal-dir = "%s/wal"
				  query-log-enabled = false
				[monitor]
				  store-enabled = false
				[http]
				  enabled = true
				  bind-address = "127.0.0.1:%d"
				  log-enabled = false
				""".formatted(rpc, dir, dir, dir, http));
		Process p = new ProcessBuilder(binary.toString(), "-config", config.toString()).redirectErrorStream(true)
			.redirectOutput(dir.resolve("influxd.log").toFile())
			.start();
		InfluxdProcess influx = new InfluxdProcess(p, dir, http);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!influx.ping()) {
			if (!p.isAlive() || System.nanoTime() > deadline) {
				String log = Files.readString(dir.resolve("influxd.log"));
				influx.close();
				throw new IOException("influxd did not answer /ping: " + log);
			}
			Thread.sleep(100);
		}
		return influx;
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	private boolean ping() {
		try {
			HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
			c.setConnectTimeout(500);
			c.setReadTimeout(500);
			return c.getResponseCode() == 204;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

	@Override
	public void close() throws IOException {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (var files = Files.walk(this.dir)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
		}
	}

}

package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's control loop serves every client without waiting on any: a client that pipelines thousands of requests
 * and reads none of the replies never delays another client's heartbeat, and still gets every reply when it reads.
 * Large host sets go through in one request.
 */
class ControlSocketTest {

	@TempDir
	Path dir;

	DataplaneWorker worker;

	@AfterEach
	void stop() {
		if (this.worker != null) {
			this.worker.stop(Duration.ofSeconds(2));
		}
	}

	DataplaneWorker start(Duration requestTimeout) {
		WorkerConfig c = WorkerConfig.of(this.dir.resolve("w.sock"), "memory", "mem0", this.dir.resolve("w.log"))
			.withBinary(DataplaneWorkerTest.BINARY);
		c = new WorkerConfig(c.binary(), c.socket(), c.backend(), c.iface(), null, null, c.logFile(), requestTimeout,
				c.startTimeout(), c.options());
		return DataplaneWorker.start(c, Clock.systemUTC(), d -> {
		});
	}

	@Test
	void aClientThatNeverReadsCannotStallTheHeartbeats() throws Exception {
		this.worker = start(Duration.ofSeconds(2)); // a stalled loop fails the heartbeats below within 2 s
		Dataplane heartbeat = this.worker.dataplane();
		try (SocketChannel greedy = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			greedy.connect(UnixDomainSocketAddress.of(this.dir.resolve("w.sock")));
			OutputStream out = Channels.newOutputStream(greedy);
			Thread writer = new Thread(() -> {
				try {
					// 3000 STATS pipelined, no reply read: ~2.5 MB of replies pile up on the worker's side
					out.write("STATS\n".repeat(3000).getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
				catch (Exception ignored) {
					// the worker may stop reading: this thread then waits in write until the channel closes
				}
			});
			writer.setDaemon(true);
			writer.start();
			for (int i = 0; i < 50; i++) {
				assertEquals("running", heartbeat.health().state(), "heartbeat " + i);
				Thread.sleep(20);
			}
			// nothing was lost: every reply is there once the client reads
			InputStream in = Channels.newInputStream(greedy);
			ByteArrayOutputStream got = new ByteArrayOutputStream();
			byte[] buf = new byte[1 << 16];
			int lines = 0;
			while (lines < 3000) {
				int n = in.read(buf);
				if (n < 0) {
					break;
				}
				got.write(buf, 0, n);
				for (int i = 0; i < n; i++) {
					lines += buf[i] == '\n' ? 1 : 0;
				}
			}
			assertEquals(3000, lines, "every STATS answered once the client read");
			assertTrue(got.toString(StandardCharsets.US_ASCII).startsWith("OK rx_pps="));
		}
		assertEquals("running", heartbeat.health().state());
	}

	@Test
	void oneHundredThousandHostsInOneRequest() throws Exception {
		this.worker = start(Duration.ofSeconds(60));
		Dataplane dp = this.worker.dataplane();
		List<DpHost> hosts = new ArrayList<>(100_000);
		for (int i = 0; i < 100_000; i++) {
			byte[] a = { 10, (byte) (i >> 16), (byte) (i >> 8), (byte) i };
			hosts.add(DpHost.of(InetAddress.getByAddress(a), "02:00:00:00:00:01"));
		}
		dp.resync(hosts, Map.of());
		assertEquals(100_000, dp.health().hosts());
		dp.setHost(DpHost.of(InetAddress.getByName("10.200.0.1"), "02:00:00:00:00:02"));
		assertEquals(100_001, dp.health().hosts());
		dp.resync(List.of(), Map.of());
		assertEquals(0, dp.health().hosts());
	}

}

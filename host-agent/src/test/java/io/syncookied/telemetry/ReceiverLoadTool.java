package io.syncookied.telemetry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;

/**
 * Load tool (not a test): the real {@link TelemetryReceiver} on loopback, fed pre-sealed authenticated REPORTs
 * from one sender thread as fast as it can send. Prints accepted datagrams per second of wall time and per second
 * of the receiver event loop's CPU time. Bounded: COUNT datagrams, to 127.0.0.1 only.
 * Run: see docs/benchmarks.md, "Telemetry receiver and host agent".
 */
public final class ReceiverLoadTool {

	private ReceiverLoadTool() {
	}

	public static void main(String[] args) throws Exception {
		int count = (args.length > 0) ? Integer.parseInt(args[0]) : 300_000;
		AeadAlgorithm alg = (args.length > 1) ? AeadAlgorithm.valueOf(args[1]) : AeadAlgorithm.CHACHA20_POLY1305;
		PresharedKey key = new PresharedKey(7, "web1", alg, Fixtures.KEY_A);
		AgentReport base = Fixtures.report(false);
		AgentReport typical = new AgentReport(base.hostname(), base.trigger(), base.clock(), null, base.secretsDigest(),
				true, base.sysctls(), base.counters(),
				List.of(new InterfaceCounters("eth0", 1, 2, 3), new InterfaceCounters("eth1", 4, 5, 6),
						new InterfaceCounters("bond0", 7, 8, 9), new InterfaceCounters("bond0.100", 10, 11, 12)),
				0);
		byte[] plaintext = Fixtures.encode(typical);
		long now = System.currentTimeMillis();
		// the first half warms the JIT up and is not measured
		byte[][] datagrams = new byte[2 * count][];
		for (int i = 0; i < datagrams.length; i++) {
			datagrams[i] = Fixtures.seal(key, MessageType.REPORT, 42, 1000 + i, now, plaintext);
		}
		ReceiverConfig config = ReceiverConfig.defaults(new InetSocketAddress("127.0.0.1", 0), KeyRing.of(key))
			.withRate(1e9, Integer.MAX_VALUE)
			.withUntrustedRate(1e9, Integer.MAX_VALUE)
			.withMaxClockSkew(Duration.ofMinutes(10))
			.withAutoResend(false);
		try (TelemetryReceiver receiver = new TelemetryReceiver(config)) {
			InetSocketAddress target = receiver.start();
			receiver.events().subscribe(e -> {
			});
			ThreadMXBean mx = ManagementFactory.getThreadMXBean();
			long loopThread = findThread("multiThreadIoEventLoopGroup");
			try (DatagramChannel out = DatagramChannel.open()) {
				out.connect(target);
				send(out, datagrams, 0, count, receiver);
				long accepted0 = receiver.stats().accepted();
				long cpu0 = mx.getThreadCpuTime(loopThread);
				long t0 = System.nanoTime();
				send(out, datagrams, count, 2 * count, receiver);
				long elapsed = System.nanoTime() - t0;
				long cpu = mx.getThreadCpuTime(loopThread) - cpu0;
				ReceiverStats s = receiver.stats();
				long accepted = s.accepted() - accepted0;
				System.out.printf("algorithm=%s measured=%d accepted=%d rejected=%d (lost in the socket buffer: %d)%n",
						alg, count, accepted, s.rejectedTotal(), count - accepted);
				System.out.printf("accepted/s wall=%.0f  event-loop cpu=%.2f s  accepted per cpu-second=%.0f%n",
						accepted / (elapsed / 1e9), cpu / 1e9, accepted / (cpu / 1e9));
			}
		}
	}

	/** Sends datagrams [from, to) and waits until the receiver has drained its socket buffer. */
	private static void send(DatagramChannel out, byte[][] datagrams, int from, int to, TelemetryReceiver receiver)
			throws Exception {
		for (int i = from; i < to; i++) {
			out.write(ByteBuffer.wrap(datagrams[i]));
		}
		long last = -1;
		while (receiver.stats().accepted() != last) {
			last = receiver.stats().accepted();
			Thread.sleep(100);
		}
	}

	private static long findThread(String prefix) {
		for (Thread t : Thread.getAllStackTraces().keySet()) {
			if (t.getName().startsWith(prefix)) {
				return t.getId();
			}
		}
		throw new IllegalStateException("no thread named " + prefix + "*");
	}

}

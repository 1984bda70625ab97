package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Sinks;

/**
 * Receiver throughput on one thread: authenticated REPORT datagrams through the real pipeline handler (rate limit,
 * header checks, replay window, AEAD open, decode, Reactor sink with a subscriber). Each invocation feeds
 * {@value #BATCH} distinct pre-sealed datagrams (fresh replay state per invocation, set up outside the timing).
 * Run: see docs/benchmarks.md, "Telemetry receiver and host agent".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReceiverBenchmark {

	static final int BATCH = 16_384;

	@Param({ "CHACHA20_POLY1305", "AES_256_GCM" })
	public String algorithm;

	private byte[][] datagrams;

	private PresharedKey key;

	private EmbeddedChannel channel;

	private Blackhole blackhole;

	private final InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1488);

	private final InetSocketAddress[] sources = new InetSocketAddress[64];

	@Setup(Level.Trial)
	public void seal() throws Exception {
		this.key = new PresharedKey(7, "web1", AeadAlgorithm.valueOf(this.algorithm), Fixtures.KEY_A);
		AgentReport base = Fixtures.report(false);
		AgentReport typical = new AgentReport(base.hostname(), base.trigger(), base.clock(), null,
				base.secretsDigest(), true, base.sysctls(), base.counters(),
				List.of(new InterfaceCounters("eth0", 1, 2, 3), new InterfaceCounters("eth1", 4, 5, 6),
						new InterfaceCounters("bond0", 7, 8, 9), new InterfaceCounters("bond0.100", 10, 11, 12)),
				0);
		byte[] plaintext = Fixtures.encode(typical);
		long now = System.currentTimeMillis();
		this.datagrams = new byte[BATCH][];
		for (int i = 0; i < BATCH; i++) {
			this.datagrams[i] = Fixtures.seal(this.key, MessageType.REPORT, 42, 1000 + i, now, plaintext);
		}
		for (int i = 0; i < this.sources.length; i++) {
			this.sources[i] = new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 40000);
		}
	}

	@Setup(Level.Invocation)
	public void freshPipeline(Blackhole bh) {
		this.blackhole = bh;
		Sinks.Many<TelemetryEvent> sink = Sinks.many().multicast().onBackpressureBuffer(4096, false);
		sink.asFlux().subscribe(bh::consume);
		DatagramOpener opener = new DatagramOpener(MessageType.REPORT, KeyRing.of(this.key), Duration.ofMinutes(10),
				System::currentTimeMillis);
		this.channel = new EmbeddedChannel(new TelemetryHandler(opener, new SourceRateLimiter(1e9, 1 << 30, 4096, 1e9, 1 << 30),
				new ReceiverStats(4096), e -> sink.tryEmitNext(e).isSuccess(), new ConcurrentHashMap<>(), false,
				h -> true, System::nanoTime));
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void authenticatedReports() {
		for (int i = 0; i < BATCH; i++) {
			this.channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(this.datagrams[i]), this.local,
					this.sources[i & 63]));
		}
		this.blackhole.consume(this.channel.isOpen());
	}

}

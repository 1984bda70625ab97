package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

/**
 * Seeded random datagrams through the real pipeline: nothing escapes, everything is counted. Fixed seed and count
 * so a failure reproduces; the seed is in the assertion message.
 */
class FuzzTest {

	private static final long SEED = 0x5eed_c00c1e5L;

	private static final int ROUNDS = 40_000;

	@Test
	void randomAndMutatedDatagramsNeverThrowAndAreAllCounted() throws Exception {
		Random random = new Random(SEED);
		List<TelemetryEvent> events = new ArrayList<>();
		ReceiverStats stats = new ReceiverStats(64);
		DatagramOpener opener = new DatagramOpener(MessageType.REPORT, KeyRing.of(Fixtures.WEB1),
				Duration.ofDays(365 * 100), System::currentTimeMillis);
		EmbeddedChannel ch = new EmbeddedChannel(new TelemetryHandler(opener, new SourceRateLimiter(1e12, 1 << 30, 64, 1e12, 1 << 30),
				stats, events::add, new ConcurrentHashMap<>(), true, h -> true, System::nanoTime));
		byte[] valid = Fixtures.encode(Fixtures.report(true));
		InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);
		long seq = 1;
		int authenticatedGarbage = 0;
		for (int i = 0; i < ROUNDS; i++) {
			byte[] d;
			switch (i % 4) {
				case 0 -> { // pure noise, any length up to a bit past the limit
					d = new byte[random.nextInt(Protocol.MAX_DATAGRAM + 64)];
					random.nextBytes(d);
				}
				case 1 -> { // a valid header prefix with noise behind it
					d = Fixtures.sealReport(Fixtures.WEB1, seq++, Fixtures.NOW, Fixtures.report(false));
					int from = 8 + random.nextInt(d.length - 8);
					for (int j = from; j < d.length; j++) {
						d[j] = (byte) random.nextInt();
					}
				}
				case 2 -> { // authenticated, mutated plaintext: exercises the payload decoder
					byte[] p = valid.clone();
					int flips = 1 + random.nextInt(8);
					for (int j = 0; j < flips; j++) {
						p[random.nextInt(p.length)] = (byte) random.nextInt();
					}
					p = java.util.Arrays.copyOf(p, random.nextInt(p.length + 1));
					d = Fixtures.seal(Fixtures.WEB1, MessageType.REPORT, 1, seq++, Fixtures.NOW, p);
					authenticatedGarbage++;
				}
				default -> { // authenticated random plaintext
					byte[] p = new byte[random.nextInt(Protocol.MAX_PLAINTEXT + 1)];
					random.nextBytes(p);
					d = Fixtures.seal(Fixtures.WEB1, MessageType.REPORT, 1, seq++, Fixtures.NOW, p);
					authenticatedGarbage++;
				}
			}
			DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(d), local,
					new InetSocketAddress("192.0.2." + (i % 200), 9));
			ch.writeInbound(packet);
			if (d.length > 0) { // Unpooled.EMPTY_BUFFER is never released
				assertThat(packet.refCnt()).as("seed %x round %d", SEED, i).isZero();
			}
		}
		ch.checkException();
		assertThat(stats.accepted() + stats.rejectedTotal()).isEqualTo(ROUNDS);
		assertThat(stats.accepted()).isLessThanOrEqualTo(authenticatedGarbage);
		assertThat(ch.isOpen()).isTrue();
		assertThat(ch.finish()).isFalse();
	}

	@Test
	void decoderSurvivesEveryTruncationAndEveryByteValueAtEveryPosition() throws Exception {
		byte[] valid = Fixtures.encode(Fixtures.report(true));
		for (int len = 0; len <= valid.length; len++) {
			decodeQuietly(valid, len);
		}
		for (int pos = 0; pos < valid.length; pos++) {
			for (int v = 0; v < 256; v += 17) {
				byte[] p = valid.clone();
				p[pos] = (byte) v;
				decodeQuietly(p, p.length);
			}
		}
	}

	private static void decodeQuietly(byte[] p, int len) {
		try {
			ReportCodec.decode(p, 0, len);
		}
		catch (MalformedDatagramException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
	}

}

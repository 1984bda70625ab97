package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The real receiver on a loopback UDP socket. */
class TelemetryReceiverTest {

	@Test
	void publishesEventsFromRealDatagramsAndCompletesOnClose() throws Exception {
		TelemetryReceiver receiver = new TelemetryReceiver(ReceiverConfig
			.defaults(new InetSocketAddress("127.0.0.1", 0), KeyRing.of(Fixtures.WEB1))
			.withMaxClockSkew(Duration.ofDays(365 * 100)));
		InetSocketAddress target = receiver.start();
		try (DatagramChannel out = DatagramChannel.open()) {
			out.connect(target);
			byte[] report = Fixtures.sealReport(Fixtures.WEB1, 5, Fixtures.NOW, Fixtures.report(true));
			java.net.SocketAddress agent = out.getLocalAddress();
			StepVerifier.create(receiver.events())
				.then(() -> send(out, report))
				.assertNext(e -> assertThat(e).isInstanceOfSatisfying(HostSecrets.class,
						s -> assertThat(s.secrets()).isEqualTo(Fixtures.secrets())))
				.assertNext(e -> assertThat(e).isInstanceOfSatisfying(HostTelemetry.class,
						t -> assertThat(t.source()).isEqualTo(agent)))
				.then(receiver::close)
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
	}

	@Test
	void countsADatagramLongerThanTheLimitAsOversizeNotAsTruncatedGarbage() throws Exception {
		try (TelemetryReceiver receiver = new TelemetryReceiver(
				ReceiverConfig.defaults(new InetSocketAddress("127.0.0.1", 0), KeyRing.of(Fixtures.WEB1)));
				DatagramChannel out = DatagramChannel.open()) {
			out.connect(receiver.start());
			send(out, new byte[4000]);
			send(out, new byte[Protocol.MAX_DATAGRAM + 1]);
			send(out, new byte[Protocol.MAX_DATAGRAM]);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (receiver.stats().rejectedTotal() < 3 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(receiver.stats().rejected(RejectReason.OVERSIZE)).isEqualTo(2);
			assertThat(receiver.stats().rejected(RejectReason.MALFORMED)).isEqualTo(1);
		}
	}

	private static void send(DatagramChannel out, byte[] datagram) {
		try {
			out.write(ByteBuffer.wrap(datagram));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

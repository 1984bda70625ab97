package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelemetryHandlerTest {

	static final InetSocketAddress AGENT = new InetSocketAddress("192.0.2.10", 40000);

	static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 1488);

	final List<TelemetryEvent> events = new ArrayList<>();

	final List<String> resends = new ArrayList<>();

	final ReceiverStats stats = new ReceiverStats(16);

	final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	EmbeddedChannel channel = channel(1000, 1000, true);

	EmbeddedChannel channel(double rate, int burst, boolean autoResend) {
		return channel(rate, burst, 1e12, 1 << 30, autoResend);
	}

	EmbeddedChannel channel(double rate, int burst, double untrustedRate, int untrustedBurst, boolean autoResend) {
		DatagramOpener opener = new DatagramOpener(MessageType.REPORT, KeyRing.of(Fixtures.WEB1, Fixtures.WEB1_NEXT),
				Duration.ofDays(365 * 100), System::currentTimeMillis);
		return new EmbeddedChannel(new TelemetryHandler(opener,
				new SourceRateLimiter(rate, burst, 16, untrustedRate, untrustedBurst), this.stats,
				this.events::add, new ConcurrentHashMap<>(), autoResend, host -> this.resends.add(host), this.nanos::get));
	}

	@AfterEach
	void finish() {
		assertThat(this.channel.finish()).isFalse(); // nothing written, nothing left unread
	}

	void send(byte[] datagram, InetSocketAddress from) {
		this.channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), LOCAL, from));
	}

	@Test
	void publishesSecretsThenTelemetryForAReportCarryingSecrets() throws Exception {
		DatagramPacket packet = new DatagramPacket(
				Unpooled.wrappedBuffer(Fixtures.sealReport(Fixtures.WEB1, 10, Fixtures.NOW, Fixtures.report(true))), LOCAL,
				AGENT);
		this.channel.writeInbound(packet);
		assertThat(packet.refCnt()).isZero(); // released
		assertThat(this.events).hasSize(2);
		HostSecrets secrets = (HostSecrets) this.events.get(0);
		assertThat(secrets.host()).isEqualTo("web1");
		assertThat(secrets.secrets()).isEqualTo(Fixtures.secrets());
		assertThat(secrets.source()).isEqualTo(AGENT);
		HostTelemetry telemetry = (HostTelemetry) this.events.get(1);
		assertThat(telemetry.counters()).isEqualTo(Fixtures.report(true).counters());
		assertThat(telemetry.interfaces()).hasSize(2);
		assertThat(telemetry.reportedHostname()).isEqualTo("web1.example.net");
		assertThat(telemetry.sequence()).isEqualTo(10);
		assertThat(this.stats.accepted()).isEqualTo(1);
		assertThat(this.resends).isEmpty(); // the digest matches the secrets just received
	}

	@Test
	void asksForSecretsWhenTheDigestShowsItMissedThemAtMostOncePerSecond() throws Exception {
		send(Fixtures.sealReport(Fixtures.WEB1, 10, Fixtures.NOW, Fixtures.report(false)), AGENT);
		send(Fixtures.sealReport(Fixtures.WEB1, 11, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.resends).containsExactly("web1");
		this.nanos.addAndGet(1_000_000_000L);
		send(Fixtures.sealReport(Fixtures.WEB1, 12, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.resends).containsExactly("web1", "web1");
		send(Fixtures.sealReport(Fixtures.WEB1, 13, Fixtures.NOW, Fixtures.report(true)), AGENT);
		this.nanos.addAndGet(5_000_000_000L);
		send(Fixtures.sealReport(Fixtures.WEB1, 14, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.resends).hasSize(2);
	}

	@Test
	void countsRejectionsPerSourceAndReasonAndKeepsRunning() throws Exception {
		byte[] good = Fixtures.sealReport(Fixtures.WEB1, 10, Fixtures.NOW, Fixtures.report(false));
		InetSocketAddress attacker = new InetSocketAddress("198.51.100.7", 5);
		byte[] tampered = good.clone();
		tampered[40] ^= 1;
		send(tampered, attacker);
		send(new byte[3], attacker);
		send(new byte[Protocol.MAX_DATAGRAM + 1], attacker);
		send(good, AGENT);
		send(good, attacker); // captured and replayed from elsewhere
		assertThat(this.stats.rejected(RejectReason.BAD_TAG)).isEqualTo(1);
		assertThat(this.stats.rejected(RejectReason.MALFORMED)).isEqualTo(1);
		assertThat(this.stats.rejected(RejectReason.OVERSIZE)).isEqualTo(1);
		assertThat(this.stats.rejected(RejectReason.REPLAY)).isEqualTo(1);
		assertThat(this.stats.bySource().get("198.51.100.7")).containsEntry(RejectReason.BAD_TAG, 1L)
			.containsEntry(RejectReason.REPLAY, 1L);
		assertThat(this.stats.acceptedBySource()).containsEntry("192.0.2.10", 1L);
		assertThat(this.events).hasSize(1);
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void rateLimitsEachSourceSeparatelyBeforeAnyCrypto() throws Exception {
		this.channel.finishAndReleaseAll();
		this.channel = channel(10, 3, false);
		InetSocketAddress flooder = new InetSocketAddress("203.0.113.1", 1);
		for (int i = 0; i < 10; i++) {
			send(new byte[100], flooder);
		}
		assertThat(this.stats.rejected(RejectReason.RATE_LIMITED)).isEqualTo(7);
		send(Fixtures.sealReport(Fixtures.WEB1, 10, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.events).hasSize(1);
		this.nanos.addAndGet(100_000_000L); // 0.1 s at 10/s: one more token
		send(new byte[100], flooder);
		send(new byte[100], flooder);
		assertThat(this.stats.rejected(RejectReason.RATE_LIMITED)).isEqualTo(8);
	}

	@Test
	void aFloodFromEverNewSpoofedSourcesIsBoundedBeforeCryptoWhileKnownAgentsGetThrough() throws Exception {
		this.channel.finishAndReleaseAll();
		this.channel = channel(10, 3, 10, 5, false);
		send(Fixtures.sealReport(Fixtures.WEB1, 10, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.events).hasSize(1);
		// authentic-looking headers under a known key id, so each admitted one costs an AEAD open (bad_tag)
		byte[] forged = Fixtures.sealReport(new PresharedKey(7, "x", AeadAlgorithm.CHACHA20_POLY1305, Fixtures.KEY_B),
				11, Fixtures.NOW, Fixtures.report(false));
		int flood = 20_000;
		for (int i = 0; i < flood; i++) {
			send(forged, new InetSocketAddress(java.net.InetAddress.getByAddress(
					new byte[] { 127, (byte) (i >> 16), (byte) (i >> 8), (byte) i }), 1));
		}
		// the shared bucket's burst of 5, less the one the agent's first report took before it was known
		assertThat(this.stats.rejected(RejectReason.BAD_TAG)).as("reached the AEAD").isEqualTo(4);
		assertThat(this.stats.rejected(RejectReason.RATE_LIMITED)).isEqualTo(flood - 4);
		send(Fixtures.sealReport(Fixtures.WEB1, 12, Fixtures.NOW, Fixtures.report(false)), AGENT);
		assertThat(this.events).as("the known agent is not charged to the shared bucket").hasSize(2);
	}

	@Test
	void boundsPerSourceStateUnderASpoofedFlood() {
		for (int i = 0; i < 100; i++) {
			send(new byte[60], new InetSocketAddress("10.9.0." + i, 9));
		}
		assertThat(this.stats.bySource()).hasSizeLessThanOrEqualTo(17).containsKey(ReceiverStats.OVERFLOW_SOURCE);
		assertThat(this.stats.rejected(RejectReason.MALFORMED)).isEqualTo(100);
	}

	@Test
	void anAuthenticatedButUndecodablePayloadIsMalformedNotAnException() {
		byte[] d = Fixtures.seal(Fixtures.WEB1, MessageType.REPORT, 1, 99, Fixtures.NOW, new byte[] { 6, 0, 9 });
		send(d, AGENT);
		assertThat(this.stats.rejected(RejectReason.MALFORMED)).isEqualTo(1);
		assertThat(this.events).isEmpty();
	}

}

package io.syncookied.controlplane.telemetry;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;
import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.config.TelemetryProperties;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.DatagramSealer;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.MessageType;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReportCodec;
import io.syncookied.telemetry.ReportTrigger;
import io.syncookied.telemetry.SequenceSource;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;
import io.syncookied.telemetry.TcpSecrets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authenticated datagrams, sealed as the agent seals them, reach the real receiver on loopback and come out as
 * samples and dataplane-ready secrets for the host named by {@code agent_key_id}.
 */
class AgentTelemetrySourceTest {

	@TempDir
	Path dir;

	/** A 256 MB server's (scale 5) default listener and one listener with SO_RCVBUF 32768. */
	static final TcpProfile PROFILE = new TcpProfile(new SynAckWindow(5, 64240, 65160, 64800, 64260),
			java.util.Map.of(8086, new SynAckWindow(0, 32120, 31856, 31680, 31416)));

	@Test
	void reportsBecomeSamplesAndSecretsOfTheConfiguredHost() throws Exception {
		byte[] raw = new byte[32];
		new java.security.SecureRandom().nextBytes(raw);
		Path keyFile = this.dir.resolve("web1.key");
		Files.writeString(keyFile, HexFormat.of().formatHex(raw));
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
		Files.writeString(this.dir.resolve("hosts.yml"), """
				- ip: 10.0.2.10
				  mac: 02:00:00:00:02:0a
				  agent_key_id: web1
				""");
		HostRegistry registry = new HostRegistry(new HostsProperties(this.dir.resolve("hosts.yml"), false,
				Duration.ofSeconds(1)), new EventBus(), Clock.systemUTC(), Validations.targets());
		TelemetryProperties properties = new TelemetryProperties(true, "127.0.0.1", 0,
				List.of(new TelemetryProperties.Key(7, "web1", "chacha20-poly1305", keyFile)), Duration.ofSeconds(30),
				Duration.ofSeconds(1));
		try (AgentTelemetrySource source = new AgentTelemetrySource(properties, registry);
				DatagramChannel out = DatagramChannel.open()) {
			PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, raw);
			DatagramSealer sealer = new DatagramSealer(new SequenceSource(false), System::currentTimeMillis);
			TcpSecrets secrets = new TcpSecrets(2, new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L),
					new SipKey(0x0f1e2d3c4b5a6978L, 0x8796a5b4c3d2e1f0L), null, null, TsOffsetRule.UNKNOWN, null);
			AgentReport report = new AgentReport("web1.example", ReportTrigger.STARTUP,
					new ClockSample(4300000000L, 250, 286666, 17200000000L, System.currentTimeMillis()), secrets, 0,
					false, new Sysctls(1, 1, 1, 1, 2, 4096, 4096, 2),
					new TcpCounters(1000, 10, 0, 0, 30, 600, 20, 60, 5000, 0, 0),
					List.of(new InterfaceCounters("eth0", 123456, 999999, 0)), 0, PROFILE);
			ByteBuffer plain = ByteBuffer.allocate(1400);
			ReportCodec.encode(report, plain);
			byte[] datagram = sealer.seal(key, MessageType.REPORT, plain.array(), 0, plain.position());

			StepVerifier.create(source.samples().take(1))
				.then(() -> send(out, datagram, source))
				.assertNext(s -> {
					assertThat(s.ip().getHostAddress()).isEqualTo("10.0.2.10");
					assertThat(s.syncookiesSent()).isEqualTo(1000);
					assertThat(s.passiveOpens()).isEqualTo(60);
					assertThat(s.listenDrops()).isEqualTo(30);
					assertThat(s.nicRxPackets()).isEqualTo(123456);
				})
				.verifyComplete();
			StepVerifier.create(source.secrets().take(1))
				.then(() -> send(out, sealer.seal(key, MessageType.REPORT, plain.array(), 0, plain.position()), source))
				.assertNext(u -> {
					assertThat(u.ip().getHostAddress()).isEqualTo("10.0.2.10");
					KernelSecrets k = u.secrets();
					assertThat(k.jiffies()).isEqualTo(4300000000L);
					assertThat(k.cookieCount()).isEqualTo(286666);
					assertThat(k.hz()).isEqualTo(250);
					assertThat(k.tcpClockMs()).isEqualTo(17200000000L);
					assertThat(k.secret0()).isEqualTo(new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L));
					assertThat(k.sysctls()).isEqualTo(new CookieSysctls(1, 1, 1, 1, 2));
					assertThat(k.overflowHook()).isEqualTo(OverflowHook.ACTIVE);
					// sampled on this side's clock: just before the report arrived, never after it
					assertThat(k.sampledAt()).isBeforeOrEqualTo(u.receivedAt())
						.isAfter(u.receivedAt().minusSeconds(5));
					assertThat(u.toString()).doesNotContain("0123456789abcdef");
				})
				.verifyComplete();
			// the report's SYN-ACK window profile rides on the secrets the worker gets (from the report's
			// telemetry, which the receiver emits right after its secrets)
			StepVerifier.create(source.secrets().take(2).last())
				.then(() -> send(out, sealer.seal(key, MessageType.REPORT, plain.array(), 0, plain.position()), source))
				.assertNext(u -> assertThat(u.secrets().tcpProfile()).isEqualTo(PROFILE))
				.verifyComplete();
		}
		finally {
			registry.destroy();
		}
	}

	private static void send(DatagramChannel out, byte[] datagram, AgentTelemetrySource source) {
		try {
			out.send(ByteBuffer.wrap(datagram), source.bound());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

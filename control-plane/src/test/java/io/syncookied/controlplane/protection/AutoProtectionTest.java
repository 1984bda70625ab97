package io.syncookied.controlplane.protection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.detection.DetectionService;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionIntent;
import io.syncookied.controlplane.telemetry.SecretsUpdate;
import io.syncookied.controlplane.telemetry.TelemetrySample;
import io.syncookied.controlplane.telemetry.TelemetrySource;

import static io.syncookied.controlplane.protection.Harness.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Detection drives protection end to end: a flood in the agent's counters (recorded from a real kernel) diverts an
 * auto host; while diverted the firewall's per-IP counter shows when it is over; after hold-down and quiet period the
 * host is restored. Simulated time runs ten times faster than the wall clock.
 */
class AutoProtectionTest {

	private static final String A = "10.0.2.10";

	@TempDir
	Path dir;

	Harness h;

	DetectionService detection;

	final ScheduledExecutorService time = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void tearDown() throws Exception {
		this.time.shutdownNow();
		if (this.detection != null) {
			this.detection.destroy();
		}
		this.h.close();
	}

	@Test
	void aRecordedFloodDivertsAnAutoHostAndItsEndRestoresIt() throws Exception {
		this.h = new Harness(this.dir);
		this.h.freshSecrets(A);
		Sinks.Many<TelemetrySample> samples = Sinks.many().multicast().onBackpressureBuffer();
		TelemetrySource telemetry = new TelemetrySource() {
			@Override
			public Flux<TelemetrySample> samples() {
				return samples.asFlux();
			}

			@Override
			public Flux<SecretsUpdate> secrets() {
				return Flux.never();
			}
		};
		DetectionProperties thresholds = new DetectionProperties(5000, 1000, 0, 3, Duration.ofMillis(300),
				Duration.ofSeconds(5), Duration.ofSeconds(10));
		DataplaneProperties dataplane = new DataplaneProperties(true, false, Path.of("syncookied-dp"),
				this.dir.resolve("w.sock"), "memory", "mem0", null, null, null, Duration.ofMillis(100),
				Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMillis(100), null,
				io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0, null);
		this.detection = new DetectionService(thresholds, this.h.properties, dataplane, this.h.registry, this.h.service,
				this.h.secrets, telemetry, this.h.dataplane, this.h.events, this.h.clock);

		// the flood, as the server's kernel counted it (timestamps moved to the simulated clock)
		List<TelemetrySample> recorded = io.syncookied.controlplane.detection.FloodDetectorTestAccess.recorded();
		java.time.Instant base = this.h.clock.instant();
		for (TelemetrySample s : recorded.subList(0, 60)) {
			java.time.Instant at = base.plus(Duration.between(recorded.get(0).at(), s.at()));
			samples.tryEmitNext(new TelemetrySample(ip(A), at, s.syncookiesSent(), s.syncookiesRecv(),
					s.reqQFullDoCookies(), s.reqQFullDrop(), s.listenDrops(), s.passiveOpens(), s.nicRxPackets()));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.h.state(A) == Phase.PROTECTED);
		HostView protectedView = this.h.service.host(ip(A)).orElseThrow();
		assertThat(protectedView.intent()).isEqualTo(ProtectionIntent.Trigger.AUTO);
		assertThat(protectedView.reason()).contains("ATTACK_START from agent");
		assertThat(this.h.seen).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ControlEvent.Detection.class,
				d -> assertThat(d.decision()).isEqualTo("ATTACK_START")));

		// diverted: the firewall answers the SYNs; then the flood stops (its per-IP counter stays flat)
		this.h.clock.advance(Duration.ofSeconds(10));
		this.h.dataplane.hostCounters.put(ip(A), new java.util.concurrent.ConcurrentHashMap<>(java.util.Map.of("rx_syn", 0L)));
		this.time.scheduleAtFixedRate(() -> this.h.clock.advance(Duration.ofSeconds(1)), 0, 100, TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.h.state(A) == Phase.UNPROTECTED);
		HostView restored = this.h.service.host(ip(A)).orElseThrow();
		assertThat(restored.reason()).contains("attack over").contains("from dataplane");
		assertThat(this.h.seen).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ControlEvent.Detection.class,
				d -> assertThat(d.decision()).isEqualTo("ATTACK_END")));
		assertThat(this.h.router.overrides).isEmpty();
		assertThat(this.h.dataplane.hosts).isEmpty();
	}

}

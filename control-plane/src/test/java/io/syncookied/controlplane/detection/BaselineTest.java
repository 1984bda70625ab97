package io.syncookied.controlplane.detection;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.telemetry.TelemetrySample;

import static io.syncookied.controlplane.detection.RecordedTraces.T0;
import static io.syncookied.controlplane.detection.RecordedTraces.thresholds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The learned baseline: lines relative to the host's normal load, and the bounds that keep attackers out of it. */
class BaselineTest {

	private static final Thresholds THRESHOLDS = thresholds(5000, 1000, 0, 3);

	/** A series of 100 ms samples at constant rates; each segment continues the counters of the previous one. */
	private static final class Series {

		final List<TelemetrySample> samples = new ArrayList<>();

		long ms;

		long sent;

		long recv;

		long opens;

		/** {@code seconds} of answered and unanswered SYNs per second (cookie mode: every SYN gets a cookie). */
		Series add(double seconds, long answeredPerSecond, long unansweredPerSecond) {
			for (int i = 0; i < seconds * 10; i++) {
				this.ms += 100;
				this.sent += (answeredPerSecond + unansweredPerSecond) / 10;
				this.recv += answeredPerSecond / 10;
				this.opens += answeredPerSecond / 10;
				this.samples.add(new TelemetrySample(InetAddress.getLoopbackAddress(), T0.plusMillis(this.ms), this.sent,
						this.recv, 0, 0, 0, this.opens, 0));
			}
			return this;
		}

		List<Decision> detect(FloodDetector detector) {
			KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
			List<Decision> decisions = new ArrayList<>();
			for (TelemetrySample s : this.samples) {
				estimator.next(s).ifPresent(rate -> decisions.add(detector.observe(rate, THRESHOLDS)));
			}
			return decisions;
		}

	}

	private static FloodDetector detector() {
		return new FloodDetector(Duration.ofMillis(300), Duration.ofSeconds(5));
	}

	@Test
	void aBusyHostGetsALineProportionalToItsNormalLoad() {
		// 3000 real connections/s for 5 minutes, then 8000 unanswered SYN/s on top for 2 s
		List<Decision> busy = new Series().add(300, 3000, 0).add(2, 3000, 8000).detect(detector());
		Decision last = busy.get(busy.size() - 1);
		assertThat(last.baseline().answeredSynRate()).isCloseTo(3000, within(100.0));
		assertThat(last.lines().startUnanswered()).isCloseTo(4 * 3000, within(400.0));
		assertThat(busy).extracting(Decision::kind).containsOnly(Decision.Kind.NONE);
		// the same 8000/s at a host that is normally quiet is an attack
		List<Decision> quiet = new Series().add(300, 20, 0).add(2, 20, 8000).detect(detector());
		assertThat(quiet).extracting(Decision::kind).containsOnlyOnce(Decision.Kind.ATTACK_START);
	}

	@Test
	void unansweredSynsNeverTeachTheBaselineSoASlowRampIsStillCaught() {
		Series ramp = new Series().add(10, 50, 0);
		for (int step = 1; step <= 60; step++) {
			ramp.add(10, 50, step * 100L); // 10 minutes up to 6000 unanswered SYN/s
		}
		List<Decision> decisions = ramp.detect(detector());
		Decision start = decisions.stream()
			.filter(d -> d.kind() == Decision.Kind.ATTACK_START)
			.findFirst()
			.orElseThrow();
		assertThat(start.baseline().answeredSynRate()).isCloseTo(50, within(5.0));
		assertThat(start.lines().startUnanswered()).isEqualTo(5000);
	}

	@Test
	void theBaselineStopsAtItsCeiling() {
		// a botnet with real stacks completes 100 k handshakes/s for 10 minutes, then adds spoofed SYNs
		List<Decision> decisions = new Series().add(600, 100_000, 0).add(1, 100_000, 90_000).detect(detector());
		assertThat(decisions).allSatisfy(d -> assertThat(d.baseline().answeredSynRate()).isLessThanOrEqualTo(20_000));
		assertThat(decisions).extracting(Decision::kind).contains(Decision.Kind.ATTACK_START);
	}

	@Test
	void theBaselineHoldsStillDuringAnAttack() {
		FloodDetector detector = detector();
		List<Decision> decisions = new Series().add(60, 1000, 0).add(120, 5000, 20_000).detect(detector);
		double before = decisions.stream()
			.filter(d -> d.kind() == Decision.Kind.ATTACK_START)
			.findFirst()
			.orElseThrow()
			.baseline()
			.answeredSynRate();
		assertThat(detector.underAttack()).isTrue();
		assertThat(detector.baseline().answeredSynRate()).isEqualTo(before);
	}

	@Test
	void thresholdsRefuseLinesWithoutHysteresis() {
		org.assertj.core.api.Assertions
			.assertThatIllegalArgumentException()
			.isThrownBy(() -> new Thresholds(5000, 1000, 0, 3, 2, 2, Duration.ofSeconds(60), 20000, 0))
			.withMessageContaining("end factor 2.0 must be positive and below start factor 2.0");
		org.assertj.core.api.Assertions
			.assertThatIllegalArgumentException()
			.isThrownBy(() -> new Thresholds(5000, 5000, 0, 3, 4, 2, Duration.ofSeconds(60), 20000, 0))
			.withMessageContaining("end SYN rate 5000 must be below start SYN rate 5000");
	}

}

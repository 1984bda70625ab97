package io.syncookied.controlplane.detection;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.hosts.DetectionOverrides;
import io.syncookied.controlplane.telemetry.TelemetrySample;

import static io.syncookied.controlplane.detection.RecordedTraces.T0;
import static io.syncookied.controlplane.detection.RecordedTraces.detect;
import static io.syncookied.controlplane.detection.RecordedTraces.thresholds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detection on kernel counter traces recorded from real servers (a flood, a flash crowd of real clients, noise) and
 * on shaped series for the guards.
 */
class FloodDetectorTest {

	/** The shipped defaults (syncookied.detection.*). */
	private static final Thresholds DEFAULTS = Thresholds.of(new DetectionProperties(5000, 1000, 0, 3,
			Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(10)), DetectionOverrides.NONE);

	/** The lab's (deploy/lab/lib/control.sh): its emulated server takes a few thousand SYN/s at most. */
	private static final Thresholds LAB = thresholds(1500, 500, 0, 3);

	@ParameterizedTest
	@ValueSource(strings = { "flood-syncookies2.csv", "netns-hping3-flood.csv" })
	void aRecordedFloodStartsOnceWithinThreeSamplesOfReachingTheServerAndEndsOnceAfterwards(String trace)
			throws IOException {
		for (Thresholds thresholds : List.of(DEFAULTS, LAB)) {
			List<Decision> decisions = detect(RecordedTraces.load(trace), thresholds);
			List<Decision> starts = kind(decisions, Decision.Kind.ATTACK_START);
			List<Decision> ends = kind(decisions, Decision.Kind.ATTACK_END);
			assertThat(starts).hasSize(1);
			assertThat(ends).hasSize(1);
			Decision start = starts.get(0);
			// the first sample that saw unanswered SYNs at the line: the decision is the third hot sample in a row
			Instant reached = decisions.stream()
				.filter(d -> d.sample().unansweredRate() >= d.lines().startUnanswered())
				.findFirst()
				.orElseThrow()
				.at();
			assertThat(Duration.between(reached, start.at())).isLessThanOrEqualTo(Duration.ofMillis(350));
			assertThat(start.consecutive()).isEqualTo(3);
			assertThat(start.score()).isGreaterThanOrEqualTo(1.0);
			assertThat(start.synRateWindowPeak()).isGreaterThanOrEqualTo(start.synRateWindowMean());
			assertThat(start.describe()).contains("ATTACK_START from agent").contains("3 consecutive samples");
			Decision end = ends.get(0);
			assertThat(end.at()).isAfter(start.at());
			assertThat(end.ewma().unansweredRate()).isLessThan(end.lines().endUnanswered());
			assertThat(end.lastHotAt()).isBefore(end.at());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "surge-syncookies2.csv", "surge-syncookies1.csv" })
	void aRecordedFlashCrowdOfCompleteHandshakesIsNotAnAttack(String trace) throws IOException {
		List<TelemetrySample> samples = RecordedTraces.load(trace);
		// the crowd is big: its SYN rate alone crosses the lab's line for several samples in a row
		long loud = RecordedTraces.rates(samples).stream().filter(r -> r.synRate() >= LAB.startSynRate()).count();
		assertThat(loud).isGreaterThanOrEqualTo(10);
		for (Thresholds thresholds : List.of(DEFAULTS, LAB)) {
			assertThat(detect(samples, thresholds)).extracting(Decision::kind).containsOnly(Decision.Kind.NONE);
		}
	}

	@Test
	void recordedNoiseScansAndLegitimateBurstsAreNotAnAttack() throws IOException {
		List<TelemetrySample> samples = RecordedTraces.load("noise-syncookies2.csv");
		assertThat(RecordedTraces.rates(samples)).anySatisfy(r -> assertThat(r.unansweredRate()).isPositive());
		for (Thresholds thresholds : List.of(DEFAULTS, LAB)) {
			assertThat(detect(samples, thresholds)).extracting(Decision::kind).containsOnly(Decision.Kind.NONE);
		}
	}

	@Test
	void unansweredSynsAreCookiesThatNeverCameBackPlusDrops() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		InetAddress ip = InetAddress.getLoopbackAddress();
		estimator.next(new TelemetrySample(ip, T0, 0, 0, 0, 0, 0, 0, 0));
		// 1 s: 100 cookies sent (60 of them for a full queue), 10 completed via cookie, 50 normal opens,
		// 30 drops of which 20 for a full queue
		RateSample rate = estimator.next(new TelemetrySample(ip, T0.plusSeconds(1), 100, 10, 60, 20, 30, 60, 0))
			.orElseThrow();
		assertThat(rate.synRate()).isEqualTo(50 + 100 + 30);
		assertThat(rate.unansweredRate()).isEqualTo(90 + 30);
		assertThat(rate.answeredRate()).isEqualTo(60);
	}

	@Test
	void cookiesReturnedInTheNextSampleNeverMakeANegativeRate() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		InetAddress ip = InetAddress.getLoopbackAddress();
		estimator.next(new TelemetrySample(ip, T0, 100, 0, 0, 0, 0, 0, 0));
		RateSample rate = estimator.next(new TelemetrySample(ip, T0.plusMillis(100), 100, 50, 0, 0, 0, 50, 0))
			.orElseThrow();
		assertThat(rate.unansweredRate()).isZero();
	}

	@Test
	void aSingleSpikeIsNotAnAttack() {
		List<TelemetrySample> samples = new ArrayList<>();
		long sent = 0;
		for (int i = 0; i < 50; i++) {
			sent += (i == 20) ? 5_000 : 10; // one 100 ms sample at 50 k SYN/s
			samples.add(sample(i * 100, sent, 0));
		}
		assertThat(detect(samples, thresholds(5000, 1000, 0, 3))).extracting(Decision::kind)
			.containsOnly(Decision.Kind.NONE);
	}

	@Test
	void hysteresisKeepsAnAttackOnWhileTheRateStaysBetweenTheLines() {
		List<TelemetrySample> samples = new ArrayList<>();
		long sent = 0;
		for (int i = 0; i < 100; i++) {
			sent += (i < 20) ? 1_000 : 300; // 10 k/s, then 3 k/s: below start, above end
			samples.add(sample(i * 100, sent, 0));
		}
		List<Decision> decisions = detect(samples, thresholds(5000, 1000, 0, 3));
		assertThat(decisions).extracting(Decision::kind).containsOnlyOnce(Decision.Kind.ATTACK_START);
		assertThat(decisions).extracting(Decision::kind).doesNotContain(Decision.Kind.ATTACK_END);
		assertThat(decisions.get(decisions.size() - 1).underAttack()).isTrue();
	}

	@Test
	void nicRateAloneCanStartAnAttackWhenEnabled() {
		List<TelemetrySample> samples = new ArrayList<>();
		long rx = 0;
		for (int i = 0; i < 20; i++) {
			rx += 50_000; // 500 k pps, no SYN counters moving (e.g. an ACK or UDP flood filling the NIC)
			samples.add(sample(i * 100, 0, rx));
		}
		assertThat(detect(samples, thresholds(5000, 1000, 300_000, 3))).extracting(Decision::kind)
			.contains(Decision.Kind.ATTACK_START);
		assertThat(detect(samples, thresholds(5000, 1000, 0, 3))).extracting(Decision::kind)
			.as("NIC signal off").containsOnly(Decision.Kind.NONE);
	}

	@Test
	void countersGoingBackwardsResetInsteadOfProducingNegativeRates() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		assertThat(estimator.next(sample(0, 1_000_000, 0))).isEmpty();
		assertThat(estimator.next(sample(100, 5, 0))).as("host rebooted").isEmpty();
		assertThat(estimator.next(sample(200, 105, 0))).hasValueSatisfying(r -> assertThat(r.synRate()).isEqualTo(1000));
	}

	@Test
	void aRepeatedReadingIsNoNewsAndTheNextRateSpansBothIntervals() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		estimator.next(sample(0, 0, 10));
		assertThat(estimator.next(sample(100, 0, 10))).as("the same snapshot read again").isEmpty();
		assertThat(estimator.next(sample(200, 600, 40))).hasValueSatisfying(r -> {
			assertThat(r.unansweredRate()).isEqualTo(3000);
			assertThat(r.rxPps()).isEqualTo(150);
		});
		// an idle host: after a second without any change, the zero rate is real
		assertThat(estimator.next(sample(1300, 600, 40))).hasValueSatisfying(r -> assertThat(r.synRate()).isZero());
	}

	@Test
	void aFloodSeenThroughARelayThatRepeatsSnapshotsIsStillCalledOnItsThirdFreshSample() {
		List<TelemetrySample> samples = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			samples.add(sample(i * 100, 0, i * 10L));
		}
		long sent = 0;
		for (int i = 30; i < 40; i++) { // 2000 unanswered SYN/s, but every other reading repeats the previous one
			if (i % 2 == 0) {
				sent += 400;
			}
			samples.add(sample(i * 100, sent, (i % 2 == 0) ? i * 10L : (i - 1) * 10L));
		}
		List<Decision> starts = kind(detect(samples, thresholds(1500, 500, 0, 3)), Decision.Kind.ATTACK_START);
		assertThat(starts).hasSize(1);
		assertThat(starts.get(0).at()).isEqualTo(T0.plusMillis(3400));
	}

	@Test
	void aGapResetsTheRate() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		estimator.next(sample(0, 0, 0));
		assertThat(estimator.next(sample(60_000, 600_000, 0))).isEmpty();
	}

	private static List<Decision> kind(List<Decision> decisions, Decision.Kind kind) {
		return decisions.stream().filter(d -> d.kind() == kind).toList();
	}

	/** Cookies sent (never returned) and NIC packets, cumulative, at {@code ms}. */
	static TelemetrySample sample(long ms, long cookiesSent, long rx) {
		return new TelemetrySample(InetAddress.getLoopbackAddress(), T0.plusMillis(ms), cookiesSent, 0, 0, 0, 0, 0, rx);
	}

}

package io.syncookied.controlplane.detection;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.telemetry.TelemetrySample;

import static org.assertj.core.api.Assertions.assertThat;

/** Detection on recorded kernel counter series and on shaped series for the guards. */
class FloodDetectorTest {

	private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

	private static final Thresholds THRESHOLDS = new Thresholds(5000, 1000, 0, 3);

	/** Loads a series recorded from a real kernel (see record-netns-flood.sh). */
	static List<TelemetrySample> recorded(String name) throws IOException {
		List<TelemetrySample> samples = new ArrayList<>();
		InetAddress ip = InetAddress.getByName("10.77.0.1");
		for (String line : Files.readAllLines(Path.of("src/test/resources/detection", name))) {
			if (line.startsWith("#") || line.startsWith("t_ms")) {
				continue;
			}
			long[] v = java.util.Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
			samples.add(new TelemetrySample(ip, T0.plusMillis(v[0]), v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
		}
		return samples;
	}

	private static List<Decision> run(List<TelemetrySample> samples, Thresholds thresholds) {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		FloodDetector detector = new FloodDetector(Duration.ofMillis(300), Duration.ofSeconds(5));
		List<Decision> decisions = new ArrayList<>();
		for (TelemetrySample s : samples) {
			estimator.next(s).ifPresent(rate -> decisions.add(detector.observe(rate, thresholds)));
		}
		return decisions;
	}

	@Test
	void recordedFloodStartsOnceWithinASecondAndEndsOnceAfterwards() throws IOException {
		List<TelemetrySample> samples = recorded("netns-hping3-flood.csv");
		List<Decision> decisions = run(samples, THRESHOLDS);
		List<Decision> starts = decisions.stream().filter(d -> d.kind() == Decision.Kind.ATTACK_START).toList();
		List<Decision> ends = decisions.stream().filter(d -> d.kind() == Decision.Kind.ATTACK_END).toList();
		assertThat(starts).hasSize(1);
		assertThat(ends).hasSize(1);
		// first sample where the instantaneous SYN rate crossed the start threshold
		Instant crossed = firstCrossing(samples, THRESHOLDS.startSynRate());
		Decision start = starts.get(0);
		assertThat(Duration.between(crossed, start.at())).isLessThan(Duration.ofSeconds(1));
		assertThat(start.synRateEwma()).isGreaterThanOrEqualTo(5000);
		assertThat(start.consecutive()).isEqualTo(3);
		assertThat(start.score()).isGreaterThanOrEqualTo(1.0);
		assertThat(start.synRateWindowPeak()).isGreaterThanOrEqualTo(start.synRateWindowMean());
		assertThat(start.describe()).contains("ATTACK_START from agent").contains("start>=5000 end<1000");
		Decision end = ends.get(0);
		assertThat(end.at()).isAfter(start.at());
		assertThat(end.synRateEwma()).isLessThan(1000);
		assertThat(end.lastHotAt()).isBefore(end.at());
	}

	@Test
	void theBaselineOfTheRecordingIsCalm() throws IOException {
		List<TelemetrySample> baseline = recorded("netns-hping3-flood.csv").subList(0, 20);
		assertThat(run(baseline, THRESHOLDS)).extracting(Decision::kind).containsOnly(Decision.Kind.NONE);
	}

	@Test
	void aSingleSpikeIsNotAnAttack() {
		List<TelemetrySample> samples = new ArrayList<>();
		long sent = 0;
		for (int i = 0; i < 50; i++) {
			sent += (i == 20) ? 5_000 : 10; // one 100 ms sample at 50 k SYN/s
			samples.add(sample(i * 100, sent, 0));
		}
		assertThat(run(samples, new Thresholds(5000, 1000, 0, 3))).extracting(Decision::kind)
			.containsOnly(Decision.Kind.NONE);
	}

	@Test
	void hysteresisKeepsAnAttackOnWhileTheRateStaysBetweenTheThresholds() {
		List<TelemetrySample> samples = new ArrayList<>();
		long sent = 0;
		for (int i = 0; i < 100; i++) {
			sent += (i < 20) ? 1_000 : 300; // 10 k/s, then 3 k/s: below start, above end
			samples.add(sample(i * 100, sent, 0));
		}
		List<Decision> decisions = run(samples, new Thresholds(5000, 1000, 0, 3));
		assertThat(decisions).extracting(Decision::kind).containsOnlyOnce(Decision.Kind.ATTACK_START);
		assertThat(decisions).extracting(Decision::kind).doesNotContain(Decision.Kind.ATTACK_END);
		assertThat(decisions.get(decisions.size() - 1).underAttack()).isTrue();
	}

	@Test
	void nicRateAloneCanStartAnAttack() {
		List<TelemetrySample> samples = new ArrayList<>();
		long rx = 0;
		for (int i = 0; i < 20; i++) {
			rx += 50_000; // 500 k pps, no SYN counters moving (e.g. an ACK or UDP flood filling the NIC)
			samples.add(sample(i * 100, 0, rx));
		}
		assertThat(run(samples, new Thresholds(5000, 1000, 300_000, 3))).extracting(Decision::kind)
			.contains(Decision.Kind.ATTACK_START);
	}

	@Test
	void countersGoingBackwardsResetInsteadOfProducingNegativeRates() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		assertThat(estimator.next(sample(0, 1_000_000, 0))).isEmpty();
		assertThat(estimator.next(sample(100, 5, 0))).as("host rebooted").isEmpty();
		assertThat(estimator.next(sample(200, 105, 0))).hasValueSatisfying(r -> assertThat(r.synRate()).isEqualTo(1000));
	}

	@Test
	void aGapResetsTheRate() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		estimator.next(sample(0, 0, 0));
		assertThat(estimator.next(sample(60_000, 600_000, 0))).isEmpty();
	}

	@Test
	void synEstimateCountsEveryFateOfASynOnce() {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		InetAddress ip = InetAddress.getLoopbackAddress();
		estimator.next(new TelemetrySample(ip, T0, 0, 0, 0, 0, 0, 0, 0));
		// 1 s: 100 cookies sent (60 of them for a full queue), 10 completed via cookie, 50 normal opens,
		// 30 drops of which 20 for a full queue
		var rate = estimator.next(new TelemetrySample(ip, T0.plusSeconds(1), 100, 10, 60, 20, 30, 60, 0)).orElseThrow();
		assertThat(rate.synRate()).isEqualTo(50 + 100 + 30);
	}

	private static TelemetrySample sample(long ms, long cookiesSent, long rx) {
		return new TelemetrySample(InetAddress.getLoopbackAddress(), T0.plusMillis(ms), cookiesSent, 0, 0, 0, 0, 0, rx);
	}

	private static Instant firstCrossing(List<TelemetrySample> samples, long threshold) {
		for (int i = 1; i < samples.size(); i++) {
			TelemetrySample a = samples.get(i - 1);
			TelemetrySample b = samples.get(i);
			double seconds = Duration.between(a.at(), b.at()).toMillis() / 1000.0;
			if ((b.syncookiesSent() - a.syncookiesSent()) / seconds >= threshold) {
				return b.at();
			}
		}
		throw new AssertionError("the recording never crosses " + threshold);
	}

}

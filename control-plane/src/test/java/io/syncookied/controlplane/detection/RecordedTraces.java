package io.syncookied.controlplane.detection;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.syncookied.controlplane.telemetry.TelemetrySample;

/**
 * Kernel counter traces recorded from real Linux servers under real traffic (record-trace.sh, record-netns-flood.sh
 * in src/test/resources/detection), and the detector run over them as the control plane runs it.
 */
final class RecordedTraces {

	static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

	private RecordedTraces() {
	}

	/** One trace: CSV t_ms and the counters in {@link TelemetrySample} order; '#' lines are comments. */
	static List<TelemetrySample> load(String name) throws IOException {
		List<TelemetrySample> samples = new ArrayList<>();
		InetAddress ip = InetAddress.getByName("10.77.0.1");
		for (String line : Files.readAllLines(Path.of("src/test/resources/detection", name))) {
			if (line.startsWith("#") || line.startsWith("t_ms") || line.isBlank()) {
				continue;
			}
			long[] v = Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
			samples.add(new TelemetrySample(ip, T0.plusMillis(v[0]), v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
		}
		return samples;
	}

	static List<Decision> detect(List<TelemetrySample> samples, Thresholds thresholds) {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		FloodDetector detector = new FloodDetector(Duration.ofMillis(300), Duration.ofSeconds(5));
		List<Decision> decisions = new ArrayList<>();
		for (TelemetrySample s : samples) {
			estimator.next(s).ifPresent(rate -> decisions.add(detector.observe(rate, thresholds)));
		}
		return decisions;
	}

	static List<RateSample> rates(List<TelemetrySample> samples) {
		KernelRateEstimator estimator = new KernelRateEstimator(Duration.ofSeconds(10));
		List<RateSample> rates = new ArrayList<>();
		for (TelemetrySample s : samples) {
			estimator.next(s).ifPresent(rates::add);
		}
		return rates;
	}

	/** Thresholds with the given floors and the default baseline settings. */
	static Thresholds thresholds(long start, long end, long startRx, int consecutive) {
		return new Thresholds(start, end, startRx, consecutive, 4, 2, Duration.ofSeconds(60), 20000, 2000000);
	}

}

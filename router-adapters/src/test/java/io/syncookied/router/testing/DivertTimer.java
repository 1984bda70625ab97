package io.syncookied.router.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times a diversion as the control plane waits for it: from the call to {@code divert} to its return, which the
 * {@code DiversionAdapter} contract makes the moment the device's state was read back and matched. Used by the
 * {@code *DivertBench} classes, which Surefire does not pick up by default (a benchmark, not a test):
 * {@code ./mvnw -pl router-adapters -am test -Dtest='*DivertBench' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
public final class DivertTimer {

	private DivertTimer() {
	}

	/** One divert-then-restore round trip; the runnable returns after the restore. */
	public interface Round {

		void divert();

		void restore();

	}

	/** Runs {@code warmup} untimed rounds, then {@code rounds} timed ones, and prints one summary line. */
	public static void run(String adapter, int warmup, int rounds, Round round) {
		for (int i = 0; i < warmup; i++) {
			round.divert();
			round.restore();
		}
		List<Double> divert = new ArrayList<>();
		List<Double> restore = new ArrayList<>();
		for (int i = 0; i < rounds; i++) {
			long t0 = System.nanoTime();
			round.divert();
			long t1 = System.nanoTime();
			round.restore();
			long t2 = System.nanoTime();
			divert.add((t1 - t0) / 1e6);
			restore.add((t2 - t1) / 1e6);
		}
		System.out.printf(Locale.ROOT, "DIVERT-BENCH adapter=%s rounds=%d divert_readback_ms p50=%.1f p95=%.1f max=%.1f"
				+ " restore_readback_ms p50=%.1f p95=%.1f max=%.1f%n", adapter, rounds, quantile(divert, 0.5),
				quantile(divert, 0.95), quantile(divert, 1), quantile(restore, 0.5), quantile(restore, 0.95),
				quantile(restore, 1));
	}

	private static double quantile(List<Double> values, double q) {
		List<Double> sorted = values.stream().sorted().toList();
		return sorted.get((int) Math.floor((sorted.size() - 1) * q));
	}

}

package io.syncookied.controlplane.detection;

import java.time.Duration;

/**
 * A host's normal load, learned from its calm samples: a time-aware EWMA with a long time constant of the SYNs that
 * became connections and of the NIC receive rate. It is bounded three ways, so that an attacker cannot teach it to
 * ignore the attack: it learns only from answered SYNs (a spoofed flood never completes a handshake), never from a
 * hot sample or during an attack (the caller's rule), and never above the configured ceiling (a botnet that does
 * complete handshakes raises it at most to the ceiling, and only at the pace of the time constant). Pure and
 * single-threaded.
 */
public final class Baseline {

	/** What the baseline holds now: answered SYNs per second and NIC packets per second. */
	public record Level(double answeredSynRate, double rxPps) {

		public static final Level NONE = new Level(0, 0);

	}

	private Level level = Level.NONE;

	private boolean seeded;

	Level level() {
		return this.level;
	}

	/** Learns from one calm sample that covered {@code interval} (the first sample seeds the baseline). */
	void learn(RateSample sample, Duration interval, Thresholds thresholds) {
		double answered = Math.min(sample.answeredRate(), thresholds.baselineMaxSynRate());
		double rx = Math.min(sample.rxPps(), thresholds.baselineMaxRxPps());
		if (!this.seeded) {
			this.level = new Level(answered, rx);
			this.seeded = true;
			return;
		}
		double alpha = 1 - Math.exp(-seconds(interval) / seconds(thresholds.baselineTau()));
		this.level = new Level(this.level.answeredSynRate() + alpha * (answered - this.level.answeredSynRate()),
				this.level.rxPps() + alpha * (rx - this.level.rxPps()));
	}

	private static double seconds(Duration d) {
		return d.toNanos() / 1e9;
	}

}

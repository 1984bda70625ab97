package io.syncookied.controlplane.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * Flood detection for one host: an EWMA of the SYN rate (time-aware, so irregular sample intervals weigh right), a
 * sliding window for the mean and peak reported with decisions, separate start and end thresholds (hysteresis) and
 * a minimum number of consecutive samples before any decision. Pure and single-threaded: samples in, decisions out.
 */
public final class FloodDetector {

	private record Point(Instant at, double synRate) {
	}

	private final Duration tau;

	private final Duration window;

	private final Deque<Point> points = new ArrayDeque<>();

	private @Nullable Instant lastAt;

	private double synEwma;

	private double rxEwma;

	private boolean underAttack;

	private int run;

	private Instant lastHotAt = Instant.EPOCH;

	public FloodDetector(Duration tau, Duration window) {
		this.tau = tau;
		this.window = window;
	}

	public Decision observe(RateSample sample, Thresholds thresholds) {
		if (this.lastAt == null) {
			this.synEwma = sample.synRate();
			this.rxEwma = sample.rxPps();
		}
		else {
			double dt = Math.max(0, Duration.between(this.lastAt, sample.at()).toNanos() / 1e9);
			double alpha = 1 - Math.exp(-dt / (this.tau.toNanos() / 1e9));
			this.synEwma += alpha * (sample.synRate() - this.synEwma);
			this.rxEwma += alpha * (sample.rxPps() - this.rxEwma);
		}
		this.lastAt = sample.at();
		this.points.addLast(new Point(sample.at(), sample.synRate()));
		while (!this.points.isEmpty() && this.points.peekFirst().at().isBefore(sample.at().minus(this.window))) {
			this.points.removeFirst();
		}
		// Hot needs both the smoothed and the current rate over the line: the EWMA smears one spike over several
		// samples, and requiring the current sample too keeps a single burst from counting as "consecutive".
		boolean hot = (this.synEwma >= thresholds.startSynRate() && sample.synRate() >= thresholds.startSynRate())
				|| (thresholds.startRxPps() > 0 && this.rxEwma >= thresholds.startRxPps()
						&& sample.rxPps() >= thresholds.startRxPps());
		boolean calm = this.synEwma < thresholds.endSynRate()
				&& (thresholds.startRxPps() == 0 || this.rxEwma < thresholds.endRxPps());
		if (!calm) {
			this.lastHotAt = sample.at();
		}
		Decision.Kind kind = Decision.Kind.NONE;
		if (!this.underAttack) {
			this.run = hot ? this.run + 1 : 0;
			if (this.run >= thresholds.consecutiveSamples()) {
				this.underAttack = true;
				kind = Decision.Kind.ATTACK_START;
			}
		}
		else {
			this.run = calm ? this.run + 1 : 0;
			if (this.run >= thresholds.consecutiveSamples()) {
				this.underAttack = false;
				kind = Decision.Kind.ATTACK_END;
			}
		}
		int consecutive = this.run;
		if (kind != Decision.Kind.NONE) {
			this.run = 0;
		}
		double mean = this.points.stream().mapToDouble(Point::synRate).average().orElse(0);
		double peak = this.points.stream().mapToDouble(Point::synRate).max().orElse(0);
		return new Decision(kind, sample.at(), sample.source(), this.synEwma, mean, peak, this.rxEwma, thresholds,
				consecutive, this.synEwma / thresholds.startSynRate(), this.underAttack, this.lastHotAt);
	}

	public boolean underAttack() {
		return this.underAttack;
	}

	public double synRateEwma() {
		return this.synEwma;
	}

	public double rxPpsEwma() {
		return this.rxEwma;
	}

	public Instant lastHotAt() {
		return this.lastHotAt;
	}

}

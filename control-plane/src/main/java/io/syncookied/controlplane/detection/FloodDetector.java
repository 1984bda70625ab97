package io.syncookied.controlplane.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * Flood detection for one host. A sample is <em>hot</em> when its unanswered SYN rate (cookies that never came back
 * plus drops: what a spoofed flood produces and a crowd of real clients does not) reaches the start line, or its
 * NIC rate reaches the NIC line; {@code consecutiveSamples} hot samples in a row start an attack. The current sample
 * decides, not a smoothed one, so that with agents at 100 ms a flood is called about 0.3 s after it reaches the
 * server; the run of consecutive samples is what keeps a single burst out. An attack ends after as many
 * <em>calm</em> samples, judged on the EWMA (time-aware, so irregular intervals weigh right), which errs on
 * protecting. The lines follow the host's learned {@link Baseline}, which learns only from samples that are neither
 * hot nor under attack. Pure and single-threaded: samples in, decisions out.
 */
public final class FloodDetector {

	private record Point(Instant at, double synRate) {
	}

	private final Duration tau;

	private final Duration window;

	private final Deque<Point> points = new ArrayDeque<>();

	private final Baseline baseline = new Baseline();

	private @Nullable Instant lastAt;

	private Decision.Levels ewma = new Decision.Levels(0, 0, 0);

	private boolean underAttack;

	private int run;

	private Instant lastHotAt = Instant.EPOCH;

	public FloodDetector(Duration tau, Duration window) {
		this.tau = tau;
		this.window = window;
	}

	public Decision observe(RateSample sample, Thresholds thresholds) {
		Instant previous = this.lastAt;
		Duration interval = (previous == null || sample.at().isBefore(previous)) ? Duration.ZERO
				: Duration.between(previous, sample.at());
		this.ewma = (previous == null)
				? new Decision.Levels(sample.synRate(), sample.unansweredRate(), sample.rxPps())
				: smooth(this.ewma, sample, interval);
		this.lastAt = sample.at();
		this.points.addLast(new Point(sample.at(), sample.synRate()));
		while (!this.points.isEmpty() && this.points.peekFirst().at().isBefore(sample.at().minus(this.window))) {
			this.points.removeFirst();
		}
		Baseline.Level normal = this.baseline.level();
		Thresholds.Lines lines = thresholds.lines(normal);
		double score = Math.max(sample.unansweredRate() / lines.startUnanswered(), sample.rxPps() / lines.startRxPps());
		boolean hot = score >= 1.0;
		boolean calm = this.ewma.unansweredRate() < lines.endUnanswered() && this.ewma.rxPps() < lines.endRxPps();
		if (!calm) {
			this.lastHotAt = sample.at();
		}
		if (!this.underAttack && !hot) {
			this.baseline.learn(sample, interval, thresholds);
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
		return new Decision(kind, sample, this.ewma, mean, peak, lines, normal, consecutive, score, this.underAttack,
				this.lastHotAt);
	}

	private Decision.Levels smooth(Decision.Levels old, RateSample sample, Duration interval) {
		double alpha = 1 - Math.exp(-(interval.toNanos() / 1e9) / (this.tau.toNanos() / 1e9));
		return new Decision.Levels(old.synRate() + alpha * (sample.synRate() - old.synRate()),
				old.unansweredRate() + alpha * (sample.unansweredRate() - old.unansweredRate()),
				old.rxPps() + alpha * (sample.rxPps() - old.rxPps()));
	}

	public boolean underAttack() {
		return this.underAttack;
	}

	public Baseline.Level baseline() {
		return this.baseline.level();
	}

	public Instant lastHotAt() {
		return this.lastHotAt;
	}

}

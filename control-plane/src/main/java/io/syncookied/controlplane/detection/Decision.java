package io.syncookied.controlplane.detection;

import java.time.Instant;

/**
 * What the detector concluded from one sample, with the numbers behind it.
 *
 * @param kind {@code NONE}, {@code ATTACK_START} or {@code ATTACK_END}
 * @param sample the sample that was judged
 * @param ewma the smoothed rates after it (time constant {@code ewma-tau})
 * @param synRateWindowMean mean SYN rate over the sliding window
 * @param synRateWindowPeak peak SYN rate over the sliding window
 * @param lines the lines in force (from the thresholds and the baseline before this sample)
 * @param baseline the host's learned normal load
 * @param consecutive hot (or calm) samples in a row, counting this one
 * @param score the sample over its start line (1.0 = at the line; the larger of the SYN and NIC signals)
 */
public record Decision(Kind kind, RateSample sample, Levels ewma, double synRateWindowMean, double synRateWindowPeak,
		Thresholds.Lines lines, Baseline.Level baseline, int consecutive, double score, boolean underAttack,
		Instant lastHotAt) {

	public enum Kind {
		NONE, ATTACK_START, ATTACK_END
	}

	/** Smoothed rates: all SYNs, unanswered SYNs, NIC packets (per second). */
	public record Levels(double synRate, double unansweredRate, double rxPps) {
	}

	public Instant at() {
		return this.sample.at();
	}

	public String source() {
		return this.sample.source();
	}

	public double synRateEwma() {
		return this.ewma.synRate();
	}

	public double rxPpsEwma() {
		return this.ewma.rxPps();
	}

	public String describe() {
		return String.format(java.util.Locale.ROOT,
				"%s from %s: unanswered SYN/s %.0f (ewma %.0f), start>=%.0f end<%.0f; SYN/s %.0f (ewma %.0f, window "
						+ "mean %.0f, peak %.0f); rx pps %.0f (ewma %.0f); baseline %.0f answered SYN/s, %.0f rx pps; "
						+ "%d consecutive samples, score=%.2f",
				this.kind, source(), this.sample.unansweredRate(), this.ewma.unansweredRate(), this.lines.startUnanswered(),
				this.lines.endUnanswered(), this.sample.synRate(), this.ewma.synRate(), this.synRateWindowMean,
				this.synRateWindowPeak, this.sample.rxPps(), this.ewma.rxPps(), this.baseline.answeredSynRate(),
				this.baseline.rxPps(), this.consecutive, this.score);
	}

}

package io.syncookied.controlplane.detection;

import java.time.Instant;

/**
 * What the detector concluded from one sample, with the numbers behind it.
 *
 * @param kind {@code NONE}, {@code ATTACK_START} or {@code ATTACK_END}
 * @param score EWMA SYN rate over the start threshold (1.0 = at the threshold)
 */
public record Decision(Kind kind, Instant at, String source, double synRateEwma, double synRateWindowMean,
		double synRateWindowPeak, double rxPpsEwma, Thresholds thresholds, int consecutive, double score,
		boolean underAttack, Instant lastHotAt) {

	public enum Kind {
		NONE, ATTACK_START, ATTACK_END
	}

	public String describe() {
		return String.format(java.util.Locale.ROOT,
				"%s from %s: SYN/s ewma=%.0f window mean=%.0f peak=%.0f, rx pps ewma=%.0f, start>=%d end<%d, "
						+ "%d consecutive samples, score=%.2f",
				this.kind, this.source, this.synRateEwma, this.synRateWindowMean, this.synRateWindowPeak, this.rxPpsEwma,
				this.thresholds.startSynRate(), this.thresholds.endSynRate(), this.consecutive, this.score);
	}

}

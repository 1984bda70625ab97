package io.syncookied.controlplane.detection;

import java.time.Instant;

/** Latest detection numbers of one host, for the API and metrics. */
public record HostRates(double synRateEwma, double synRateWindowMean, double synRateWindowPeak, double rxPpsEwma,
		double score, boolean underAttack, String source, Instant at) {
}

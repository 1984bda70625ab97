package io.syncookied.controlplane.telemetry;

import reactor.core.publisher.Flux;

/** Streams of agent telemetry (counters) and secrets, already authenticated and decoded. */
public interface TelemetrySource {

	Flux<TelemetrySample> samples();

	Flux<SecretsUpdate> secrets();

}

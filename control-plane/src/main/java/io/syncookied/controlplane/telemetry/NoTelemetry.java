package io.syncookied.controlplane.telemetry;

import reactor.core.publisher.Flux;

/** No telemetry receiver configured: no samples, no secrets (protection is then refused: secrets are stale). */
public final class NoTelemetry implements TelemetrySource {

	@Override
	public Flux<TelemetrySample> samples() {
		return Flux.never();
	}

	@Override
	public Flux<SecretsUpdate> secrets() {
		return Flux.never();
	}

}

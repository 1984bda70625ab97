package io.syncookied.controlplane.startup;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns a failed start into a {@link StartFailure} when one names the setting at fault, ahead of Spring Boot's own
 * analyzers (whose reports span a dozen lines and show rejected values, tokens included).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class StartFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		return StartFailure.of(failure)
			.map(f -> new FailureAnalysis(f.setting() + ": " + f.problem(), f.action(), failure))
			.orElse(null);
	}

}

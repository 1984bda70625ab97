package io.syncookied.controlplane.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * Reports an analysed start failure as one log line, {@code Cannot start: <setting>: <problem>. <action>}, in
 * place of Spring Boot's banner report (its logger is off in {@code application.yml}). The stack trace is logged
 * only at DEBUG ({@code logging.level.io.syncookied.controlplane.startup=debug}).
 */
public final class OneLineFailureReporter implements FailureAnalysisReporter {

	private static final Logger log = LoggerFactory.getLogger(OneLineFailureReporter.class);

	@Override
	public void report(FailureAnalysis analysis) {
		log.error("Cannot start: {}. {}", analysis.getDescription(), analysis.getAction());
		log.debug("The failure behind it", analysis.getCause());
	}

}

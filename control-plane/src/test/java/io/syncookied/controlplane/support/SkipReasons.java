package io.syncookied.controlplane.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints every skipped or aborted test with the reason JUnit was given ({@code @EnabledIf(disabledReason)},
 * {@code @Disabled}, an assumption), so a skip is visible in the build output and not only in the XML reports.
 * Registered for the whole test JVM through {@code META-INF/services}; it never decides a skip itself.
 */
public final class SkipReasons implements TestExecutionListener {

	@Override
	public void executionSkipped(TestIdentifier test, String reason) {
		System.err.println("*** SKIPPED " + test.getDisplayName() + ": " + reason);
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
			System.err.println("*** SKIPPED " + test.getDisplayName() + ": "
					+ result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
		}
	}

}

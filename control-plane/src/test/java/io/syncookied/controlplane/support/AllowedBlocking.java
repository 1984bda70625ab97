package io.syncookied.controlplane.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What may block on a non-blocking thread during tests: only logging (logback writes to the console under a lock).
 * Loaded through {@code META-INF/services}; BlockHound itself is installed for the whole test JVM by
 * blockhound-junit-platform.
 */
public final class AllowedBlocking implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend")
			.allowBlockingCallsInside("ch.qos.logback.core.ConsoleAppender", "subAppend");
	}

}

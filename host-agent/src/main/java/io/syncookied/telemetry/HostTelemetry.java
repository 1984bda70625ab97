package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One host's counters and settings, sent every interval. {@code secretsKnown} says the agent had read secrets
 * (its digest was in the report); {@code readErrors} is the {@code AgentReport.ERR_*} mask.
 */
public record HostTelemetry(String host, int keyId, InetSocketAddress source, long sequence, Instant sentAt,
		Instant receivedAt, String reportedHostname, ReportTrigger trigger, @Nullable ClockSample clock,
		Sysctls sysctls, TcpCounters counters, List<InterfaceCounters> interfaces, boolean secretsKnown,
		int readErrors) implements TelemetryEvent {

	public HostTelemetry {
		interfaces = List.copyOf(interfaces);
	}

}

package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import io.syncookied.common.TcpProfile;
import org.jspecify.annotations.Nullable;

/**
 * One host's counters and settings, sent every interval. {@code secretsKnown} says the agent had read secrets
 * (its digest was in the report); {@code readErrors} is the {@code AgentReport.ERR_*} mask; {@code tcpProfile} is
 * the SYN-ACK window and scale the host's kernel would send ({@link TcpProfile#UNKNOWN} when not reported), for
 * {@code KernelSecrets.withTcpProfile}.
 */
public record HostTelemetry(String host, int keyId, InetSocketAddress source, long sequence, Instant sentAt,
		Instant receivedAt, String reportedHostname, ReportTrigger trigger, @Nullable ClockSample clock,
		Sysctls sysctls, TcpCounters counters, List<InterfaceCounters> interfaces, boolean secretsKnown,
		int readErrors, TcpProfile tcpProfile) implements TelemetryEvent {

	/** Telemetry without a TCP profile. */
	public HostTelemetry(String host, int keyId, InetSocketAddress source, long sequence, Instant sentAt,
			Instant receivedAt, String reportedHostname, ReportTrigger trigger, @Nullable ClockSample clock,
			Sysctls sysctls, TcpCounters counters, List<InterfaceCounters> interfaces, boolean secretsKnown,
			int readErrors) {
		this(host, keyId, source, sequence, sentAt, receivedAt, reportedHostname, trigger, clock, sysctls, counters,
				interfaces, secretsKnown, readErrors, TcpProfile.UNKNOWN);
	}

	public HostTelemetry {
		interfaces = List.copyOf(interfaces);
		java.util.Objects.requireNonNull(tcpProfile, "tcpProfile");
	}

}

package io.syncookied.agent;

import java.util.List;
import java.util.Map;

import io.syncookied.agent.synack.ServerTcpProfile;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;
import org.jspecify.annotations.Nullable;

/**
 * Everything the agent read in one pass. {@code secretsFile} is null when /proc/tcp_secrets could not be read or
 * parsed, {@code tcpProfile} when the kernel's SYN-ACK inputs could not; {@code readErrors} is the
 * {@code AgentReport.ERR_*} mask and {@code errors} says why, per source.
 */
public record HostSnapshot(long sampledAtMs, @Nullable TcpSecretsFile secretsFile, Sysctls sysctls,
		TcpCounters counters, List<InterfaceCounters> interfaces, @Nullable ServerTcpProfile tcpProfile, int readErrors,
		Map<String, String> errors) {

	public HostSnapshot {
		interfaces = List.copyOf(interfaces);
		errors = Map.copyOf(errors);
	}

}

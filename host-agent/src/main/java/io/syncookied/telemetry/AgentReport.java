package io.syncookied.telemetry;

import java.util.List;

import io.syncookied.common.TcpProfile;
import org.jspecify.annotations.Nullable;

/**
 * The plaintext of a REPORT datagram. {@code secrets} is present only when they changed or were requested;
 * {@code secretsDigest} (see {@link SecretsDigest}) is in every report once the agent has read secrets, so a
 * receiver can tell that it missed a change and ask for a resend. {@code readErrors} is a bit mask of the
 * sources the agent failed to read for this report ({@link #ERR_TCP_SECRETS} ...). {@code tcpProfile}: the
 * window and scale of the cookie SYN-ACKs the server's kernel would send ({@link TcpProfile#UNKNOWN} when the
 * agent could not compute them).
 */
public record AgentReport(String hostname, ReportTrigger trigger, @Nullable ClockSample clock,
		@Nullable TcpSecrets secrets, long secretsDigest, boolean hasSecretsDigest, Sysctls sysctls,
		TcpCounters counters, List<InterfaceCounters> interfaces, int readErrors, TcpProfile tcpProfile) {

	public static final int ERR_TCP_SECRETS = 1;

	public static final int ERR_NETSTAT = 1 << 1;

	public static final int ERR_SNMP = 1 << 2;

	public static final int ERR_NET_DEV = 1 << 3;

	public static final int ERR_SYSCTL = 1 << 4;

	/** The kernel's SYN-ACK window inputs (sysctls, default route, MTU, listeners) could not be read. */
	public static final int ERR_TCP_PROFILE = 1 << 5;

	/** A report without a TCP profile. */
	public AgentReport(String hostname, ReportTrigger trigger, @Nullable ClockSample clock,
			@Nullable TcpSecrets secrets, long secretsDigest, boolean hasSecretsDigest, Sysctls sysctls,
			TcpCounters counters, List<InterfaceCounters> interfaces, int readErrors) {
		this(hostname, trigger, clock, secrets, secretsDigest, hasSecretsDigest, sysctls, counters, interfaces,
				readErrors, TcpProfile.UNKNOWN);
	}

	public AgentReport {
		java.util.Objects.requireNonNull(tcpProfile, "tcpProfile");
		interfaces = List.copyOf(interfaces);
		if (!hasSecretsDigest) {
			secretsDigest = 0; // one representation of "no digest"
		}
		if (interfaces.size() > Protocol.MAX_INTERFACES) {
			throw new IllegalArgumentException("interfaces: at most " + Protocol.MAX_INTERFACES + " per report, got "
					+ interfaces.size());
		}
		if (hostname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Protocol.MAX_HOSTNAME) {
			throw new IllegalArgumentException("hostname: longer than " + Protocol.MAX_HOSTNAME + " bytes");
		}
	}

}

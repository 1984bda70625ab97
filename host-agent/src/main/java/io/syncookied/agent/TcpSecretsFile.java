package io.syncookied.agent;

import java.util.Map;

import io.syncookied.telemetry.TcpSecrets;

/**
 * One parse of /proc/tcp_secrets. {@code tcpClockMs} is -1 in the original 3-line format; {@code values} holds
 * the numeric {@code key value} lines of the extended format (tcp_syncookies, tcp_timestamps, ...);
 * {@code overflowHook} is 0 disabled, 1 inactive, 2 active, -1 not printed.
 */
public record TcpSecretsFile(long jiffies, long count, int hz, long tcpClockMs, TcpSecrets secrets,
		Map<String, Long> values, int overflowHook) {

	public TcpSecretsFile {
		values = Map.copyOf(values);
	}

}

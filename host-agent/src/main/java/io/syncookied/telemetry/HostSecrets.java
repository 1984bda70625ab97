package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;
/** A host's cookie secrets: sent at agent start, when they change, and when the receiver asks. */
public record HostSecrets(String host, int keyId, InetSocketAddress source, long sequence, Instant sentAt,
		Instant receivedAt, ClockSample clock, TcpSecrets secrets, Sysctls sysctls) implements TelemetryEvent {

	/** The secrets as /proc/tcp_secrets text (clock as sampled by the agent), for the dataplane's parser. */
	public String toProcTcpSecretsText() {
		return TcpSecretsText.render(this.secrets, this.clock, this.sysctls);
	}

	@Override
	public String toString() {
		return "HostSecrets[host=" + this.host + ", keyId=" + Integer.toUnsignedString(this.keyId) + ", source="
				+ this.source + ", sequence=" + this.sequence + ", secrets=" + this.secrets + "]";
	}

}

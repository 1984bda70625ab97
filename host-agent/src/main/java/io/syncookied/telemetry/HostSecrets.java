package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;
/** A host's cookie secrets: sent at agent start, when they change, and when the receiver asks. */
public record HostSecrets(String host, int keyId, InetSocketAddress source, long sequence, Instant sentAt,
		Instant receivedAt, ClockSample clock, TcpSecrets secrets, Sysctls sysctls) implements TelemetryEvent {

	@Override
	public String toString() {
		return "HostSecrets[host=" + this.host + ", keyId=" + Integer.toUnsignedString(this.keyId) + ", source="
				+ this.source + ", sequence=" + this.sequence + ", secrets=" + this.secrets + "]";
	}

}

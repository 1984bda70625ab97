package io.syncookied.controlplane.telemetry;

import java.net.InetAddress;
import java.time.Instant;

/** A host's cookie secrets and clock, in the /proc/tcp_secrets text format the dataplane takes. */
public record SecretsUpdate(InetAddress ip, Instant receivedAt, String procTcpSecrets) {

	@Override
	public String toString() { // never log secrets
		return "SecretsUpdate[ip=" + this.ip.getHostAddress() + ", receivedAt=" + this.receivedAt + "]";
	}

}

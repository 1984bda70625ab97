package io.syncookied.controlplane.telemetry;

import java.net.InetAddress;
import java.time.Instant;

import io.syncookied.common.KernelSecrets;

/**
 * A host's cookie secrets with its newest clock sample, typed, as the dataplane takes them.
 *
 * @param receivedAt when the report carrying them arrived (staleness is measured from here)
 */
public record SecretsUpdate(InetAddress ip, Instant receivedAt, KernelSecrets secrets) {

	@Override
	public String toString() { // KernelSecrets never prints its keys either
		return "SecretsUpdate[ip=" + this.ip.getHostAddress() + ", receivedAt=" + this.receivedAt + "]";
	}

}

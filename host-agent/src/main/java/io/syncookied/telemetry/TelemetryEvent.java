package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * What the receiver publishes. {@code host} is the label of the key that authenticated the datagram: the only
 * identity to trust (the agent's own {@code reportedHostname} is informational).
 */
public sealed interface TelemetryEvent permits HostTelemetry, HostSecrets {

	String host();

	int keyId();

	InetSocketAddress source();

	long sequence();

	Instant sentAt();

	Instant receivedAt();

}

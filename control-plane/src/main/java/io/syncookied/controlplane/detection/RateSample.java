package io.syncookied.controlplane.detection;

import java.time.Instant;

/**
 * Rates derived from two consecutive counter samples.
 *
 * @param synRate estimated SYN arrivals per second
 * @param rxPps NIC receive packets per second (0 when unknown)
 * @param source {@code agent} (kernel counters of the server) or {@code dataplane} (the firewall's own counters)
 */
public record RateSample(Instant at, double synRate, double rxPps, String source) {
}

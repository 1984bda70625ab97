package io.syncookied.controlplane.telemetry;

import java.net.InetAddress;
import java.time.Instant;

/**
 * Absolute kernel counters of one protected host as an agent reported them. The detector turns consecutive samples
 * into rates.
 */
public record TelemetrySample(InetAddress ip, Instant at, long syncookiesSent, long syncookiesRecv,
		long reqQFullDoCookies, long reqQFullDrop, long listenDrops, long passiveOpens, long nicRxPackets) {
}

/**
 * The syncookied telemetry protocol (see docs/protocol.md): datagram sealing and opening, payload codec,
 * replay protection, key handling, and the Netty UDP receiver that publishes {@link TelemetryEvent}s as a
 * reactive stream for the control plane.
 */
@NullMarked
package io.syncookied.telemetry;

import org.jspecify.annotations.NullMarked;

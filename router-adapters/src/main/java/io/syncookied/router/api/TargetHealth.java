package io.syncookied.router.api;

import java.time.Duration;

/**
 * Result of {@link DiversionAdapter#health}.
 * @param target the target's name
 * @param healthy reachable, authenticated and the table could be read
 * @param detail {@code N overrides} when healthy, otherwise the one-line reason
 * @param latency how long the check took
 */
public record TargetHealth(String target, boolean healthy, String detail, Duration latency) {
}

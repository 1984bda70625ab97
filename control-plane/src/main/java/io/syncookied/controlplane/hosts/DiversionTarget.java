package io.syncookied.controlplane.hosts;

import org.jspecify.annotations.Nullable;

/**
 * Where a host's diversion is programmed: the name of a router target from {@code syncookied.routers.targets} and,
 * optionally, the interface on that router (overrides the target's default).
 */
public record DiversionTarget(String target, @Nullable String iface) {
}

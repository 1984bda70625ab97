package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.hosts.DiversionTarget;
import io.syncookied.controlplane.hosts.HostConfig;

/**
 * The placeholder configuration of an IP the router may divert although it is not in the hosts file (found on the
 * router, or left in the journal): mode off, so nothing but its restore is ever done for it.
 */
final class Orphans {

	private Orphans() {
	}

	static HostConfig config(InetAddress ip, @Nullable String target) {
		return HostConfig.unconfigured(ip, (target != null) ? new DiversionTarget(target, null) : null);
	}

}

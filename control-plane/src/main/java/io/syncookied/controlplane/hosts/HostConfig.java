package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.syncookied.common.IpText;

/**
 * One protected IP from the hosts file: the fields of the original {@code hosts.yml} plus the optional control-plane
 * fields (agent key id, detection thresholds, diversion target, mode, cookie options).
 *
 * @param line line of the entry in the hosts file, for messages
 */
public record HostConfig(InetAddress ip, String mac, @Nullable String secretsAddr, boolean passthrough,
		List<FilterRule> filters, FilterRule.FilterAction defaultAction, @Nullable String agentKeyId,
		ProtectionMode mode, DetectionOverrides detection, @Nullable DiversionTarget diversion,
		CookieOptions cookies, int line) {

	public HostConfig {
		filters = List.copyOf(filters);
	}

	/** The address as every part names it (RFC 5952 for IPv6, as the dataplane prints it). */
	public String ipText() {
		return IpText.of(this.ip);
	}

}

package io.syncookied.controlplane.hosts;

import java.net.InetAddress;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.syncookied.common.IpText;
import io.syncookied.dataplane.DpHost;

/**
 * One protected IP from the hosts file: the dataplane's keys of the one hosts schema ({@link DpHost}, sent to the
 * worker as they are) plus the control plane's own (agent key id, mode, detection thresholds, diversion target).
 *
 * @param dataplane the host as the dataplane takes it (ip, mac, filters, SYN-ACK options, ...)
 * @param secretsAddr the agent's address ({@code secrets_addr}, or the original's {@code local_addr})
 * @param line line of the entry in the hosts file, for messages
 */
public record HostConfig(DpHost dataplane, @Nullable String secretsAddr, @Nullable String agentKeyId,
		ProtectionMode mode, DetectionOverrides detection, @Nullable DiversionTarget diversion, int line) {

	public HostConfig {
		Objects.requireNonNull(dataplane, "dataplane");
		Objects.requireNonNull(mode, "mode");
		Objects.requireNonNull(detection, "detection");
	}

	/**
	 * A host that is not in the hosts file (any more) but that the router or the journal still knows: never
	 * protected ({@code mode: off}), never sent to the dataplane.
	 */
	public static HostConfig unconfigured(InetAddress ip, @Nullable DiversionTarget diversion) {
		return new HostConfig(DpHost.of(ip, "00:00:00:00:00:00"), null, null, ProtectionMode.OFF,
				DetectionOverrides.NONE, diversion, 0);
	}

	public InetAddress ip() {
		return this.dataplane.ip();
	}

	/** The address as every part names it (RFC 5952 for IPv6, as the dataplane prints it). */
	public String ipText() {
		return IpText.of(ip());
	}

}

package io.syncookied.controlplane.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.syncookied.dataplane.WorkerOptions;

/**
 * The dataplane worker the control plane drives.
 *
 * @param enabled off by default, so the control plane starts with no dataplane (protection is then refused)
 * @param manageWorker start, watch and restart the worker process; false = attach to a worker started elsewhere
 * @param binary the {@code syncookied-dp} executable
 * @param controlSocket the worker's Unix control socket
 * @param backend capture backend: auto (the worker starts the fastest the kernel and NIC run: xdp, then afxdp, then
 *        afpacket), xdp (the XDP fast path), afxdp, afpacket, netmap
 * @param iface interface facing the router (diverted traffic arrives there)
 * @param txIface interface towards the servers, if different
 * @param cpus CPU list for the workers, e.g. {@code 0-1}
 * @param mac the firewall MAC the router diverts to; read from {@code /sys/class/net/<iface>/address} when empty
 * @param heartbeatInterval how often the worker's health is asked
 * @param heartbeatTimeout no healthy answer for this long = the worker is unhealthy (fail-open/closed applies)
 * @param restartBackoff wait before the first attempt to restart a dead worker; each failed attempt doubles it
 * @param restartBackoffMax the longest wait between two restart attempts (they go on for as long as it takes)
 * @param statsInterval how often counters are read (detection while protected, metrics)
 * @param flowSlots the worker's flow-table slots per packet worker ({@code --flow-slots}, at least 1024), or empty
 * for its default (1 << 20, 48 MiB)
 * @param xdpMode how the AF_XDP backend attaches ({@code auto}, {@code skb}, {@code drv}; {@code --xdp-mode})
 * @param rtPriority 0 for normal threads, 1..99 for SCHED_FIFO packet workers ({@code --rt-priority}, needs
 * CAP_SYS_NICE)
 * @param xskRing xdp and afxdp: entries of each AF_XDP socket's RX and fill rings and its receive frames
 * ({@code --xsk-ring}, a power of two from 64 to 32768), or empty for the worker's default (8192)
 */
@Validated
@ConfigurationProperties("syncookied.dataplane")
public record DataplaneProperties(@DefaultValue("false") boolean enabled, @DefaultValue("true") boolean manageWorker,
		@DefaultValue("syncookied-dp") @NotNull Path binary,
		@DefaultValue("/run/syncookied/dataplane.sock") @NotNull Path controlSocket,
		@DefaultValue("auto") @Pattern(regexp = "auto|xdp|afxdp|afpacket|netmap|memory",
				message = "must be auto, xdp, afxdp, afpacket, netmap or memory") String backend,
		@Nullable String iface, @Nullable String txIface, @Nullable String cpus,
		@Nullable @Pattern(regexp = "[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}", message = "must be a MAC address aa:bb:cc:dd:ee:ff") String mac,
		@DefaultValue("500ms") @NotNull Duration heartbeatInterval,
		@DefaultValue("3s") @NotNull Duration heartbeatTimeout, @DefaultValue("2s") @NotNull Duration restartBackoff,
		@DefaultValue("1m") @NotNull Duration restartBackoffMax,
		@DefaultValue("500ms") @NotNull Duration statsInterval, @Nullable @Min(1024) Integer flowSlots,
		@DefaultValue("auto") @NotNull WorkerOptions.XdpMode xdpMode,
		@DefaultValue("0") @Min(0) @Max(99) int rtPriority, @Nullable Integer xskRing) {

	/** The packet workers' tuning as the worker takes it. */
	public WorkerOptions workerOptions() {
		return new WorkerOptions(this.flowSlots, this.xdpMode, this.rtPriority, this.xskRing);
	}

	public DataplaneProperties {
		// the worker's own rule, checked here so that a bad value stops the start instead of every worker start
		if (xskRing != null && !WorkerOptions.isXskRing(xskRing)) {
			throw new IllegalArgumentException("syncookied.dataplane.xsk-ring: " + xskRing
					+ " is not a power of two from " + WorkerOptions.XSK_RING_MIN + " to " + WorkerOptions.XSK_RING_MAX);
		}
		if (restartBackoff != null && restartBackoffMax != null
				&& (restartBackoff.isNegative() || restartBackoff.isZero() || restartBackoffMax.compareTo(restartBackoff) < 0)) {
			throw new IllegalArgumentException("syncookied.dataplane.restart-backoff (" + restartBackoff
					+ ") must be positive and at most syncookied.dataplane.restart-backoff-max (" + restartBackoffMax + ")");
		}
		if (enabled && (iface == null || iface.isBlank()) && manageWorker) {
			throw new IllegalArgumentException(
					"syncookied.dataplane.iface is required when syncookied.dataplane.enabled=true and manage-worker=true");
		}
	}

}

package io.syncookied.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The packet workers' tuning ({@code syncookied-dp run} options).
 *
 * @param flowSlots flow-table slots per worker ({@code --flow-slots}, at least 1024), or null for the dataplane's
 *        default (1 << 20)
 * @param xdpMode how AF_XDP attaches its program ({@code --xdp-mode})
 * @param rtPriority 0 for normal threads, 1..99 for SCHED_FIFO workers ({@code --rt-priority}, needs CAP_SYS_NICE)
 * @param xskRing xdp and afxdp: entries of each AF_XDP socket's RX and fill rings, and its receive frames
 *        ({@code --xsk-ring}, a power of two from {@value #XSK_RING_MIN} to {@value #XSK_RING_MAX}), or null for
 *        the dataplane's default (8192)
 */
public record WorkerOptions(@Nullable Integer flowSlots, XdpMode xdpMode, int rtPriority, @Nullable Integer xskRing) {

	/**
	 * The smallest {@code --xsk-ring} the worker takes ({@code DP_XSK_RING_MIN} in
	 * {@code include/syncookied/dataplane.h}, which a test reads so the two cannot drift apart).
	 */
	public static final int XSK_RING_MIN = 64;

	/** The largest {@code --xsk-ring} the worker takes ({@code DP_XSK_RING_MAX}). */
	public static final int XSK_RING_MAX = 32768;

	/** The dataplane's defaults. */
	public static final WorkerOptions DEFAULTS = new WorkerOptions(null, XdpMode.AUTO, 0, null);

	/** How the AF_XDP backend attaches its XDP program. */
	public enum XdpMode {

		/** Let the kernel choose (native when the driver supports it). */
		AUTO,
		/** Generic (skb) mode: works everywhere, slower. */
		SKB,
		/** Native (driver) mode: fails when the driver lacks it. */
		DRV;

		String word() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	public WorkerOptions {
		Objects.requireNonNull(xdpMode, "xdpMode");
		if (flowSlots != null && flowSlots < 1024) {
			throw new IllegalArgumentException("flowSlots: " + flowSlots + " is below 1024");
		}
		if (rtPriority < 0 || rtPriority > 99) {
			throw new IllegalArgumentException("rtPriority: " + rtPriority + " is outside 0..99");
		}
		if (xskRing != null && !isXskRing(xskRing)) {
			throw new IllegalArgumentException("xskRing: " + xskRing + " is not a power of two from " + XSK_RING_MIN
					+ " to " + XSK_RING_MAX);
		}
	}

	/**
	 * Whether the worker takes {@code entries} as {@code --xsk-ring}: AF_XDP rings are a power of two in size, and
	 * the worker's bounds keep one socket's receive frames (4 KiB each) between 256 KiB and 128 MiB.
	 */
	public static boolean isXskRing(int entries) {
		return entries >= XSK_RING_MIN && entries <= XSK_RING_MAX && Integer.bitCount(entries) == 1;
	}

	List<String> arguments() {
		List<String> a = new ArrayList<>();
		if (this.flowSlots != null) {
			a.addAll(List.of("--flow-slots", this.flowSlots.toString()));
		}
		if (this.xdpMode != XdpMode.AUTO) {
			a.addAll(List.of("--xdp-mode", this.xdpMode.word()));
		}
		if (this.rtPriority != 0) {
			a.addAll(List.of("--rt-priority", Integer.toString(this.rtPriority)));
		}
		if (this.xskRing != null) {
			a.addAll(List.of("--xsk-ring", this.xskRing.toString()));
		}
		return a;
	}

}

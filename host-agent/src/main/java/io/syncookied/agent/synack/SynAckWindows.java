package io.syncookied.agent.synack;

/**
 * The window fields and the window scale of the cookie SYN-ACKs one listener's kernel sends. The window depends on
 * the address family (the server's MSS: MTU - 40 for IPv4, MTU - 60 for IPv6) and on whether the SYN-ACK carries
 * timestamps (12 bytes less per segment), because the kernel rounds the receive space down to whole segments.
 *
 * @param wscale the window-scale shift, 0..14 (0 also when window scaling is off)
 * @param window4 IPv4 SYN-ACK without timestamps
 * @param window4Ts IPv4 SYN-ACK with timestamps
 * @param window6 IPv6 SYN-ACK without timestamps
 * @param window6Ts IPv6 SYN-ACK with timestamps
 */
public record SynAckWindows(int wscale, int window4, int window4Ts, int window6, int window6Ts) {

	public SynAckWindows {
		if (wscale < 0 || wscale > SynAckWindowModel.MAX_WSCALE) {
			throw new IllegalArgumentException("wscale: " + wscale + " is outside 0..14");
		}
		for (int w : new int[] { window4, window4Ts, window6, window6Ts }) {
			if (w < 1 || w > 65535) {
				throw new IllegalArgumentException("window: " + w + " is outside 1..65535");
			}
		}
	}

	/** The window field of a SYN-ACK of that family, with or without timestamps. */
	public int window(boolean ipv6, boolean timestamps) {
		if (ipv6) {
			return timestamps ? this.window6Ts : this.window6;
		}
		return timestamps ? this.window4Ts : this.window4;
	}

}

package io.syncookied.dataplane;

import org.jspecify.annotations.Nullable;

/**
 * What a host's cookie SYN-ACK may carry. A null number is not overridden: MSS follows the address family, window and
 * scale follow the server's agent report (else the dataplane's defaults). A switched-off option is never encoded; a
 * switched-on one still needs the server's sysctl.
 *
 * @param mss hosts.yml {@code mss}
 * @param window hosts.yml {@code window}
 * @param wscale hosts.yml {@code wscale}
 * @param timestamps hosts.yml {@code timestamps}
 * @param sack hosts.yml {@code sack}
 * @param windowScaling hosts.yml {@code window_scaling}
 * @param ecn hosts.yml {@code ecn}
 */
public record SynAckOptions(@Nullable Integer mss, @Nullable Integer window, @Nullable Integer wscale,
		boolean timestamps, boolean sack, boolean windowScaling, boolean ecn) {

	/** Nothing overridden, every option allowed. */
	public static final SynAckOptions DEFAULTS = new SynAckOptions(null, null, null, true, true, true, true);

	public SynAckOptions {
		check(HostKey.MSS, mss);
		check(HostKey.WINDOW, window);
		check(HostKey.WSCALE, wscale);
	}

	private static void check(HostKey key, @Nullable Integer value) {
		if (value != null && (value < key.min() || value > key.max())) {
			throw new IllegalArgumentException(
					key.key() + ": " + value + " is outside " + key.min() + ".." + key.max());
		}
	}

}

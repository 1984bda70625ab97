package io.syncookied.common;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * What a server's agent reports about the cookie SYN-ACK its kernel would send: the window and scale of a listener
 * with the default receive buffer, and of the listeners the agent saw with their own buffer (per local port). The
 * dataplane answers a SYN with the port's entry, else the default, else its built-in default; a hosts-file
 * {@code window}/{@code wscale} overrides all of them.
 *
 * @param defaults the default listener's values, or null when the agent did not report them
 * @param byPort listeners with their own receive buffer, by TCP port (1..65535), at most {@value #MAX_PORTS}
 */
public record TcpProfile(@Nullable SynAckWindow defaults, Map<Integer, SynAckWindow> byPort) {

	/** The most listener ports one profile carries (the dataplane's per-host table has this many entries). */
	public static final int MAX_PORTS = 16;

	/** Nothing reported: the dataplane uses the hosts file or its defaults. */
	public static final TcpProfile UNKNOWN = new TcpProfile(null, Map.of());

	public TcpProfile {
		if (byPort.size() > MAX_PORTS) {
			throw new IllegalArgumentException("byPort: " + byPort.size() + " listener ports, at most " + MAX_PORTS);
		}
		for (Integer port : byPort.keySet()) {
			if (port == null || port < 1 || port > 65535) {
				throw new IllegalArgumentException("byPort: port " + port + " is outside 1..65535");
			}
		}
		byPort = Collections.unmodifiableMap(new TreeMap<>(byPort)); // ordered: stable wire form and equality
	}

	public boolean isKnown() {
		return this.defaults != null || !this.byPort.isEmpty();
	}

}

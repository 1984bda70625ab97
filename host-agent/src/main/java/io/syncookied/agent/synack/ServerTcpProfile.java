package io.syncookied.agent.synack;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cookie SYN-ACKs one server's kernel would send: for a listener with the default receive buffer, and for the
 * listeners (by port) that have their own buffer, from the kernel inputs in {@code stack}.
 */
public record ServerTcpProfile(TcpStack stack, SynAckWindows defaults, Map<Integer, SynAckWindows> byPort) {

	public ServerTcpProfile {
		byPort = Collections.unmodifiableMap(new TreeMap<>(byPort));
	}

}

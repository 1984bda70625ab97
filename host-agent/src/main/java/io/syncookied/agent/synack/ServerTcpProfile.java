package io.syncookied.agent.synack;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;

/**
 * The cookie SYN-ACKs one server's kernel would send: for a listener with the default receive buffer, and for the
 * listeners (by port) that have their own buffer, from the kernel inputs in {@code stack}.
 */
public record ServerTcpProfile(TcpStack stack, SynAckWindow defaults, Map<Integer, SynAckWindow> byPort) {

	public ServerTcpProfile {
		byPort = Collections.unmodifiableMap(new TreeMap<>(byPort));
	}

	/** What the agent reports (the kernel inputs stay on the server). */
	public TcpProfile toTcpProfile() {
		return new TcpProfile(this.defaults, this.byPort);
	}

}

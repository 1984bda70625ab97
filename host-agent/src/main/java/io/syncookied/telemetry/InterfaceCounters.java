package io.syncookied.telemetry;

/** Receive counters of one network interface (/proc/net/dev). */
public record InterfaceCounters(String name, long rxPackets, long rxBytes, long rxDrops) {

	public InterfaceCounters {
		if (name.isEmpty() || name.length() > Protocol.MAX_INTERFACE_NAME) {
			throw new IllegalArgumentException("interface name '" + name + "': must be 1.."
					+ Protocol.MAX_INTERFACE_NAME + " characters");
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c <= ' ' || c > '~' || c == '/' || c == ':') {
				throw new IllegalArgumentException("interface name '" + name + "': character " + i + " is not allowed");
			}
		}
	}

}

package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Mitigation ids ({@code m-1a2b3c4d}) tag router overrides and events. Derived from the IP and the time the
 * mitigation started, so that the same events give the same ids (a replay, another cluster node).
 */
final class MitigationIds {

	private MitigationIds() {
	}

	static String of(InetAddress ip, Instant at) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(ip.getAddress());
			sha.update(ByteBuffer.allocate(12).putLong(at.getEpochSecond()).putInt(at.getNano()).array());
			return "m-" + HexFormat.of().formatHex(sha.digest(), 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}

package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Optional;

/**
 * Rendezvous (highest random weight) hashing of protected IPs onto nodes: each (node, IP) pair gets a pseudo-random
 * score and an IP goes to the live node with the highest one. When a node leaves only its own IPs move (each to the
 * node that was second for it); when one joins, it takes only the IPs where it now scores highest, about 1/n of them.
 * Every node computes the same answer from the same live set, with no state of its own.
 * <p>
 * The score is the first 8 bytes of SHA-256(node id, 0, address bytes): stable across JVMs, versions and
 * architectures, which a rolling upgrade needs, and fast enough for the few thousand IPs a cluster protects.
 */
public final class Rendezvous {

	private Rendezvous() {
	}

	/** The node that serves {@code ip} among {@code nodes}, or empty when there is none. Ties go to the lower id. */
	public static Optional<NodeId> owner(InetAddress ip, Collection<NodeId> nodes) {
		NodeId best = null;
		long bestScore = 0;
		for (NodeId node : nodes) {
			long score = score(node, ip);
			if (best == null || Long.compareUnsigned(score, bestScore) > 0
					|| (score == bestScore && node.compareTo(best) < 0)) {
				best = node;
				bestScore = score;
			}
		}
		return Optional.ofNullable(best);
	}

	static long score(NodeId node, InetAddress ip) {
		MessageDigest sha;
		try {
			sha = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
		sha.update(node.value().getBytes(StandardCharsets.US_ASCII));
		sha.update((byte) 0);
		byte[] digest = sha.digest(ip.getAddress());
		long score = 0;
		for (int i = 0; i < 8; i++) {
			score = (score << 8) | (digest[i] & 0xff);
		}
		return score;
	}

}

package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which protected IPs must move, and where: pure, so every (live set, assignments) case is a unit test.
 * <p>
 * Assignments are sticky: an IP whose node is alive stays there, even when a joining node would now win its
 * rendezvous hash, because moving a diverted IP re-points the router for no gain. An IP whose node is gone (or that
 * has no node yet) goes to its rendezvous owner among the live nodes, so the IPs of a dead node spread over all the
 * others, and every leader computes the same plan.
 */
public final class AssignmentPlan {

	/** One IP to (re)assign; {@code from} is null for an IP that had no node. */
	public record Move(InetAddress ip, @Nullable NodeId from, NodeId to) {
	}

	private AssignmentPlan() {
	}

	/**
	 * The moves that put every IP of {@code ips} on a live node. Empty when no node is alive: IPs then stay where they
	 * were (a leader without members has nowhere to send them).
	 */
	public static List<Move> moves(Collection<InetAddress> ips, Map<InetAddress, NodeId> assigned, Set<NodeId> live) {
		List<Move> moves = new ArrayList<>();
		if (live.isEmpty()) {
			return moves;
		}
		for (InetAddress ip : ips) {
			NodeId current = assigned.get(ip);
			if (current != null && live.contains(current)) {
				continue;
			}
			Optional<NodeId> owner = Rendezvous.owner(ip, live);
			owner.ifPresent((to) -> moves.add(new Move(ip, current, to)));
		}
		return moves;
	}

}

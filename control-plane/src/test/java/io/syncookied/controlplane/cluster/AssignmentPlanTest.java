package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AssignmentPlanTest {

	private static final NodeId A = new NodeId("fw-1");

	private static final NodeId B = new NodeId("fw-2");

	private static final NodeId C = new NodeId("fw-3");

	@Test
	void ipsWithoutANodeGoToTheirRendezvousOwner() throws Exception {
		List<InetAddress> ips = ips(50);
		List<AssignmentPlan.Move> moves = AssignmentPlan.moves(ips, Map.of(), Set.of(A, B, C));
		assertThat(moves).hasSize(50).allSatisfy((move) -> {
			assertThat(move.from()).isNull();
			assertThat(move.to()).isEqualTo(Rendezvous.owner(move.ip(), Set.of(A, B, C)).orElseThrow());
		});
	}

	@Test
	void aDeadNodesIpsSpreadOverTheLiveOnesAndNoOtherIpMoves() throws Exception {
		List<InetAddress> ips = ips(300);
		Map<InetAddress, NodeId> assigned = new HashMap<>();
		for (InetAddress ip : ips) {
			assigned.put(ip, Rendezvous.owner(ip, Set.of(A, B, C)).orElseThrow());
		}
		List<AssignmentPlan.Move> moves = AssignmentPlan.moves(ips, assigned, Set.of(A, C));
		assertThat(moves).isNotEmpty().allSatisfy((move) -> {
			assertThat(move.from()).isEqualTo(B);
			assertThat(move.to()).isIn(A, C);
		});
		assertThat(moves).hasSize((int) assigned.values().stream().filter(B::equals).count());
		assertThat(moves.stream().map(AssignmentPlan.Move::to).distinct()).containsExactlyInAnyOrder(A, C);
	}

	@Test
	void aJoiningNodeTakesNothingAlreadyAssigned() throws Exception {
		List<InetAddress> ips = ips(100);
		Map<InetAddress, NodeId> assigned = new HashMap<>();
		for (InetAddress ip : ips) {
			assigned.put(ip, Rendezvous.owner(ip, Set.of(A, B)).orElseThrow());
		}
		assertThat(AssignmentPlan.moves(ips, assigned, Set.of(A, B, C))).isEmpty();
	}

	@Test
	void withNoLiveNodeNothingMoves() throws Exception {
		List<InetAddress> ips = ips(3);
		assertThat(AssignmentPlan.moves(ips, Map.of(ips.get(0), A), Set.of())).isEmpty();
	}

	private static List<InetAddress> ips(int n) throws Exception {
		List<InetAddress> ips = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			ips.add(InetAddress.getByAddress(new byte[] { (byte) 198, 51, (byte) (i >> 8), (byte) i }));
		}
		return ips;
	}

}

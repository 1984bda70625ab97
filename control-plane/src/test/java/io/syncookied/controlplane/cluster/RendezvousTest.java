package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousTest {

	private static final List<NodeId> THREE = List.of(new NodeId("fw-1"), new NodeId("fw-2"), new NodeId("fw-3"));

	@Test
	void everyNodeComputesTheSameOwnerWhateverTheOrderOfTheLiveSet() throws Exception {
		List<NodeId> reversed = new ArrayList<>(THREE);
		java.util.Collections.reverse(reversed);
		for (InetAddress ip : ips(200)) {
			assertThat(Rendezvous.owner(ip, reversed)).isEqualTo(Rendezvous.owner(ip, THREE));
		}
		assertThat(Rendezvous.owner(InetAddress.getByName("192.0.2.1"), List.of())).isEmpty();
	}

	@Test
	void aNodeLeavingMovesOnlyItsOwnIps() throws Exception {
		List<NodeId> two = List.of(THREE.get(0), THREE.get(2));
		int moved = 0;
		for (InetAddress ip : ips(3000)) {
			NodeId before = Rendezvous.owner(ip, THREE).orElseThrow();
			NodeId after = Rendezvous.owner(ip, two).orElseThrow();
			if (!before.equals(THREE.get(1))) {
				assertThat(after).as("owner of %s", ip).isEqualTo(before);
			}
			else {
				moved++;
			}
		}
		assertThat(moved).isBetween(800, 1200);
	}

	@Test
	void aNodeJoiningTakesAboutItsShareAndNothingMovesBetweenTheOthers() throws Exception {
		List<NodeId> four = new ArrayList<>(THREE);
		four.add(new NodeId("fw-4"));
		Map<NodeId, Integer> share = new HashMap<>();
		for (InetAddress ip : ips(4000)) {
			NodeId before = Rendezvous.owner(ip, THREE).orElseThrow();
			NodeId after = Rendezvous.owner(ip, four).orElseThrow();
			assertThat(after).isIn(before, four.get(3));
			share.merge(after, 1, Integer::sum);
		}
		assertThat(share.values()).allSatisfy((n) -> assertThat(n).isBetween(850, 1150));
	}

	@Test
	void theScoreIsFixedAcrossVersionsAndMachines() throws Exception {
		// A rolling upgrade mixes versions: the owner of an IP must never depend on the build.
		assertThat(Long.toHexString(Rendezvous.score(new NodeId("fw-1"), InetAddress.getByName("192.0.2.1"))))
			.isEqualTo(GOLDEN);
	}

	/** SHA-256("fw-1", 0, 192.0.2.1), first 8 bytes, as Python's hashlib computes it. */
	private static final String GOLDEN = "d596b1ddcc559916";

	private static List<InetAddress> ips(int n) throws UnknownHostException {
		List<InetAddress> ips = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			ips.add(InetAddress.getByAddress(new byte[] { 10, (byte) (i >> 16), (byte) (i >> 8), (byte) i }));
		}
		return ips;
	}

}

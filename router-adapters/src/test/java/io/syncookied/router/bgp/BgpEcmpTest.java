package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.BgpLab;
import io.syncookied.router.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two scrubbers announce the same attacked address to a REAL bird2 router with multipath: the router's kernel FIB
 * holds one next hop per healthy scrubber, connections spread over both, and a scrubber whose gobgpd dies or hangs
 * loses its next hop without any control-plane action (session close, or hold timer).
 */
class BgpEcmpTest {

	static final InetAddress SERVER = IpAddresses.parse("ip", BgpLab.SERVER_IP);

	static final InetAddress SERVER6 = IpAddresses.parse("ip", BgpLab.SERVER_IP6);

	static final Set<String> BOTH = Set.of(BgpLab.scrubberAddress(1), BgpLab.scrubberAddress(2));

	static final Set<String> BOTH6 = Set.of(BgpLab.scrubberAddress6(1), BgpLab.scrubberAddress6(2));

	static BgpLab lab;

	static ResilientDiversionAdapter adapter;

	@BeforeAll
	static void start() throws Exception {
		Shell.requireRoot("BGP ECMP tests");
		Shell.requireCommand("BGP ECMP tests", "gobgpd");
		Shell.requireCommand("BGP ECMP tests", "bird");
		Shell.requireCommand("BGP ECMP tests", "busybox");
		lab = BgpLab.create();
		adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry());
		lab.awaitSessions(30_000);
	}

	@AfterAll
	static void stop() {
		if (adapter != null) {
			adapter.close();
		}
		if (lab != null) {
			lab.close();
		}
	}

	static RouterTarget target(int n) {
		Map<String, Object> m = new HashMap<>(Map.of("adapter", "bgp", "name", "scrubber" + n, "api", lab.api(n),
				"neighbor", BgpLab.routerAddress(n), "next-hop6", BgpLab.scrubberAddress6(n), "communities",
				List.of("no-export", BgpLab.SCRUB), "attempts", "1"));
		return DiversionVendors.load().parse("test", m);
	}

	static void divertOn(int n) {
		OverrideTag tag = new OverrideTag("control-plane", "syn flood", "m-" + n);
		adapter.divert(SERVER, null, target(n), tag);
		adapter.divert(SERVER6, null, target(n), tag);
	}

	@Test
	void oneNextHopPerHealthyScrubberAndTrafficThroughThem() throws Exception {
		divertOn(1);
		divertOn(2);
		lab.awaitFib(BgpLab.SERVER_IP, BOTH, 5_000);
		lab.awaitFib(BgpLab.SERVER_IP6, BOTH6, 5_000);
		Map<String, Integer> v4 = lab.answers(BgpLab.SERVER_IP, 40);
		Map<String, Integer> v6 = lab.answers(BgpLab.SERVER_IP6, 40);
		System.out.println("ECMP share over 40 connections: IPv4 " + v4 + ", IPv6 " + v6);
		assertThat(v4).containsOnlyKeys("scrubber1", "scrubber2");
		assertThat(v6).containsOnlyKeys("scrubber1", "scrubber2");

		// A crashed gobgpd: the kernel closes its TCP session and the router drops that next hop at once.
		lab.killGobgpd(1);
		long killed = lab.awaitFib(BgpLab.SERVER_IP, Set.of(BgpLab.scrubberAddress(2)), 10_000);
		lab.awaitFib(BgpLab.SERVER_IP6, Set.of(BgpLab.scrubberAddress6(2)), 10_000);
		assertThat(lab.answers(BgpLab.SERVER_IP, 10)).containsOnlyKeys("scrubber2");
		assertThat(lab.answers(BgpLab.SERVER_IP6, 10)).containsOnlyKeys("scrubber2");

		// Back: a restarted gobgpd holds no routes until the control plane diverts again.
		lab.startGobgpd(1);
		lab.awaitSessions(30_000);
		assertThat(lab.fibNextHops(BgpLab.SERVER_IP)).containsExactly(BgpLab.scrubberAddress(2));
		divertOn(1);
		lab.awaitFib(BgpLab.SERVER_IP, BOTH, 5_000);

		// A hung scrubber keeps its TCP session open but silent: the hold timer (3 s here) removes it.
		lab.freezeGobgpd(2, true);
		long hung;
		try {
			hung = lab.awaitFib(BgpLab.SERVER_IP, Set.of(BgpLab.scrubberAddress(1)), 15_000);
			lab.awaitFib(BgpLab.SERVER_IP6, Set.of(BgpLab.scrubberAddress6(1)), 15_000);
			assertThat(lab.answers(BgpLab.SERVER_IP, 10)).containsOnlyKeys("scrubber1");
		}
		finally {
			lab.freezeGobgpd(2, false);
		}
		System.out.println("next hop removed after gobgpd SIGKILL in " + killed + " ms, after SIGSTOP (hold time 3 s) in "
				+ hung + " ms");
		// Thawed, it re-establishes and announces what its RIB still holds.
		lab.awaitFib(BgpLab.SERVER_IP, BOTH, 30_000);
		lab.awaitFib(BgpLab.SERVER_IP6, BOTH6, 30_000);

		for (int n = 1; n <= 2; n++) {
			adapter.restore(SERVER, target(n));
			adapter.restore(SERVER6, target(n));
		}
		lab.awaitFib(BgpLab.SERVER_IP, Set.of(), 5_000);
		lab.awaitFib(BgpLab.SERVER_IP6, Set.of(), 5_000);
		assertThat(lab.answers(BgpLab.SERVER_IP, 3)).containsOnlyKeys("server");
	}

}

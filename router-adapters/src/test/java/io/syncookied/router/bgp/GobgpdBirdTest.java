package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.api.Via;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.BgpLab;
import io.syncookied.router.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The BGP adapter against REAL gobgpd speakers (one per scrubber) and a REAL bird2 border router in network
 * namespaces: the router's kernel FIB is read, and TCP connections show where traffic goes.
 */
class GobgpdBirdTest {

	static final InetAddress SERVER = IpAddresses.parse("ip", BgpLab.SERVER_IP);

	static final InetAddress SERVER6 = IpAddresses.parse("ip", BgpLab.SERVER_IP6);

	static final OverrideTag TAG = new OverrideTag("control-plane", "syn flood", "m-1");

	static BgpLab lab;

	/** Per test, so one test's failures never leave another a tripped circuit breaker. */
	ResilientDiversionAdapter adapter;

	@BeforeAll
	static void start() throws Exception {
		Shell.requireRoot("BGP diversion tests");
		Shell.requireCommand("BGP diversion tests", "gobgpd");
		Shell.requireCommand("BGP diversion tests", "bird");
		Shell.requireCommand("BGP diversion tests", "busybox");
		lab = BgpLab.create();
		lab.awaitSessions(30_000);
	}

	@AfterAll
	static void stop() {
		if (lab != null) {
			lab.close();
		}
	}

	@BeforeEach
	void adapter() throws Exception {
		this.adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry());
		nothingAnnounced();
	}

	@AfterEach
	void close() throws Exception {
		nothingAnnounced();
		this.adapter.close();
	}

	void nothingAnnounced() throws Exception {
		for (int n = 1; n <= 2; n++) {
			for (InetAddress ip : List.of(SERVER, SERVER6)) {
				adapter.restore(ip, target(n));
			}
		}
		lab.awaitFib(BgpLab.SERVER_IP, Set.of(), 10_000);
		lab.awaitFib(BgpLab.SERVER_IP6, Set.of(), 10_000);
	}

	static RouterTarget target(int n, String... kv) {
		Map<String, Object> m = new HashMap<>(Map.of("adapter", "bgp", "name", "scrubber" + n, "api", lab.api(n),
				"neighbor", BgpLab.routerAddress(n), "next-hop6", BgpLab.scrubberAddress6(n), "communities",
				List.of("no-export", "65000:666"), "attempts", "1", "timeout", "10s"));
		for (int i = 0; i < kv.length; i += 2) {
			m.put(kv[i], kv[i + 1]);
		}
		return DiversionVendors.load().parse("test", m);
	}

	@Test
	void divertAnnouncesAHostRouteTheRouterInstallsAndRestoreWithdrawsIt() throws Exception {
		RouterTarget t = target(1);
		assertThat(lab.answers(BgpLab.SERVER_IP, 3)).containsOnlyKeys("server");

		Diversion d = adapter.divert(SERVER, null, t, TAG);
		assertThat(d).isEqualTo(new Diversion(SERVER, new Via.NextHop(IpAddresses.parse("ip", BgpLab.scrubberAddress(1)),
				List.of("no-export", "65000:666")), "syncookied"));
		lab.awaitFib(BgpLab.SERVER_IP, Set.of(BgpLab.scrubberAddress(1)), 5_000);
		assertThat(lab.birdc("show route " + BgpLab.SERVER_IP + "/32 all")).contains("BGP.community: ").contains("(65000,666)")
			.contains("(65535,65281)");
		assertThat(lab.answers(BgpLab.SERVER_IP, 5)).containsOnlyKeys("scrubber1");
		assertThat(adapter.listDiversions(t)).containsExactly(d);
		assertThat(adapter.divert(SERVER, null, t, TAG)).as("idempotent").isEqualTo(d);

		assertThat(adapter.restore(SERVER, t)).isTrue();
		lab.awaitFib(BgpLab.SERVER_IP, Set.of(), 5_000);
		assertThat(lab.answers(BgpLab.SERVER_IP, 3)).containsOnlyKeys("server");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(adapter.restore(SERVER, t)).isFalse();
	}

	@Test
	void ipv6AnnouncesA128WithTheConfiguredNextHop() throws Exception {
		RouterTarget noNextHop6 = target(1, "next-hop6", null);
		assertThatThrownBy(() -> adapter.divert(SERVER6, null, noNextHop6, TAG))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("scrubber1: next-hop6 is required to announce IPv6 routes over the IPv4 session to 10.1.1.1");
		assertThat(adapter.listDiversions(noNextHop6)).isEmpty();

		RouterTarget t = target(1);
		Diversion d = adapter.divert(SERVER6, null, t, TAG);
		assertThat(d.via()).isEqualTo(new Via.NextHop(IpAddresses.parse("ip", BgpLab.scrubberAddress6(1)),
				List.of("no-export", "65000:666")));
		lab.awaitFib(BgpLab.SERVER_IP6, Set.of(BgpLab.scrubberAddress6(1)), 5_000);
		assertThat(lab.answers(BgpLab.SERVER_IP6, 5)).containsOnlyKeys("scrubber1");
		assertThat(lab.answers(BgpLab.SERVER_IP, 2)).as("IPv4 stays direct").containsOnlyKeys("server");
		assertThat(adapter.restore(SERVER6, t)).isTrue();
		lab.awaitFib(BgpLab.SERVER_IP6, Set.of(), 5_000);
		assertThat(lab.answers(BgpLab.SERVER_IP6, 3)).containsOnlyKeys("server");
	}

	@Test
	void anAnnounceTheReadBackCannotConfirmIsWithdrawn() {
		RouterTarget t = target(1, "communities", BgpLab.QUARANTINE);
		assertThatThrownBy(() -> adapter.divert(SERVER, null, t, TAG))
			.isInstanceOf(DiversionException.VerificationFailed.class)
			.hasMessage("scrubber1: verification failed: announced 10.0.2.10/32 next hop 10.1.1.2 [65000:999], the "
					+ "adj-rib-out towards 10.1.1.1 holds nothing; withdrawn");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(lab.fibNextHops(BgpLab.SERVER_IP)).isEmpty();
	}

	@Test
	void aSessionThatIsDownMeansNothingIsAnnounced() throws Exception {
		RouterTarget t = target(1);
		lab.birdc("disable scrubber1");
		try {
			assertThatThrownBy(() -> adapter.divert(SERVER, null, t, TAG))
				.isInstanceOf(DiversionException.Unreachable.class)
				.hasMessageStartingWith("scrubber1: unreachable: the BGP session to 10.1.1.1 is ")
				.hasMessageEndingWith(", not established; nothing announced");
			assertThat(adapter.listDiversions(t)).isEmpty();
			TargetHealth h = adapter.health(t);
			assertThat(h.healthy()).isFalse();
			assertThat(h.detail()).startsWith("session to 10.1.1.1 ").doesNotContain("ESTABLISHED");
		}
		finally {
			lab.birdc("enable scrubber1");
		}
		lab.awaitSessions(30_000);
		assertThat(adapter.health(t).detail()).isEqualTo("session to 10.1.1.1 ESTABLISHED (hold time 3 s), 0 diversions");
	}

	@Test
	void gobgpdDownIsAClearErrorAndRestartedItHoldsNothing() throws Exception {
		RouterTarget t = target(2);
		adapter.divert(SERVER, null, t, TAG);
		lab.awaitFib(BgpLab.SERVER_IP, Set.of(BgpLab.scrubberAddress(2)), 5_000);
		lab.killGobgpd(2);
		try {
			lab.awaitFib(BgpLab.SERVER_IP, Set.of(), 5_000);
			assertThatThrownBy(() -> adapter.divert(SERVER, null, t, TAG))
				.isInstanceOf(DiversionException.Unreachable.class)
				.hasMessage("scrubber2: unreachable: gobgpd does not answer on " + lab.api(2)
						+ " (context deadline exceeded)");
			assertThatThrownBy(() -> adapter.restore(SERVER, t)).isInstanceOf(DiversionException.Unreachable.class);
			assertThat(adapter.health(t).healthy()).isFalse();
		}
		finally {
			lab.startGobgpd(2);
		}
		lab.awaitSessions(30_000);
		assertThat(adapter.listDiversions(t)).as("API routes do not survive a restart").isEmpty();
		assertThat(adapter.restore(SERVER, t)).isFalse();
	}

	@Test
	void aBadTargetIsReportedWithoutAnnouncing() {
		RouterTarget unknown = target(1, "neighbor", "10.1.1.99");
		assertThatThrownBy(() -> adapter.divert(SERVER, null, unknown, TAG))
			.isInstanceOf(DiversionException.Rejected.class)
			.hasMessage("scrubber1: rejected by device: gobgpd has no neighbor 10.1.1.99 (configure the session in "
					+ "gobgpd's configuration)");
		assertThat(adapter.listDiversions(target(1))).isEmpty();
	}

}

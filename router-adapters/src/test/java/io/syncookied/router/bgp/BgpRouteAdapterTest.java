package io.syncookied.router.bgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.Via;
import io.syncookied.router.process.CommandRunner;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The BGP adapter's decisions, driven by gobgp 3.10 output recorded from a real gobgpd (in
 * {@code src/test/resources/gobgp/}, prefixes and next hops edited to one scenario). The real speaker and router are in
 * {@link GobgpdBirdTest}.
 */
class BgpRouteAdapterTest {

	static final InetAddress IP = IpAddresses.parse("ip", "10.9.0.5");

	static final BgpTarget T = (BgpTarget) DiversionVendors.load().parse("t", Map.of("adapter", "bgp", "name", "rt",
			"neighbor", "10.1.1.1", "communities", "no-export, 65000:666", "attempts", "1", "timeout", "1s"));

	/** Answers gobgp calls by their arguments (after the API flags) and records them. */
	static final class FakeGobgp implements CommandRunner {

		final List<String> calls = Collections.synchronizedList(new ArrayList<>());

		final Function<String, Result> answers;

		FakeGobgp(Function<String, Result> answers) {
			this.answers = answers;
		}

		@Override
		public Result run(List<String> argv) {
			assertThat(argv.subList(0, 5)).containsExactly("gobgp", "-u", "127.0.0.1", "-p", "50051");
			String call = String.join(" ", argv.subList(5, argv.size()));
			this.calls.add(call);
			return this.answers.apply(call);
		}

	}

	static String fixture(String name) {
		try (InputStream in = BgpRouteAdapterTest.class.getResourceAsStream("/gobgp/" + name + "_3.10.json")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static CommandRunner.Result ok(String out) {
		return new CommandRunner.Result(0, out, "");
	}

	@Test
	void listsTheHostRoutesThisSpeakerOriginatesAndOwnsThoseWithTheTargetsCommunities() {
		FakeGobgp gobgp = new FakeGobgp(call -> ok(call.startsWith("global rib -a ipv4") ? fixture("global_rib_ipv4")
				: fixture("global_rib_ipv6")));
		List<Diversion> list = new BgpRouteAdapter(t -> gobgp).listDiversions(T);
		InetAddress nh = IpAddresses.parse("ip", "10.1.2.2");
		assertThat(list).containsExactly(
				new Diversion(IP, new Via.NextHop(nh, List.of("65000:666", "no-export")), "syncookied"),
				new Diversion(IpAddresses.parse("ip", "10.9.0.7"), new Via.NextHop(nh, List.of("65000:666",
						"65000:1:2", "65000:3:4")), null),
				new Diversion(IpAddresses.parse("ip", "fd00:9::5"), new Via.NextHop(IpAddresses.parse("ip", "fd00:2::2"),
						List.of("no-export")), null));
		assertThat(gobgp.calls).containsExactly("global rib -a ipv4 -j", "global rib -a ipv6 -j");
	}

	@Test
	void divertIsANoOpWhenTheAdjRibOutAlreadySendsIt() {
		FakeGobgp gobgp = new FakeGobgp(call -> ok(call.startsWith("neighbor 10.1.1.1 -j") ? fixture("neighbor_established")
				: fixture("adj_out_ipv4")));
		Diversion d = new BgpRouteAdapter(t -> gobgp).divert(IP, null, T, OverrideTag.operator());
		assertThat(d).isEqualTo(new Diversion(IP, new Via.NextHop(IpAddresses.parse("ip", "10.1.1.2"),
				List.of("65000:666", "no-export")), "syncookied"));
		assertThat(gobgp.calls).containsExactly("neighbor 10.1.1.1 -j",
				"neighbor 10.1.1.1 adj-out 10.9.0.5/32 -a ipv4 -j");
	}

	@Test
	void theNextHopIsTheSessionsLocalAddressAndTheAnnounceCarriesTheCommunitiesNumerically() {
		List<String> adj = new ArrayList<>(List.of("{}", fixture("adj_out_ipv4")));
		FakeGobgp gobgp = new FakeGobgp(call -> {
			if (call.startsWith("neighbor 10.1.1.1 -j")) {
				return ok(fixture("neighbor_established"));
			}
			if (call.contains("adj-out")) {
				return ok(adj.remove(0));
			}
			return ok("");
		});
		new BgpRouteAdapter(t -> gobgp).divert(IP, null, T, OverrideTag.operator());
		assertThat(gobgp.calls).containsExactly("neighbor 10.1.1.1 -j", "neighbor 10.1.1.1 adj-out 10.9.0.5/32 -a ipv4 -j",
				"global rib add -a ipv4 10.9.0.5/32 nexthop 10.1.1.2 community 65535:65281,65000:666",
				"neighbor 10.1.1.1 adj-out 10.9.0.5/32 -a ipv4 -j");
	}

	@Test
	void aSessionNotEstablishedAnnouncesNothing() {
		FakeGobgp gobgp = new FakeGobgp(call -> ok(fixture("neighbor_active")));
		assertThatThrownBy(() -> new BgpRouteAdapter(t -> gobgp).divert(IP, null, T, OverrideTag.operator()))
			.isInstanceOf(DiversionException.Unreachable.class)
			.hasMessage("rt: unreachable: the BGP session to 10.1.1.1 is ACTIVE, not established; nothing announced");
		assertThat(gobgp.calls).containsExactly("neighbor 10.1.1.1 -j");
	}

	@Test
	void gobgpErrorsAreClassified() {
		record Case(CommandRunner.Result result, Class<? extends DiversionException> type, String message) {
		}
		for (Case c : List.of(
				new Case(new CommandRunner.Result(1, "{\"error\":\"context deadline exceeded\"}\n", ""),
						DiversionException.Unreachable.class,
						"rt: unreachable: gobgpd does not answer on 127.0.0.1:50051 (context deadline exceeded)"),
				new Case(new CommandRunner.Result(1, "{\"error\":\"not found neighbor 10.1.1.1\"}", ""),
						DiversionException.Rejected.class,
						"rt: rejected by device: gobgpd has no neighbor 10.1.1.1 (configure the session in gobgpd's "
								+ "configuration)"),
				new Case(new CommandRunner.Result(127, "", "sh: gobgp: not found"), DiversionException.Unreachable.class,
						"rt: unreachable: gobgp (the gobgp CLI) cannot run: sh: gobgp: not found"),
				new Case(new CommandRunner.Result(1, "", "error: failed to parse x as community\nusage: ..."),
						DiversionException.Rejected.class, "rt: rejected by device: gobgp: failed to parse x as community"))) {
			FakeGobgp gobgp = new FakeGobgp(call -> c.result());
			assertThatThrownBy(() -> new BgpRouteAdapter(t -> gobgp).divert(IP, null, T, OverrideTag.operator()))
				.isInstanceOf(c.type())
				.hasMessage(c.message());
		}
	}

	@Test
	void anAnnounceWhoseReadBackTimesOutIsStillWithdrawn() throws Exception {
		CountDownLatch withdrawn = new CountDownLatch(1);
		FakeGobgp gobgp = new FakeGobgp(call -> {
			if (call.startsWith("neighbor 10.1.1.1 -j")) {
				return ok(fixture("neighbor_established"));
			}
			if (call.contains("adj-out") && call.endsWith("-j")) {
				return ok("{}");
			}
			if (call.startsWith("global rib add")) {
				try {
					Thread.sleep(60_000); // gobgpd hangs after taking the route: the time limit interrupts us here
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new DiversionException.TimedOut("rt", "interrupted", ex);
				}
			}
			if (call.startsWith("global rib del")) {
				assertThat(Thread.currentThread().isInterrupted()).as("the withdraw runs uninterrupted").isFalse();
				withdrawn.countDown();
			}
			return ok("");
		});
		try (ResilientDiversionAdapter guarded = new ResilientDiversionAdapter(new BgpRouteAdapter(t -> gobgp),
				new SimpleMeterRegistry())) {
			assertThatThrownBy(() -> guarded.divert(IP, null, T, OverrideTag.operator()))
				.isInstanceOf(DiversionException.TimedOut.class);
			// the caller has its answer at the deadline; the interrupted attempt withdraws on its own thread (before
			// close(), which would interrupt it once more)
			assertThat(withdrawn.await(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(gobgp.calls).contains("global rib del -a ipv4 10.9.0.5/32");
	}

	@Test
	void restoreWithdrawsAndReadsBack() {
		List<String> rib = new ArrayList<>(List.of(fixture("global_rib_ipv4"), "{}"));
		FakeGobgp gobgp = new FakeGobgp(call -> {
			if (call.startsWith("global rib -a ipv4 10.9.0.5/32")) {
				return ok(rib.remove(0));
			}
			if (call.startsWith("neighbor 10.1.1.1 -j")) {
				return ok(fixture("neighbor_established"));
			}
			return ok(call.contains("adj-out") ? "{}" : "");
		});
		assertThat(new BgpRouteAdapter(t -> gobgp).restore(IP, T)).isTrue();
		assertThat(gobgp.calls).containsExactly("global rib -a ipv4 10.9.0.5/32 -j", "global rib del -a ipv4 10.9.0.5/32",
				"global rib -a ipv4 10.9.0.5/32 -j", "neighbor 10.1.1.1 -j",
				"neighbor 10.1.1.1 adj-out 10.9.0.5/32 -a ipv4 -j");
	}

}

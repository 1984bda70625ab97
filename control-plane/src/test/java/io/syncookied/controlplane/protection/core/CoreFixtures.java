package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.config.ProtectionProperties.FailMode;
import io.syncookied.controlplane.hosts.DetectionOverrides;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Alert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.AnnounceState;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Divert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Journal;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushSecrets;
import io.syncookied.controlplane.protection.core.ProtectionCommand.RemoveHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Restore;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Resync;
import io.syncookied.controlplane.protection.core.ProtectionIntent.Trigger;
import io.syncookied.controlplane.protection.core.ProtectionState.Diverting;
import io.syncookied.controlplane.protection.core.ProtectionState.Failed;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;
import io.syncookied.controlplane.protection.core.ProtectionState.Restoring;
import io.syncookied.controlplane.protection.core.ProtectionState.Unprotected;
import io.syncookied.dataplane.DpHost;

/** Hosts, states and settings for the core's tests, and a compact text form of what a transition did. */
final class CoreFixtures {

	static final Instant T = Instant.parse("2026-11-22T00:10:00Z");

	static final CoreSettings SETTINGS = new CoreSettings(Duration.ofMinutes(30), Duration.ofDays(1),
			Duration.ofSeconds(60), Duration.ofSeconds(60), FailMode.OPEN, Duration.ofSeconds(30));

	static final InetAddress IP = ip("10.0.2.10");

	static final HostConfig HOST = host(IP, "02:00:00:00:02:0a", ProtectionMode.AUTO);

	static final String MID = "m-00000001";

	private CoreFixtures() {
	}

	static InetAddress ip(String text) {
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	static HostConfig host(InetAddress ip, String mac, ProtectionMode mode) {
		return new HostConfig(DpHost.of(ip, mac), null, null, mode, DetectionOverrides.NONE, null, 3);
	}

	static ProtectionIntent manual() {
		return new ProtectionIntent(Trigger.MANUAL, "ticket 1", T.minusSeconds(30), T.plusSeconds(5));
	}

	static ProtectionIntent auto() {
		return new ProtectionIntent(Trigger.AUTO, "flood", T.minusSeconds(120), null);
	}

	/** The states of the transition table: every phase, with every step that can be in flight. */
	enum Fixture {

		UNPROTECTED(new Unprotected(T.minusSeconds(100), "configured"), null, null),
		DIVERTING_PUSH(new Diverting(T.minusSeconds(1), "manual: ticket 1", MID), manual(), InFlight.of(Step.DATAPLANE_PUSH)),
		DIVERTING_DIVERT(new Diverting(T.minusSeconds(1), "manual: ticket 1", MID), manual(), InFlight.of(Step.ROUTER_DIVERT)),
		ROLLBACK_ROUTER(new Diverting(T.minusSeconds(1), "manual: ticket 1", MID), manual(),
				new InFlight(Step.ROUTER_RESTORE, "router divert failed: refused")),
		ROLLBACK_DATAPLANE(new Diverting(T.minusSeconds(1), "manual: ticket 1", MID), manual(),
				new InFlight(Step.DATAPLANE_REMOVE, "router divert failed: refused")),
		DIVERTING_IDLE(new Diverting(T.minusSeconds(1), "manual: ticket 1", MID), manual(), null),
		PROTECTED(new Protected(T.minusSeconds(90), "manual: ticket 1", MID), manual(), null),
		PROTECTED_AUTO(new Protected(T.minusSeconds(90), "auto: flood", MID), auto(), null),
		RESTORING_ROUTER(new Restoring(T.minusSeconds(1), "manual: over", MID), null, InFlight.of(Step.ROUTER_RESTORE)),
		RESTORING_DATAPLANE(new Restoring(T.minusSeconds(1), "manual: over", MID), null,
				InFlight.of(Step.DATAPLANE_REMOVE)),
		RESTORING_IDLE(new Restoring(T.minusSeconds(1), "manual: over", MID), null, null),
		FAILED(new Failed(T.minusSeconds(1), "router divert failed: refused", MID, false), manual(), null),
		FAILED_DIVERTED(new Failed(T.minusSeconds(1), "router restore failed: refused", MID, true), null, null);

		final ProtectionState state;

		final @Nullable ProtectionIntent intent;

		final @Nullable InFlight work;

		Fixture(ProtectionState state, @Nullable ProtectionIntent intent, @Nullable InFlight work) {
			this.state = state;
			this.intent = intent;
			this.work = work;
		}

		HostState host() {
			return new HostState(HOST, true, this.state, this.intent, this.work, T.plusSeconds(20),
					T.minusSeconds(10), null);
		}

	}

	static MemoryState state(WorkerState worker, HostState... hosts) {
		MemoryState s = new MemoryState(worker);
		s.reset(List.of(hosts));
		return s;
	}

	/** What a transition did to {@link #IP}, e.g. {@code DIVERTING/dataplane_push manual}, or {@code forgotten}. */
	static String outcome(Transition t, CoreState before) {
		if (t.forgotten().contains(IP)) {
			return "forgotten";
		}
		HostState s = t.updated().stream().filter(h -> h.ip().equals(IP)).findFirst().orElse(before.host(IP));
		if (s == null) {
			return "none";
		}
		String work = (s.work() == null) ? ""
				: "/" + s.work().step().tag() + ((s.work().rollbackOf() != null) ? "!" : "");
		String intent = (s.intent() == null) ? "-" : s.intent().trigger().name().toLowerCase();
		return s.state().phase() + work + " " + intent;
	}

	/** The commands in a compact form: {@code journal announce alert:divert-failed remove}. */
	static String commands(Transition t) {
		return t.commands().stream().map(CoreFixtures::command).collect(Collectors.joining(" "));
	}

	static String command(ProtectionCommand c) {
		if (c instanceof Journal) {
			return "journal";
		}
		if (c instanceof AnnounceState) {
			return "announce";
		}
		if (c instanceof Alert a) {
			return "alert:" + a.kind().wireName();
		}
		if (c instanceof PushHost p) {
			return (p.step() == Step.HOST_REFRESH) ? "refresh" : "push";
		}
		if (c instanceof Divert) {
			return "divert";
		}
		if (c instanceof Restore) {
			return "restore";
		}
		if (c instanceof RemoveHost) {
			return "remove";
		}
		if (c instanceof PushSecrets) {
			return "secrets";
		}
		if (c instanceof Resync r) {
			return "resync:" + r.hosts().size();
		}
		throw new IllegalArgumentException(c.toString());
	}

	static Map<String, Set<InetAddress>> onRouter(InetAddress... ips) {
		return Map.of("rt", Set.of(ips));
	}

}

package io.syncookied.controlplane.protection.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.CoreFixtures.Fixture;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackEnded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackStarted;
import io.syncookied.controlplane.protection.core.ProtectionEvent.HostsLoaded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ProtectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ReadBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.protection.core.ProtectionEvent.SecretsArrived;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepDone;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepFailed;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Tick;
import io.syncookied.controlplane.protection.core.ProtectionEvent.UnprotectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerLost;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerSynced;
import io.syncookied.controlplane.protection.core.WorkerState.Health;

import static io.syncookied.controlplane.protection.core.CoreFixtures.HOST;
import static io.syncookied.controlplane.protection.core.CoreFixtures.IP;
import static io.syncookied.controlplane.protection.core.CoreFixtures.SETTINGS;
import static io.syncookied.controlplane.protection.core.CoreFixtures.T;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every (state, event) pair of one host, against {@code transitions.table}: the state after the event (phase, step in
 * flight, {@code !} for a rollback, intent) and the commands in order. The host is in mode auto with fresh secrets;
 * the worker is up, except for the worker's own events (lost from up, back from down, synced from re-syncing).
 */
class TransitionTableTest {

	private static final String TABLE = "transitions.table";

	/** The events of the table, with the worker state each one meets. */
	enum Event {

		PROTECT(Health.UP, at -> new ProtectRequested(IP, "ticket 2", null, at)),
		UNPROTECT(Health.UP, at -> new UnprotectRequested(IP, "over", at)),
		ATTACK_STARTED(Health.UP, at -> new AttackStarted(IP, "ATTACK_START", at)),
		ATTACK_ENDED(Health.UP, at -> new AttackEnded(IP, "attack over", at)),
		PUSH_DONE(Health.UP, at -> new StepDone(IP, Step.DATAPLANE_PUSH, at)),
		DIVERT_DONE(Health.UP, at -> new StepDone(IP, Step.ROUTER_DIVERT, at)),
		RESTORE_DONE(Health.UP, at -> new StepDone(IP, Step.ROUTER_RESTORE, at)),
		REMOVE_DONE(Health.UP, at -> new StepDone(IP, Step.DATAPLANE_REMOVE, at)),
		PUSH_FAILED(Health.UP, at -> new StepFailed(IP, Step.DATAPLANE_PUSH, "EIO", at)),
		DIVERT_FAILED(Health.UP, at -> new StepFailed(IP, Step.ROUTER_DIVERT, "refused", at)),
		RESTORE_FAILED(Health.UP, at -> new StepFailed(IP, Step.ROUTER_RESTORE, "refused", at)),
		REMOVE_FAILED(Health.UP, at -> new StepFailed(IP, Step.DATAPLANE_REMOVE, "EIO", at)),
		REFRESH_FAILED(Health.UP, at -> new StepFailed(IP, Step.HOST_REFRESH, "EIO", at)),
		SECRETS(Health.UP, at -> new SecretsArrived(IP, at)),
		TICK(Health.UP, Tick::new),
		TICK_TTL_OVER(Health.UP, at -> new Tick(at.plusSeconds(6))),
		WORKER_LOST(Health.UP, at -> new WorkerLost("exit 1", at)),
		WORKER_BACK(Health.DOWN, at -> new WorkerBack(false, at)),
		WORKER_SYNCED(Health.RESYNCING, at -> new WorkerSynced(null, at)),
		READBACK_ON_ROUTER(Health.UP, at -> readBack(Set.of(IP), at)),
		READBACK_OFF_ROUTER(Health.UP, at -> readBack(Set.of(), at)),
		READBACK_UNREADABLE(Health.UP, at -> new ReadBack(Reconcile.PERIODIC, Map.of(), Map.of("rt", "timeout"),
				Map.of(IP, "rt"), at)),
		HOSTS_CHANGED(Health.UP, at -> new HostsLoaded(
				List.of(CoreFixtures.host(IP, "02:00:00:00:02:1a", ProtectionMode.AUTO)), at)),
		HOSTS_MODE_OFF(Health.UP, at -> new HostsLoaded(List.of(CoreFixtures.host(IP, HOST.dataplane().mac(), ProtectionMode.OFF)),
				at)),
		HOSTS_REMOVED(Health.UP, at -> new HostsLoaded(List.of(), at));

		final Health worker;

		final Function<Instant, ProtectionEvent> event;

		Event(Health worker, Function<Instant, ProtectionEvent> event) {
			this.worker = worker;
			this.event = event;
		}

		private static ReadBack readBack(Set<java.net.InetAddress> onRouter, Instant at) {
			return new ReadBack(Reconcile.PERIODIC, Map.of("rt", onRouter), Map.of(), Map.of(IP, "rt"), at);
		}

	}

	record Row(Fixture state, Event event, String next, String commands, int line) {

		@Override
		public String toString() {
			return this.state + " x " + this.event + " (" + TABLE + ":" + this.line + ")";
		}

	}

	static Stream<Row> rows() throws IOException {
		List<Row> rows = new ArrayList<>();
		try (InputStream in = TransitionTableTest.class.getResourceAsStream(TABLE)) {
			String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
			for (int i = 0; i < lines.length; i++) {
				String line = lines[i].strip();
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				String[] cols = line.split("\\s*\\|\\s*", -1);
				if (cols.length != 4) {
					throw new IllegalStateException(TABLE + ":" + (i + 1) + ": expected 4 columns: " + line);
				}
				rows.add(new Row(Fixture.valueOf(cols[0]), Event.valueOf(cols[1]), cols[2], cols[3], i + 1));
			}
		}
		return rows.stream();
	}

	static Transition apply(Fixture fixture, Event event) {
		WorkerState worker = new WorkerState(event.worker, (event.worker == Health.UP) ? null : "exit 1",
				T.minusSeconds(5));
		MemoryState state = CoreFixtures.state(worker, fixture.host());
		return new ProtectionCore(SETTINGS).apply(state, event.event.apply(T));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void transition(Row row) {
		MemoryState before = CoreFixtures.state(WorkerState.up(T), row.state().host());
		Transition t = apply(row.state(), row.event());
		assertThat(CoreFixtures.outcome(t, before) + " | " + CoreFixtures.commands(t))
			.isEqualTo(row.next() + " | " + row.commands());
	}

	@Test
	void theTableHasEveryStateAndEventPairOnce() throws IOException {
		Set<String> seen = new HashSet<>();
		for (Row row : rows().toList()) {
			assertThat(seen.add(row.state() + " " + row.event())).as("duplicate row %s", row).isTrue();
		}
		List<String> missing = new ArrayList<>();
		for (Fixture f : Fixture.values()) {
			for (Event e : Event.values()) {
				if (!seen.contains(f + " " + e)) {
					Transition t = apply(f, e);
					missing.add(String.format("%-19s | %-19s | %s | %s", f, e,
							CoreFixtures.outcome(t, CoreFixtures.state(WorkerState.up(T), f.host())),
							CoreFixtures.commands(t)));
				}
			}
		}
		assertThat(missing).as("rows missing from %s (as the core does them now)", TABLE).isEmpty();
	}

}

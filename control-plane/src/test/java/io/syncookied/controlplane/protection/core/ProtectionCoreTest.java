package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.config.ProtectionProperties.FailMode;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.CoreFixtures.Fixture;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Alert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Restore;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Resync;
import io.syncookied.controlplane.protection.core.ProtectionEvent.HostsLoaded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ProtectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ReadBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.protection.core.ProtectionEvent.SecretsArrived;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepDone;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerLost;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerSynced;
import io.syncookied.controlplane.protection.core.ProtectionIntent.Trigger;
import io.syncookied.controlplane.protection.core.WorkerState.Health;

import static io.syncookied.controlplane.protection.core.CoreFixtures.HOST;
import static io.syncookied.controlplane.protection.core.CoreFixtures.IP;
import static io.syncookied.controlplane.protection.core.CoreFixtures.SETTINGS;
import static io.syncookied.controlplane.protection.core.CoreFixtures.T;
import static io.syncookied.controlplane.protection.core.CoreFixtures.commands;
import static io.syncookied.controlplane.protection.core.CoreFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's rules that the transition table does not show on its own: the documented recovery rules, what happens
 * while the worker is not up, journal replay, and the properties a store relies on (only changes are returned, the
 * same input gives the same output).
 */
class ProtectionCoreTest {

	private final ProtectionCore core = new ProtectionCore(SETTINGS);

	private static final WorkerState UP = WorkerState.up(T.minusSeconds(60));

	private static final WorkerState DOWN = new WorkerState(Health.DOWN, "worker exited with status 1",
			T.minusSeconds(5));

	private static HostState stale(HostState s) {
		return new HostState(s.host(), s.configured(), s.state(), s.intent(), s.work(), s.pickupUntil(),
				T.minusSeconds(120), s.lastStaleAlert());
	}

	private static HostState host(Transition t, InetAddress ip) {
		return t.updated().stream().filter(s -> s.ip().equals(ip)).findFirst().orElseThrow();
	}

	// ---------------------------------------------------------------- recovery rules (docs/operations.md)

	@Test
	void aDivertedHostLeftWithoutFreshSecretsAfterAWorkerRestartGetsItsDirectPathBack() {
		// fail closed: the host stayed diverted while the worker was down, and its agent went quiet meanwhile
		ProtectionCore closed = new ProtectionCore(new CoreSettings(SETTINGS.defaultTtl(), SETTINGS.maxTtl(),
				SETTINGS.holdDown(), SETTINGS.secretsMaxAge(), FailMode.CLOSED, SETTINGS.pickupWindow()));
		MemoryState state = CoreFixtures.state(DOWN, stale(Fixture.PROTECTED.host()));
		Transition t = closed.apply(state, new WorkerBack(false, T));
		assertThat(outcome(t, state)).isEqualTo("RESTORING/router_restore manual");
		assertThat(t.commands()).filteredOn(Resync.class::isInstance)
			.singleElement()
			.satisfies(c -> assertThat(((Resync) c).hosts()).as("not given to the worker without secrets").isEmpty());
		assertThat(t.commands()).filteredOn(Alert.class::isInstance)
			.extracting(c -> ((Alert) c).kind(), c -> ((Alert) c).message())
			.containsExactly(org.assertj.core.groups.Tuple.tuple(AlertKind.SECRETS_STALE,
					"worker restarted but secrets are 120 s old (syncookied.protection.secrets-max-age=60s): "
							+ "restoring the direct path"));
	}

	@Test
	void aDivertedHostFromTheJournalWithoutSecretsGetsItsDirectPathBackWhenTheWorkerIsAdopted() {
		HostState fromJournal = new HostState(HOST, true, Fixture.PROTECTED.state, CoreFixtures.manual(), null, null,
				null, null);
		MemoryState state = CoreFixtures.state(WorkerState.starting(T.minusSeconds(3)), fromJournal);
		Transition t = this.core.apply(state, new WorkerBack(true, T));
		assertThat(commands(t)).isEqualTo("alert:secrets-stale journal announce restore resync:0");
	}

	@Test
	void aDivertInFlightWhenTheWorkerComesBackWithoutFreshSecretsForTheHostEndsInARestore() {
		MemoryState state = CoreFixtures.state(DOWN, stale(Fixture.DIVERTING_DIVERT.host()));
		state.commit(this.core.apply(state, new WorkerBack(false, T)));
		assertThat(state.host(IP).work()).isEqualTo(new InFlight(Step.ROUTER_DIVERT, null, true));
		state.commit(this.core.apply(state, new WorkerSynced(null, T)));
		Transition t = this.core.apply(state, new StepDone(IP, Step.ROUTER_DIVERT, T.plusSeconds(1)));
		assertThat(outcome(t, state)).as("the new worker does not hold it").isEqualTo("RESTORING/router_restore manual");
	}

	@Test
	void aRouterOverrideForAnIpThatIsNotConfiguredAtAllIsWithdrawnAndForgotten() {
		InetAddress stranger = CoreFixtures.ip("10.9.9.9");
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		Transition t = this.core.apply(state,
				new ReadBack(Reconcile.PERIODIC, Map.of("rt", Set.of(stranger)), Map.of(), Map.of(IP, "rt"), T));
		HostState orphan = host(t, stranger);
		assertThat(orphan.configured()).isFalse();
		assertThat(orphan.state().phase()).isEqualTo(Phase.RESTORING);
		assertThat(t.commands()).filteredOn(Restore.class::isInstance)
			.singleElement()
			.satisfies(c -> assertThat(((Restore) c).host().ip()).isEqualTo(stranger));
		assertThat(t.commands()).filteredOn(Alert.class::isInstance)
			.extracting(c -> ((Alert) c).kind())
			.containsExactly(AlertKind.UNMANAGED_DIVERSION);
		state.commit(t);
		state.commit(this.core.apply(state, new StepDone(stranger, Step.ROUTER_RESTORE, T)));
		Transition removed = this.core.apply(state, new StepDone(stranger, Step.DATAPLANE_REMOVE, T));
		assertThat(removed.forgotten()).containsExactly(stranger);
	}

	@Test
	void anAdoptedWorkerGetsNoPickupWindowANewOneDoes() {
		HostState protectedHost = Fixture.PROTECTED.host(); // its window ended 20 s from T
		MemoryState state = CoreFixtures.state(DOWN, protectedHost);
		Transition adopted = this.core.apply(state, new WorkerBack(true, T));
		assertThat(((Resync) adopted.commands().get(0)).pickupWindow()).isZero();
		assertThat(adopted.updated()).allSatisfy(s -> assertThat(s.pickupUntil()).isEqualTo(T.plusSeconds(20)));

		Transition restarted = this.core.apply(state, new WorkerBack(false, T));
		assertThat(((Resync) restarted.commands().get(0)).pickupWindow()).isEqualTo(Duration.ofSeconds(30));
		assertThat(host(restarted, IP).pickupUntil()).isEqualTo(T.plusSeconds(30));
	}

	// ---------------------------------------------------------------- while the worker is not up

	@Test
	void aProtectRequestWhileTheWorkerIsDownWaitsAndDivertsOnceItIsBack() {
		MemoryState state = CoreFixtures.state(DOWN, Fixture.UNPROTECTED.host());
		Transition t = this.core.apply(state, new ProtectRequested(IP, "ticket 2", null, T));
		assertThat(t.reply()).isInstanceOf(Reply.Accepted.class);
		assertThat(outcome(t, state)).isEqualTo("UNPROTECTED manual");
		assertThat(commands(t)).isEqualTo("journal alert:protection-pending");
		assertThat(((Alert) t.commands().get(1)).message())
			.isEqualTo("dataplane worker down (worker exited with status 1): diverting once it is back");
		state.commit(t);
		Transition back = this.core.apply(state, new WorkerBack(false, T.plusSeconds(1)));
		state.commit(back);
		Transition synced = this.core.apply(state, new WorkerSynced(null, T.plusSeconds(2)));
		assertThat(outcome(synced, state)).isEqualTo("DIVERTING/dataplane_push manual");
		assertThat(synced.worker()).isEqualTo(WorkerState.up(T.plusSeconds(2)));
	}

	@Test
	void noSecretsArePushedToAWorkerThatIsNotUpYet() {
		MemoryState state = CoreFixtures.state(WorkerState.starting(T.minusSeconds(1)), Fixture.PROTECTED.host());
		assertThat(commands(this.core.apply(state, new SecretsArrived(IP, T)))).isEmpty();
		MemoryState up = CoreFixtures.state(UP, Fixture.PROTECTED.host());
		assertThat(commands(this.core.apply(up, new SecretsArrived(IP, T)))).isEqualTo("secrets");
	}

	@Test
	void aSecretsPushOrRefreshThatFailsBecauseTheWorkerDiedRaisesNoAlertOfItsOwn() {
		for (Step step : List.of(Step.SECRETS_PUSH, Step.HOST_REFRESH)) {
			MemoryState down = CoreFixtures.state(DOWN, Fixture.PROTECTED.host());
			assertThat(commands(this.core.apply(down, new ProtectionEvent.StepFailed(IP, step, "connection reset", T))))
				.as("%s with the worker down: its loss is alerted, its re-sync pushes again", step).isEmpty();
			MemoryState up = CoreFixtures.state(UP, Fixture.PROTECTED.host());
			assertThat(commands(this.core.apply(up, new ProtectionEvent.StepFailed(IP, step, "connection reset", T))))
				.as("%s with the worker up", step).startsWith("alert:");
		}
	}

	@Test
	void aRestoreWhileTheWorkerIsDownDoesNotWaitForIt() {
		MemoryState state = CoreFixtures.state(DOWN, Fixture.RESTORING_ROUTER.host());
		Transition t = this.core.apply(state, new StepDone(IP, Step.ROUTER_RESTORE, T));
		assertThat(outcome(t, state)).as("the re-sync leaves it out").isEqualTo("UNPROTECTED -");
	}

	@Test
	void aHostWhoseDivertWasInFlightWhenTheWorkerDiedFailsOpenWhenTheDivertIsOver() {
		MemoryState state = CoreFixtures.state(UP, Fixture.DIVERTING_DIVERT.host());
		state.commit(this.core.apply(state, new WorkerLost("exit 1", T)));
		Transition t = this.core.apply(state, new StepDone(IP, Step.ROUTER_DIVERT, T.plusSeconds(1)));
		assertThat(outcome(t, state)).isEqualTo("RESTORING/router_restore manual");
		assertThat(commands(t)).isEqualTo("announce alert:fail-open journal announce restore");
	}

	@Test
	void aRequestIsJournaledOnceWithItsIntentAndTheNewStateBeforeTheFirstStep() {
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		Transition t = this.core.apply(state, new ProtectRequested(IP, "ticket 4711", null, T));
		assertThat(commands(t)).as("one fsync on the way to the dataplane push").isEqualTo("journal announce push");
		JournalEntry line = ((ProtectionCommand.Journal) t.commands().get(0)).entry();
		assertThat(line.state()).isEqualTo(Phase.DIVERTING);
		assertThat(line.intentReason()).isEqualTo("ticket 4711");
		assertThat(line.intentTrigger()).isEqualTo(Trigger.MANUAL);
	}

	// ---------------------------------------------------------------- requests

	@Test
	void aSecondProtectRequestMovesTheExpiry() {
		MemoryState state = CoreFixtures.state(UP, Fixture.PROTECTED.host());
		Transition t = this.core.apply(state, new ProtectRequested(IP, "longer", Duration.ofHours(2), T));
		assertThat(host(t, IP).intent())
			.isEqualTo(new ProtectionIntent(Trigger.MANUAL, "longer", T, T.plus(Duration.ofHours(2))));
	}

	@Test
	void requestsForUnknownOrOffHostsAreAnsweredNotApplied() {
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		assertThat(this.core.apply(state, new ProtectRequested(CoreFixtures.ip("192.0.2.1"), "x", null, T)).reply())
			.isEqualTo(new Reply.NotConfigured(CoreFixtures.ip("192.0.2.1")));
		HostState off = new HostState(CoreFixtures.host(IP, HOST.dataplane().mac(), ProtectionMode.OFF), true,
				Fixture.UNPROTECTED.state, null, null, null, T, null);
		Transition t = this.core.apply(CoreFixtures.state(UP, off), new ProtectRequested(IP, "x", null, T));
		assertThat(t.reply()).isEqualTo(new Reply.Refused(Reply.Refusal.MODE_OFF,
				"10.0.2.10 has mode: off in the hosts file (line 3)"));
		assertThat(t.updated()).isEmpty();
		assertThat(t.commands()).isEmpty();
	}

	// ---------------------------------------------------------------- what a store relies on

	@Test
	void onlyTheHostsAnEventChangesAreReturned() {
		HostConfig other = CoreFixtures.host(CoreFixtures.ip("10.0.2.11"), "02:00:00:00:02:0b", ProtectionMode.MANUAL);
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host(),
				new HostState(other, true, Fixture.PROTECTED.state, CoreFixtures.manual(), null, null, T, null));
		Transition t = this.core.apply(state, new ProtectRequested(IP, "x", null, T));
		assertThat(t.updated()).extracting(HostState::ip).containsExactly(IP);
		assertThat(t.worker()).isNull();
	}

	@Test
	void theSameStateAndEventGiveTheSameTransition() {
		MemoryState a = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		MemoryState b = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		ProtectionEvent e = new ProtectRequested(IP, "x", null, T);
		assertThat(this.core.apply(a, e)).isEqualTo(this.core.apply(b, e));
		assertThat(a.host(IP)).as("the state itself is not touched").isEqualTo(Fixture.UNPROTECTED.host());
	}

	@Test
	void newHostsFromTheHostsFileComeLastInFileOrder() {
		HostConfig b = CoreFixtures.host(CoreFixtures.ip("10.0.2.12"), "02:00:00:00:02:0c", ProtectionMode.MANUAL);
		HostConfig c = CoreFixtures.host(CoreFixtures.ip("10.0.2.11"), "02:00:00:00:02:0b", ProtectionMode.MANUAL);
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		state.commit(this.core.apply(state, new HostsLoaded(List.of(b, HOST, c), T)));
		assertThat(state.hosts()).extracting(HostState::ip).containsExactly(IP, b.ip(), c.ip());
	}

	// ---------------------------------------------------------------- journal replay

	@Test
	void theJournalRestoresStatesAndKeepsDivertedIpsThatLeftTheHostsFile() {
		Instant at = T.minusSeconds(600);
		List<JournalEntry> journal = List.of(
				JournalEntry.of("10.0.2.10", Fixture.PROTECTED.state, CoreFixtures.manual()),
				JournalEntry.of("10.7.7.7", new ProtectionState.Protected(at, "x", "m-1"), null),
				JournalEntry.of("10.8.8.8", new ProtectionState.Unprotected(at, "x"), null),
				JournalEntry.of("host.example", new ProtectionState.Protected(at, "x", "m-2"), null));
		ProtectionCore.Replayed replayed = this.core.replay(journal, List.of(HOST), T);
		assertThat(replayed.states()).extracting(HostState::ip, HostState::configured, s -> s.state().phase())
			.containsExactly(org.assertj.core.groups.Tuple.tuple(IP, true, Phase.PROTECTED),
					org.assertj.core.groups.Tuple.tuple(CoreFixtures.ip("10.7.7.7"), false, Phase.PROTECTED));
		assertThat(replayed.states().get(0).intent()).isEqualTo(CoreFixtures.manual());
		assertThat(replayed.states()).allSatisfy(s -> assertThat(s.work()).isNull());
		assertThat(replayed.skipped()).containsExactly("'host.example' is not an IP address");
	}

	@Test
	void aPushCarriesThePickupWindowAndARefreshOnlyWhatIsLeftOfIt() {
		MemoryState state = CoreFixtures.state(UP, Fixture.UNPROTECTED.host());
		Transition divert = this.core.apply(state, new ProtectRequested(IP, "x", null, T));
		assertThat(divert.commands()).filteredOn(PushHost.class::isInstance)
			.singleElement()
			.satisfies(c -> assertThat(((PushHost) c).pickupWindow()).isEqualTo(Duration.ofSeconds(30)));
		MemoryState protectedState = CoreFixtures.state(UP, Fixture.PROTECTED.host()); // window ends at T + 20 s
		Transition refresh = this.core.apply(protectedState, new HostsLoaded(
				List.of(CoreFixtures.host(IP, "02:00:00:00:02:1a", ProtectionMode.AUTO)), T.plusSeconds(5)));
		assertThat(((PushHost) refresh.commands().get(0)).pickupWindow()).isEqualTo(Duration.ofSeconds(15));
	}

}

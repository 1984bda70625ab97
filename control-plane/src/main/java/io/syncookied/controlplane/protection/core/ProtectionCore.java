package io.syncookied.controlplane.protection.core;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackEnded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackStarted;
import io.syncookied.controlplane.protection.core.ProtectionEvent.HostsLoaded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ProtectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ReadBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.SecretsArrived;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepDone;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepFailed;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Tick;
import io.syncookied.controlplane.protection.core.ProtectionEvent.UnprotectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerLost;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerSynced;

/**
 * The protection state machine as a function: {@code apply(state, event)} returns what changed and the commands to
 * carry out. It reads nothing but its arguments (time comes with the event) and writes nothing: the caller commits
 * the {@link Transition} to its store and executes the commands, one event at a time.
 */
public final class ProtectionCore {

	private final CoreSettings settings;

	public ProtectionCore(CoreSettings settings) {
		this.settings = settings;
	}

	public CoreSettings settings() {
		return this.settings;
	}

	public Transition apply(CoreState state, ProtectionEvent event) {
		Round r = new Round(this.settings, state, event.at());
		return r.finish(dispatch(r, event));
	}

	private static Reply dispatch(Round r, ProtectionEvent event) {
		if (event instanceof ProtectRequested e) {
			return HostMachine.protect(r, e);
		}
		if (event instanceof UnprotectRequested e) {
			return HostMachine.unprotect(r, e);
		}
		if (event instanceof AttackStarted e) {
			return HostMachine.attackStarted(r, e);
		}
		if (event instanceof AttackEnded e) {
			return HostMachine.attackEnded(r, e);
		}
		if (event instanceof StepDone e) {
			return HostMachine.stepDone(r, e);
		}
		if (event instanceof StepFailed e) {
			return HostMachine.stepFailed(r, e);
		}
		if (event instanceof SecretsArrived e) {
			return HostMachine.secretsArrived(r, e);
		}
		if (event instanceof Tick e) {
			return FleetRules.tick(r, e);
		}
		if (event instanceof WorkerLost e) {
			return FleetRules.workerLost(r, e);
		}
		if (event instanceof WorkerBack e) {
			return FleetRules.workerBack(r, e);
		}
		if (event instanceof WorkerSynced e) {
			return FleetRules.workerSynced(r, e);
		}
		if (event instanceof HostsLoaded e) {
			return HostsApplication.apply(r, e);
		}
		return Reconciliation.apply(r, (ReadBack) event);
	}

	/** The states to start from after a restart: the hosts file, and the journal's last entry per IP. */
	public Replayed replay(Collection<JournalEntry> journal, List<HostConfig> hosts, Instant at) {
		return JournalReplay.restore(journal, hosts, at);
	}

	/** The outcome of {@link #replay}: states in order, and journal entries that could not be used. */
	public record Replayed(List<HostState> states, List<String> skipped) {
	}

}

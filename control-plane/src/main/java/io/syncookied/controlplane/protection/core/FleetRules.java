package io.syncookied.controlplane.protection.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncookied.controlplane.config.ProtectionProperties.FailMode;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Tick;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerLost;
import io.syncookied.controlplane.protection.core.ProtectionEvent.WorkerSynced;
import io.syncookied.controlplane.protection.core.ProtectionState.Failed;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;
import io.syncookied.controlplane.protection.core.Reply.Ignored;
import io.syncookied.controlplane.protection.core.WorkerState.Health;

/** Events that concern every host: the dataplane worker's loss and return, and the clock. */
final class FleetRules {

	private FleetRules() {
	}

	/**
	 * The worker is gone while hosts may be diverted. Fail open: every diverted host gets its direct path back (a
	 * host in the middle of a step follows when the step is over, see {@link HostMachine#drive}). Fail closed: the
	 * diversion stays and the traffic waits for the worker.
	 */
	static Reply workerLost(Round r, WorkerLost e) {
		if (r.worker.health() == Health.DOWN) {
			return new Ignored("worker already down");
		}
		r.worker = new WorkerState(Health.DOWN, e.cause(), e.at());
		if (r.settings.failMode() == FailMode.OPEN) {
			for (Draft d : r.all()) {
				if (d.state.mayBeDiverted() && !d.busy()) {
					HostMachine.failOpen(d);
				}
			}
		}
		return Reply.ACCEPTED;
	}

	/**
	 * The worker answers again: it is given exactly the hosts that may be diverted, with fresh secrets. A new worker
	 * lost its flows, so they come with the pickup window; an adopted one kept them and gets none. A diverted host
	 * without fresh secrets cannot be scrubbed: its direct path is restored.
	 */
	static Reply workerBack(Round r, WorkerBack e) {
		r.worker = new WorkerState(Health.RESYNCING, null, e.at());
		Duration pickup = e.adopted() ? Duration.ZERO : r.settings.pickupWindow();
		List<HostConfig> hosts = new ArrayList<>();
		for (Draft d : r.all()) {
			if (!d.state.mayBeDiverted()) {
				continue;
			}
			if (d.fresh()) {
				hosts.add(d.host);
				if (!e.adopted()) {
					d.pickupUntil = e.at().plus(pickup);
				}
			}
			else {
				d.alert(AlertKind.SECRETS_STALE, "worker " + (e.adopted() ? "adopted" : "restarted") + " but "
						+ d.staleness() + ": restoring the direct path");
				InFlight work = d.work;
				if (work == null) {
					HostMachine.startRestore(d, "no fresh secrets after worker restart");
				}
				else if (work.rollbackOf() == null && (work.step() == Step.DATAPLANE_PUSH
						|| work.step() == Step.ROUTER_DIVERT)) {
					d.work = new InFlight(work.step(), null, true); // a divert in flight ends in a restore
				}
			}
		}
		r.emit(new ProtectionCommand.Resync(hosts, pickup));
		return Reply.ACCEPTED;
	}

	/** The re-sync is over: the worker is up, and hosts that waited for it are diverted (a failed one retried). */
	static Reply workerSynced(Round r, WorkerSynced e) {
		if (r.worker.health() != Health.RESYNCING) {
			return new Ignored("no re-sync in progress");
		}
		if (e.failure() != null) {
			r.alert(AlertKind.DATAPLANE_RESYNC_FAILED, null, e.failure());
		}
		r.worker = WorkerState.up(e.at());
		for (Draft d : r.all()) {
			if (d.state instanceof Failed f && d.wanted() && !d.busy()) {
				HostMachine.startDivert(d, "retry once the worker is back: " + f.reason());
			}
			else {
				HostMachine.drive(d, null);
			}
		}
		return Reply.ACCEPTED;
	}

	/**
	 * Intents whose TTL ended expire. A diverted host whose secrets went stale is still scrubbed (restoring would
	 * expose the server to the flood), but the firewall's clock estimate drifts and its cookies may stop validating:
	 * operators hear of it once a minute.
	 */
	static Reply tick(Round r, Tick e) {
		for (Draft d : r.all()) {
			if (d.state instanceof Protected && d.configured && !d.fresh() && (d.lastStaleAlert == null
					|| Duration.between(d.lastStaleAlert, e.at()).toMinutes() >= 1)) {
				d.lastStaleAlert = e.at();
				d.alert(AlertKind.SECRETS_STALE_DIVERTED, "diverted but " + d.staleness() + ": check the host's agent");
			}
			ProtectionIntent intent = d.intent;
			if (intent != null && intent.expired(e.at())) {
				d.intent = null;
				d.journal();
				HostMachine.drive(d, "TTL expired (" + intent.reason() + ")");
			}
		}
		return Reply.ACCEPTED;
	}

}

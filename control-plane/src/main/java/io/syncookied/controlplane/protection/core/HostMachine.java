package io.syncookied.controlplane.protection.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.config.ProtectionProperties.FailMode;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Divert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushSecrets;
import io.syncookied.controlplane.protection.core.ProtectionCommand.RemoveHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Restore;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackEnded;
import io.syncookied.controlplane.protection.core.ProtectionEvent.AttackStarted;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ProtectRequested;
import io.syncookied.controlplane.protection.core.ProtectionEvent.SecretsArrived;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepDone;
import io.syncookied.controlplane.protection.core.ProtectionEvent.StepFailed;
import io.syncookied.controlplane.protection.core.ProtectionEvent.UnprotectRequested;
import io.syncookied.controlplane.protection.core.ProtectionIntent.Trigger;
import io.syncookied.controlplane.protection.core.ProtectionState.Diverting;
import io.syncookied.controlplane.protection.core.ProtectionState.Failed;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;
import io.syncookied.controlplane.protection.core.ProtectionState.Restoring;
import io.syncookied.controlplane.protection.core.ProtectionState.Unprotected;
import io.syncookied.controlplane.protection.core.Reply.Ignored;
import io.syncookied.controlplane.protection.core.Reply.NotConfigured;
import io.syncookied.controlplane.protection.core.Reply.Refusal;
import io.syncookied.controlplane.protection.core.Reply.Refused;

/**
 * The rules of one host: requests, step outcomes, and {@link #drive} which moves an idle host towards its intent.
 * Order of operations: a divert gives the dataplane the host with fresh secrets before the router diverts; a restore
 * withdraws the router override before the host leaves the dataplane; a failed divert is rolled back in the same
 * order as a restore. One tracked step per host at a time ({@link HostState#work()}).
 */
final class HostMachine {

	private HostMachine() {
	}

	// ---------------------------------------------------------------- requests

	static Reply protect(Round r, ProtectRequested e) {
		Duration ttl = (e.ttl() != null) ? e.ttl() : r.settings.defaultTtl();
		if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(r.settings.maxTtl()) > 0) {
			return new Refused(Refusal.TTL_OUT_OF_RANGE, "ttl " + ttl + " is outside (0, " + r.settings.maxTtl()
					+ "] (syncookied.protection.max-ttl)");
		}
		Draft d = r.configured(e.ip());
		if (d == null) {
			return new NotConfigured(e.ip());
		}
		Refused refused = refusal(d, Trigger.MANUAL);
		if (refused != null) {
			return refused;
		}
		d.intent = new ProtectionIntent(Trigger.MANUAL, e.reason(), e.at(), e.at().plus(ttl));
		d.journal();
		if (d.state instanceof Failed && !d.busy() && d.worker().up()) {
			startDivert(d, "manual: " + e.reason());
		}
		drive(d, null);
		pendingNotice(d);
		return Reply.ACCEPTED;
	}

	static Reply unprotect(Round r, UnprotectRequested e) {
		Draft d = r.configured(e.ip());
		if (d == null) {
			return new NotConfigured(e.ip());
		}
		if (d.intent != null) {
			d.intent = null;
			d.journal();
		}
		String why = "manual: " + e.reason();
		if (d.state instanceof Failed && !d.busy()) {
			startRestore(d, why);
		}
		drive(d, why);
		return Reply.ACCEPTED;
	}

	static Reply attackStarted(Round r, AttackStarted e) {
		Draft d = r.configured(e.ip());
		if (d == null || d.host.mode() != ProtectionMode.AUTO) {
			return new Ignored("not a configured host in mode auto");
		}
		if (d.intent != null) {
			return new Ignored("protection already wanted (" + d.intent.trigger() + ")");
		}
		Refused refused = refusal(d, Trigger.AUTO);
		if (refused != null) {
			AlertKind kind = (refused.code() == Refusal.MODE_OFF) ? AlertKind.MODE_OFF : AlertKind.SECRETS_STALE;
			d.alert(kind, "flood detected but not diverting: " + refused.message());
			return refused;
		}
		d.intent = new ProtectionIntent(Trigger.AUTO, e.reason(), e.at(), null);
		d.journal();
		drive(d, "auto: " + e.reason());
		pendingNotice(d);
		return Reply.ACCEPTED;
	}

	static Reply attackEnded(Round r, AttackEnded e) {
		Draft d = r.draft(e.ip());
		if (d == null || d.intent == null || d.intent.trigger() != Trigger.AUTO || d.busy()) {
			return new Ignored("no automatic protection to end");
		}
		if (!(d.state instanceof Protected p)
				|| Duration.between(p.since(), e.at()).compareTo(r.settings.holdDown()) < 0) {
			return new Ignored("hold-down not over");
		}
		d.intent = null;
		d.journal();
		drive(d, "auto: " + e.reason());
		return Reply.ACCEPTED;
	}

	private static @Nullable Refused refusal(Draft d, Trigger trigger) {
		if (d.host.mode() == ProtectionMode.OFF) {
			return new Refused(Refusal.MODE_OFF,
					d.ipText() + " has mode: off in the hosts file (line " + d.host.line() + ")");
		}
		if (!d.state.mayBeDiverted() && !d.fresh()) {
			String why = d.staleness();
			d.alert(AlertKind.SECRETS_STALE, "refusing to divert (" + trigger + "): " + why);
			return new Refused(Refusal.SECRETS_STALE, "not diverting " + d.ipText() + ": " + why);
		}
		return null;
	}

	/** A wanted host that cannot be diverted until the worker is up says so once, when it is asked for. */
	private static void pendingNotice(Draft d) {
		if (d.wanted() && !d.state.mayBeDiverted() && !d.worker().up()) {
			d.alert(AlertKind.PROTECTION_PENDING, d.worker().describe() + ": diverting once it is back");
		}
	}

	static Reply secretsArrived(Round r, SecretsArrived e) {
		Draft d = r.draft(e.ip());
		if (d == null) {
			return new Ignored("not a host");
		}
		if (d.secretsAt == null || e.at().isAfter(d.secretsAt)) {
			d.secretsAt = e.at();
		}
		// a divert's push carries the newest secrets itself; a worker that is not up gets them with its re-sync
		if (d.worker().up() && d.state.mayBeDiverted() && !(d.state instanceof Diverting)) {
			d.emit(new PushSecrets(d.ip()));
		}
		return Reply.ACCEPTED;
	}

	// ---------------------------------------------------------------- step outcomes

	static Reply stepDone(Round r, StepDone e) {
		Draft d = r.draft(e.ip());
		if (d == null || !e.step().tracked()) {
			return Reply.ACCEPTED;
		}
		InFlight work = d.work;
		if (work == null || work.step() != e.step()) {
			return new Ignored("no " + e.step().label() + " in flight");
		}
		String rollback = work.rollbackOf();
		switch (e.step()) {
			case DATAPLANE_PUSH -> {
				d.work = new InFlight(Step.ROUTER_DIVERT, null, work.restoreAfter());
				d.emit(new Divert(d.host, d.mitigationId()));
			}
			case ROUTER_DIVERT -> {
				d.work = null;
				d.transition(new Protected(e.at(), d.state.reason(), d.mitigationId()));
				if (work.restoreAfter()) {
					startRestore(d, "no fresh secrets after worker restart");
				}
				else {
					drive(d, null);
				}
			}
			case ROUTER_RESTORE -> {
				if (rollback != null || d.worker().up()) {
					d.work = new InFlight(Step.DATAPLANE_REMOVE, rollback);
					d.emit(new RemoveHost(d.ip()));
				}
				else {
					// no worker to remove it from: the re-sync when it is back leaves this host out
					d.work = null;
					finishRestore(d);
				}
			}
			default -> { // DATAPLANE_REMOVE
				d.work = null;
				if (rollback != null) {
					failed(d, new Failed(e.at(), rollback, d.state.mitigationId(), false));
				}
				else {
					finishRestore(d);
				}
			}
		}
		return Reply.ACCEPTED;
	}

	static Reply stepFailed(Round r, StepFailed e) {
		Draft d = r.draft(e.ip());
		if (d == null) {
			return Reply.ACCEPTED;
		}
		String failure = e.step().label() + " failed: " + e.cause();
		if (!e.step().tracked()) {
			if (!d.worker().up()) {
				// the worker's loss is alerted already, and its re-sync pushes every diverted host afresh
				return Reply.ACCEPTED;
			}
			if (e.step() == Step.SECRETS_PUSH) {
				d.alert(AlertKind.SECRETS_PUSH, "cannot push fresh secrets to the dataplane: " + e.cause());
			}
			else {
				d.alert(AlertKind.DATAPLANE_PUSH_FAILED, failure);
			}
			return Reply.ACCEPTED;
		}
		InFlight work = d.work;
		if (work == null || work.step() != e.step()) {
			return new Ignored("no " + e.step().label() + " in flight");
		}
		String rollback = work.rollbackOf();
		String mid = d.state.mitigationId();
		switch (e.step()) {
			case DATAPLANE_PUSH -> { // the router was not touched: only the dataplane is rolled back
				d.alert(AlertKind.DIVERT_FAILED, failure + "; rolling back");
				d.work = new InFlight(Step.DATAPLANE_REMOVE, failure);
				d.emit(new RemoveHost(d.ip()));
			}
			case ROUTER_DIVERT -> {
				d.alert(AlertKind.DIVERT_FAILED, failure + "; rolling back");
				d.work = new InFlight(Step.ROUTER_RESTORE, failure);
				d.emit(new Restore(d.host, d.mitigationId()));
			}
			case ROUTER_RESTORE -> {
				d.work = null;
				if (rollback != null) {
					d.alert(AlertKind.RESTORE_FAILED, "rollback failed, the router may still divert: " + failure
							+ " (host kept in the dataplane; reconciliation retries)");
					d.transition(new Failed(e.at(), rollback + "; rollback failed: " + failure, mid, true));
				}
				else {
					d.alert(AlertKind.RESTORE_FAILED, failure
							+ " (host kept in the dataplane so diverted traffic is still scrubbed; reconciliation retries)");
					d.transition(new Failed(e.at(), failure, mid, true));
				}
			}
			default -> { // DATAPLANE_REMOVE: the router no longer diverts, so a host left in the dataplane is harmless
				d.work = null;
				if (rollback != null) {
					failed(d, new Failed(e.at(), rollback, mid, false));
				}
				else {
					d.alert(AlertKind.DATAPLANE_REMOVE_FAILED, failure + " (harmless: no traffic is diverted)");
					finishRestore(d);
				}
			}
		}
		return Reply.ACCEPTED;
	}

	// ---------------------------------------------------------------- driving towards the intent

	/**
	 * Moves an idle host towards its intent: divert a wanted host (only into a worker that is up), restore one no
	 * longer wanted, fail open while the worker is down, and finish in the intent's direction a divert or restore
	 * that a restart interrupted (journal). A busy host is driven again when its step is over.
	 */
	static void drive(Draft d, @Nullable String why) {
		if (d.busy()) {
			return;
		}
		boolean want = d.wanted();
		ProtectionState s = d.state;
		if (s instanceof Unprotected) {
			if (want && d.worker().up()) {
				startDivert(d, (why != null) ? why : intentReason(d));
			}
		}
		else if (s instanceof Protected) {
			if (!want) {
				startRestore(d, (why != null) ? why : "no longer wanted");
			}
			else if (failOpenNow(d)) {
				failOpen(d);
			}
		}
		else if (s instanceof Diverting || s instanceof Restoring) {
			if (want && d.worker().up()) {
				startDivert(d, "resuming after restart");
			}
			else if (!want) {
				startRestore(d, "resuming after restart");
			}
			else if (failOpenNow(d)) {
				failOpen(d);
			}
		}
	}

	static boolean failOpenNow(Draft d) {
		return d.worker().health() == WorkerState.Health.DOWN && d.settings().failMode() == FailMode.OPEN;
	}

	static void failOpen(Draft d) {
		String cause = String.valueOf(d.worker().cause());
		d.alert(AlertKind.FAIL_OPEN, "dataplane worker unhealthy (" + cause + "): restoring the direct path");
		startRestore(d, "fail-open: " + cause);
	}

	static void startDivert(Draft d, String reason) {
		if (!d.fresh()) {
			String why = d.staleness();
			d.alert(AlertKind.SECRETS_STALE, "not diverting: " + why);
			if (d.intent != null && d.intent.trigger() != Trigger.MANUAL) {
				d.intent = null; // detection asks again if the attack goes on; an operator's request stays
			}
			if (d.state.mayBeDiverted()) {
				startRestore(d, "secrets stale: " + why);
			}
			else {
				d.transition(new Failed(d.at(), "secrets stale: " + why, null, false));
			}
			return;
		}
		d.transition(new Diverting(d.at(), reason, d.mitigationId()));
		d.work = InFlight.of(Step.DATAPLANE_PUSH);
		// the pickup window opens with this push, right before the router switch, and outlasts it: connections
		// established on the direct path keep passing while their first diverted segments create their flows
		Duration pickup = d.settings().pickupWindow();
		d.pickupUntil = d.at().plus(pickup);
		d.emit(new PushHost(d.host, pickup, Step.DATAPLANE_PUSH));
	}

	static void startRestore(Draft d, String reason) {
		d.transition(new Restoring(d.at(), reason, d.mitigationId()));
		d.work = InFlight.of(Step.ROUTER_RESTORE);
		d.emit(new Restore(d.host, d.mitigationId()));
	}

	/** A failure that left the host undiverted: a host no longer in the hosts file has nothing left to do. */
	private static void failed(Draft d, Failed failed) {
		d.transition(failed);
		if (!d.configured) {
			d.forget();
		}
	}

	private static void finishRestore(Draft d) {
		d.transition(new Unprotected(d.at(), d.state.reason()));
		if (!d.configured) {
			d.forget();
			return;
		}
		drive(d, null);
	}

	/** A protected host's new configuration reaches the dataplane, with only what is left of its pickup window. */
	static void refresh(Draft d) {
		if (!d.worker().up()) {
			return; // the re-sync when the worker is back carries the host as it is then
		}
		if (!d.fresh()) {
			d.alert(AlertKind.SECRETS_STALE, "cannot re-push host to the dataplane: " + d.staleness());
			return;
		}
		d.emit(new PushHost(d.host, pickupLeft(d), Step.HOST_REFRESH));
	}

	/** What is left of the pickup window (a re-push must neither end it early nor extend it). */
	private static Duration pickupLeft(Draft d) {
		if (d.pickupUntil == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(d.at(), d.pickupUntil);
		return left.isNegative() ? Duration.ZERO : left;
	}

	private static String intentReason(Draft d) {
		ProtectionIntent i = d.intent;
		return (i != null) ? i.trigger().name().toLowerCase(java.util.Locale.ROOT) + ": " + i.reason() : "requested";
	}

}

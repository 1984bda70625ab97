package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;

/**
 * One host's state while a {@link Round} is computed: the fields of {@link HostState}, changed in place by the rules,
 * and the helpers every rule needs (a transition is journaled and announced; an alert names the host).
 */
final class Draft {

	private final Round round;

	private final @Nullable HostState before;

	HostConfig host;

	boolean configured;

	ProtectionState state;

	@Nullable ProtectionIntent intent;

	@Nullable InFlight work;

	@Nullable Instant pickupUntil;

	@Nullable Instant secretsAt;

	@Nullable Instant lastStaleAlert;

	boolean forgotten;

	Draft(Round round, HostState s) {
		this(round, s, false);
	}

	Draft(Round round, HostState s, boolean isNew) {
		this.round = round;
		this.before = isNew ? null : s;
		this.host = s.host();
		this.configured = s.configured();
		this.state = s.state();
		this.intent = s.intent();
		this.work = s.work();
		this.pickupUntil = s.pickupUntil();
		this.secretsAt = s.secretsAt();
		this.lastStaleAlert = s.lastStaleAlert();
	}

	boolean isNew() {
		return this.before == null;
	}

	InetAddress ip() {
		return this.host.ip();
	}

	String ipText() {
		return this.host.ipText();
	}

	Instant at() {
		return this.round.at;
	}

	CoreSettings settings() {
		return this.round.settings;
	}

	WorkerState worker() {
		return this.round.worker;
	}

	boolean busy() {
		return this.work != null;
	}

	/** In the hosts file, not off, and asked for by an intent that has not expired. */
	boolean wanted() {
		return this.configured && this.host.mode() != ProtectionMode.OFF && this.intent != null
				&& !this.intent.expired(at());
	}

	/** The agent's newest secrets are recent enough to divert with. */
	boolean fresh() {
		return this.secretsAt != null
				&& Duration.between(this.secretsAt, at()).compareTo(settings().secretsMaxAge()) <= 0;
	}

	/** Why {@link #fresh()} is false, for messages. */
	String staleness() {
		if (this.secretsAt == null) {
			return "no secrets received from the host's agent yet";
		}
		return "secrets are " + Duration.between(this.secretsAt, at()).toSeconds()
				+ " s old (syncookied.protection.secrets-max-age=" + settings().secretsMaxAge().toSeconds() + "s)";
	}

	/** The mitigation id of the current state, or a new one. */
	String mitigationId() {
		String mid = this.state.mitigationId();
		return (mid != null) ? mid : MitigationIds.of(ip(), at());
	}

	void transition(ProtectionState next) {
		Phase from = this.state.phase();
		this.state = next;
		journal();
		emit(new ProtectionCommand.AnnounceState(ip(), from, next));
	}

	void journal() {
		emit(new ProtectionCommand.Journal(JournalEntry.of(ipText(), this.state, this.intent)));
	}

	void alert(AlertKind kind, String message) {
		this.round.alert(kind, ip(), message);
	}

	void emit(ProtectionCommand command) {
		this.round.emit(command);
	}

	void forget() {
		this.forgotten = true;
	}

	HostState result() {
		return new HostState(this.host, this.configured, this.state, this.intent, this.work, this.pickupUntil,
				this.secretsAt, this.lastStaleAlert);
	}

	boolean changed() {
		return this.before == null || !result().equals(this.before);
	}

}

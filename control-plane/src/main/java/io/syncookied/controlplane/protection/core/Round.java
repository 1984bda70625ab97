package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.events.AlertKind;

/**
 * One application of the core: the state it reads, the hosts it touched, the commands it collected. Lives for one
 * {@link ProtectionCore#apply} call only.
 */
final class Round {

	final CoreSettings settings;

	final Instant at;

	private final CoreState state;

	private final WorkerState workerBefore;

	WorkerState worker;

	final List<ProtectionCommand> out = new ArrayList<>();

	private final Map<InetAddress, Draft> drafts = new LinkedHashMap<>();

	Round(CoreSettings settings, CoreState state, Instant at) {
		this.settings = settings;
		this.state = state;
		this.at = at;
		this.workerBefore = state.worker();
		this.worker = state.worker();
	}

	/** The host's draft, or null when the IP has no state. */
	@Nullable Draft draft(InetAddress ip) {
		Draft d = this.drafts.get(ip);
		if (d != null) {
			return d;
		}
		HostState s = this.state.host(ip);
		if (s == null) {
			return null;
		}
		d = new Draft(this, s);
		this.drafts.put(ip, d);
		return d;
	}

	/** The draft of a host in the hosts file, or null. */
	@Nullable Draft configured(InetAddress ip) {
		Draft d = draft(ip);
		return (d != null && d.configured) ? d : null;
	}

	boolean exists(InetAddress ip) {
		Draft d = this.drafts.get(ip);
		return (d != null) ? !d.forgotten : this.state.host(ip) != null;
	}

	/** Every host with a state, in the state's order, then those added in this round. */
	List<Draft> all() {
		List<Draft> all = new ArrayList<>();
		for (HostState s : List.copyOf(this.state.hosts())) {
			Draft d = draft(s.ip());
			if (d != null && !d.forgotten) {
				all.add(d);
			}
		}
		for (Draft d : this.drafts.values()) {
			if (d.isNew() && !d.forgotten) {
				all.add(d);
			}
		}
		return all;
	}

	/** A host that had no state. */
	Draft add(HostState s) {
		Draft d = new Draft(this, s, true);
		this.drafts.put(s.ip(), d);
		return d;
	}

	void emit(ProtectionCommand command) {
		if (command instanceof ProtectionCommand.Journal j) {
			dropSupersededJournal(j.entry().ip());
		}
		this.out.add(command);
	}

	/**
	 * Replay keeps the latest journal entry per IP, and each entry costs an fsync before the next command runs: an
	 * earlier entry of this round for the same IP is superseded by a later one (which carries the intent too), unless
	 * a step or a re-sync was commanded in between, since that ran with only the earlier entry on disk.
	 */
	private void dropSupersededJournal(String ip) {
		for (int i = this.out.size() - 1; i >= 0; i--) {
			ProtectionCommand c = this.out.get(i);
			if (c instanceof ProtectionCommand.Journal earlier) {
				if (earlier.entry().ip().equals(ip)) {
					this.out.remove(i);
					return;
				}
			}
			else if (!(c instanceof ProtectionCommand.AnnounceState) && !(c instanceof ProtectionCommand.Alert)) {
				return;
			}
		}
	}

	void alert(AlertKind kind, @Nullable InetAddress ip, String message) {
		emit(new ProtectionCommand.Alert(kind, ip, message, this.at));
	}

	Transition finish(Reply reply) {
		List<HostState> updated = new ArrayList<>();
		Set<InetAddress> forgotten = new HashSet<>();
		for (Draft d : this.drafts.values()) {
			if (d.forgotten) {
				if (!d.isNew()) {
					forgotten.add(d.ip());
				}
			}
			else if (d.changed()) {
				updated.add(d.result());
			}
		}
		WorkerState worker = this.worker.equals(this.workerBefore) ? null : this.worker;
		return new Transition(updated, forgotten, worker, this.out, reply);
	}

}

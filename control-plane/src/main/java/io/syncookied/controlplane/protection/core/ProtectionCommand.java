package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.HostConfig;

/**
 * Effects the core asks for, in the order they must happen. Steps run asynchronously and report back as
 * {@link ProtectionEvent.StepDone}/{@link ProtectionEvent.StepFailed}; journal lines and announcements are written
 * before the next event is applied.
 */
public sealed interface ProtectionCommand {

	/** A dataplane or router call whose outcome comes back as an event about {@link #ip()}. */
	sealed interface StepCommand extends ProtectionCommand {

		InetAddress ip();

		Step step();

	}

	/** Give the dataplane the host with its newest secrets; {@code step} is DATAPLANE_PUSH or HOST_REFRESH. */
	record PushHost(HostConfig host, Duration pickupWindow, Step step) implements StepCommand {
		@Override
		public InetAddress ip() {
			return this.host.ip();
		}
	}

	/** Push and read back the router override (ROUTER_DIVERT). */
	record Divert(HostConfig host, String mitigationId) implements StepCommand {
		@Override
		public InetAddress ip() {
			return this.host.ip();
		}

		@Override
		public Step step() {
			return Step.ROUTER_DIVERT;
		}
	}

	/** Withdraw and read back the router override (ROUTER_RESTORE). */
	record Restore(HostConfig host, String mitigationId) implements StepCommand {
		@Override
		public InetAddress ip() {
			return this.host.ip();
		}

		@Override
		public Step step() {
			return Step.ROUTER_RESTORE;
		}
	}

	/** Remove the host from the dataplane (DATAPLANE_REMOVE). */
	record RemoveHost(InetAddress ip) implements StepCommand {
		@Override
		public Step step() {
			return Step.DATAPLANE_REMOVE;
		}
	}

	/** Give the dataplane the host's newest secrets (SECRETS_PUSH). */
	record PushSecrets(InetAddress ip) implements StepCommand {
		@Override
		public Step step() {
			return Step.SECRETS_PUSH;
		}
	}

	/**
	 * Make the worker hold exactly these hosts, with their newest secrets and this pickup window; the outcome comes
	 * back as {@link ProtectionEvent.WorkerSynced}.
	 */
	record Resync(List<HostConfig> hosts, Duration pickupWindow) implements ProtectionCommand {
		public Resync {
			hosts = List.copyOf(hosts);
		}
	}

	/** Append the host's state and intent to the journal (forced to disk) before anything else is reported. */
	record Journal(JournalEntry entry) implements ProtectionCommand {
	}

	/** Tell operators that a host changed state ({@code from} is null for a host seen for the first time). */
	record AnnounceState(InetAddress ip, @Nullable Phase from, ProtectionState to) implements ProtectionCommand {
	}

	/** Tell operators about something they must look at. */
	record Alert(AlertKind kind, @Nullable InetAddress ip, String message, Instant at) implements ProtectionCommand {
	}

}

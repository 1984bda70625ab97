package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.hosts.HostConfig;

/**
 * Everything that can change protection. Each event carries the time it happened ({@link #at()}): the core has no
 * clock of its own.
 */
public sealed interface ProtectionEvent {

	Instant at();

	/** An event about one IP. */
	sealed interface HostEvent extends ProtectionEvent {

		InetAddress ip();

	}

	/** An operator asks for protection for {@code ttl} (null: the default TTL). */
	record ProtectRequested(InetAddress ip, String reason, @Nullable Duration ttl, Instant at) implements HostEvent {
	}

	/** An operator ends protection. */
	record UnprotectRequested(InetAddress ip, String reason, Instant at) implements HostEvent {
	}

	/** Detection says the host is under attack (acted on in mode {@code auto} only). */
	record AttackStarted(InetAddress ip, String reason, Instant at) implements HostEvent {
	}

	/** Detection says the attack is over after its quiet period (ends automatic protection after hold-down). */
	record AttackEnded(InetAddress ip, String reason, Instant at) implements HostEvent {
	}

	/** A step the core asked for succeeded. */
	record StepDone(InetAddress ip, Step step, Instant at) implements HostEvent {
	}

	/** A step the core asked for failed or timed out; {@code cause} is for operators. */
	record StepFailed(InetAddress ip, Step step, String cause, Instant at) implements HostEvent {
	}

	/** Fresh secrets from the host's agent arrived at {@code at}. */
	record SecretsArrived(InetAddress ip, Instant at) implements HostEvent {
	}

	/** The clock moved on: TTLs that ended expire, stale secrets of diverted hosts are reported. */
	record Tick(Instant at) implements ProtectionEvent {
	}

	/** The dataplane worker is gone (exit seen, or no healthy heartbeat). */
	record WorkerLost(String cause, Instant at) implements ProtectionEvent {
	}

	/**
	 * The dataplane worker answers again. {@code adopted}: it kept running across the loss (or the control plane's
	 * restart) and kept its flows; otherwise it is a new process that lost them.
	 */
	record WorkerBack(boolean adopted, Instant at) implements ProtectionEvent {
	}

	/** The re-sync asked for by {@link WorkerBack} finished; {@code failure} is null when it worked. */
	record WorkerSynced(@Nullable String failure, Instant at) implements ProtectionEvent {
	}

	/** The hosts file was (re)loaded: these are all the configured hosts, in file order. */
	record HostsLoaded(List<HostConfig> hosts, Instant at) implements ProtectionEvent {
	}

	/**
	 * The router's overrides were read back.
	 *
	 * @param overrides per target that answered: the IPs it diverts to our firewall
	 * @param unreadable per target that did not answer: why
	 * @param targets the target of every host whose target is known
	 */
	record ReadBack(Reconcile trigger, Map<String, Set<InetAddress>> overrides, Map<String, String> unreadable,
			Map<InetAddress, String> targets, Instant at) implements ProtectionEvent {

		public ReadBack {
			overrides = Map.copyOf(overrides);
			unreadable = Map.copyOf(unreadable);
			targets = Map.copyOf(targets);
		}

	}

	/** Why the router was read back. */
	enum Reconcile {

		/** Once after start: the worker may have been restarted and TTLs may have ended while we were down. */
		STARTUP,
		/** Every {@code syncookied.protection.reconcile-interval}. */
		PERIODIC;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}

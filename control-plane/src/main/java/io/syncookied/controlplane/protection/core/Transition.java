package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The result of applying one event: only what changed, so that a store (memory, etcd) writes no more than that.
 *
 * @param updated hosts whose state changed or that are new, in the order new ones must be listed
 * @param forgotten IPs that no longer have a state (left the hosts file and no longer diverted)
 * @param worker the worker's new state, or null when unchanged
 * @param commands effects to carry out, in order
 * @param reply the answer for whoever submitted the event
 */
public record Transition(List<HostState> updated, Set<InetAddress> forgotten, @Nullable WorkerState worker,
		List<ProtectionCommand> commands, Reply reply) {

	public Transition {
		updated = List.copyOf(updated);
		forgotten = Set.copyOf(forgotten);
		commands = List.copyOf(commands);
	}

}

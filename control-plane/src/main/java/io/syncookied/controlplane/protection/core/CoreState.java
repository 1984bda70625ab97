package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

/** The state the core decides on, read-only. {@link MemoryState} keeps it in memory; a cluster keeps it in etcd. */
public interface CoreState {

	WorkerState worker();

	@Nullable HostState host(InetAddress ip);

	/** Every host with a state, configured hosts in file order. */
	Collection<HostState> hosts();

}

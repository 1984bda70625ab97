package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** {@link CoreState} in memory, changed only by {@link #commit}. Not thread-safe: one owner thread. */
public final class MemoryState implements CoreState {

	private final Map<InetAddress, HostState> hosts = new LinkedHashMap<>();

	private WorkerState worker;

	public MemoryState(WorkerState worker) {
		this.worker = worker;
	}

	@Override
	public WorkerState worker() {
		return this.worker;
	}

	@Override
	public @Nullable HostState host(InetAddress ip) {
		return this.hosts.get(ip);
	}

	@Override
	public Collection<HostState> hosts() {
		return Collections.unmodifiableCollection(this.hosts.values());
	}

	/** Replaces every host (journal replay). */
	public void reset(Collection<HostState> states) {
		this.hosts.clear();
		states.forEach(s -> this.hosts.put(s.ip(), s));
	}

	public void commit(Transition t) {
		t.forgotten().forEach(this.hosts::remove);
		t.updated().forEach(s -> this.hosts.put(s.ip(), s));
		if (t.worker() != null) {
			this.worker = t.worker();
		}
	}

}

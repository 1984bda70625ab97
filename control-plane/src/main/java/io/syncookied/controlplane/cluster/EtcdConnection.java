package io.syncookied.controlplane.cluster;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's etcd client, told to reconnect now when etcd has been unreachable. gRPC backs off reconnecting (up to two
 * minutes) once every endpoint failed, but a whole etcd cluster that comes back extends each lease by only one TTL
 * plus its election timeout: a client still in back-off would let the lease run out and make the node flap. So the
 * channel's back-off is reset (jetcd does not expose its channel: reached by reflection into the pinned jetcd 0.8.5);
 * should that ever fail, the client is replaced by a fresh one, which connects at once. Callers take
 * {@link #client()} for every request, so they use the current one.
 * <p>
 * Runs on the cluster executor.
 */
public final class EtcdConnection implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EtcdConnection.class);

	private final List<URI> endpoints;

	private final Duration requestTimeout;

	private volatile Client client;

	private final List<Runnable> onReconnect = new ArrayList<>();

	private long lastReconnect = System.nanoTime();

	private long reconnects;

	public EtcdConnection(List<URI> endpoints, Duration requestTimeout) {
		this.endpoints = List.copyOf(endpoints);
		this.requestTimeout = requestTimeout;
		this.client = build();
	}

	/** Called (on the cluster executor) after the client was replaced: watches must be opened again. */
	public void onReconnect(Runnable listener) {
		this.onReconnect.add(listener);
	}

	public Client client() {
		return this.client;
	}

	/** Makes the client try to connect now, at most once per {@code interval}; returns true when it did. */
	boolean reconnect(Duration interval) {
		long now = System.nanoTime();
		if (now - this.lastReconnect < interval.toNanos()) {
			return false;
		}
		this.lastReconnect = now;
		if (resetBackoff(this.client)) {
			return true;
		}
		Client old = this.client;
		this.client = build();
		if (this.reconnects++ % 10 == 0) {
			log.warn("etcd: unreachable for a while; reconnecting to {} with a fresh client ({} so far)",
					this.endpoints, this.reconnects);
		}
		// closing stops the old client's Vert.x and gRPC threads and waits for them: never on the cluster thread
		closeInBackground(old);
		for (Runnable listener : this.onReconnect) {
			listener.run();
		}
		return true;
	}

	private static boolean resetBackoff(Client client) {
		try {
			Field field = client.getClass().getDeclaredField("connectionManager");
			field.setAccessible(true);
			Object manager = field.get(client);
			Method channel = manager.getClass().getDeclaredMethod("getChannel");
			channel.setAccessible(true);
			((ManagedChannel) channel.invoke(manager)).resetConnectBackoff();
			return true;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			log.debug("etcd: cannot reset the client's reconnect back-off ({}); replacing the client", ex.toString());
			return false;
		}
	}

	private Client build() {
		return Client.builder()
			.endpoints(this.endpoints)
			.connectTimeout(this.requestTimeout)
			.keepaliveTime(Duration.ofSeconds(10))
			.keepaliveTimeout(this.requestTimeout)
			.retryMaxDuration(this.requestTimeout)
			.build();
	}

	/**
	 * Closes the client, waiting at most two request timeouts: jetcd's close waits for its Vert.x and gRPC threads,
	 * and a shutdown must not hang on a pool that never drains. Past that the daemon closer thread is left behind.
	 */
	@Override
	public void close() {
		closeWithin(this.client, this.requestTimeout.multipliedBy(2));
	}

	/** Closes {@code client} on a daemon thread and waits for it at most {@code limit}. */
	static void closeWithin(Client client, Duration limit) {
		Thread closer = closeInBackground(client);
		try {
			closer.join(limit.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (closer.isAlive()) {
			log.warn("etcd: the client did not close within {}; leaving its threads behind", limit);
		}
	}

	/** Closes {@code client} on a daemon thread of its own, which is returned. */
	private static Thread closeInBackground(Client client) {
		Thread closer = new Thread(client::close, "etcd-client-close");
		closer.setDaemon(true);
		closer.start();
		return closer;
	}

}

package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of every value under one etcd prefix, kept current by a watch that starts at the revision of the
 * initial read, so no change is missed or seen twice. Values are decoded on arrival: one that cannot be read is logged
 * with its key and skipped, and the copy keeps the last good value of that key (a corrupt write never makes a node
 * forget a diversion). Only a delete removes a key. After a lost watch (etcd compacted past it, or the connection
 * broke for good) the prefix is read again and the copy brought level with it.
 * <p>
 * Everything runs on the cluster executor; listeners are called there, in etcd revision order.
 *
 * @param <T> the decoded value
 */
public final class PrefixMirror<T> implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PrefixMirror.class);

	private static final Duration RETRY = Duration.ofMillis(500);

	/** Reads one stored value, naming its key in the error. */
	@FunctionalInterface
	public interface Decoder<T> {

		T decode(String key, byte[] value) throws CorruptValueException;

	}

	/** One change of the copy: {@code before} null = new key, {@code after} null = deleted. */
	@FunctionalInterface
	public interface Listener<T> {

		void changed(String key, @Nullable T before, @Nullable T after, long revision);

	}

	private final EtcdConnection connection;

	private final ScheduledExecutorService executor;

	private final String prefix;

	private final Decoder<T> decoder;

	private final Duration requestTimeout;

	private final Map<String, T> values = new LinkedHashMap<>();

	/** Each key's create revision: a key deleted and created again while no watch ran is a new key, not the same. */
	private final Map<String, Long> created = new HashMap<>();

	private final List<Listener<T>> listeners = new ArrayList<>();

	private Watch.@Nullable Watcher watcher;

	private long revision;

	private boolean synced;

	private boolean closed;

	private int failures;

	private long corrupt;

	public PrefixMirror(EtcdConnection connection, ScheduledExecutorService executor, String prefix, Decoder<T> decoder,
			Duration requestTimeout) {
		this.connection = connection;
		this.executor = executor;
		this.prefix = prefix;
		this.decoder = decoder;
		this.requestTimeout = requestTimeout;
		connection.onReconnect(this::reopen);
	}

	public void listen(Listener<T> listener) {
		this.listeners.add(listener);
	}

	public void start() {
		this.executor.execute(this::load);
	}

	/** The current copy (read-only); empty until the first read succeeded. */
	public Map<String, T> values() {
		return Collections.unmodifiableMap(this.values);
	}

	/** True once the prefix was read and the watch runs. */
	public boolean synced() {
		return this.synced;
	}

	/** The etcd revision the copy reflects. */
	public long revision() {
		return this.revision;
	}

	/** How many values were skipped as unreadable since start. */
	public long corruptValues() {
		return this.corrupt;
	}

	private void load() {
		if (this.closed) {
			return;
		}
		this.connection.client().getKVClient()
			.get(ClusterKeys.bytes(this.prefix), GetOption.builder().isPrefix(true).build())
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync(this::loaded, this.executor);
	}

	private void loaded(@Nullable GetResponse response, @Nullable Throwable error) {
		if (this.closed) {
			return;
		}
		if (error != null || response == null) {
			if (this.failures++ % 10 == 0) {
				log.warn("etcd: cannot read {} ({}); retrying", this.prefix,
						(error != null) ? EtcdSession.describe(error) : "no response");
			}
			this.executor.schedule(this::load, RETRY.toMillis(), TimeUnit.MILLISECONDS);
			return;
		}
		this.failures = 0;
		long rev = response.getHeader().getRevision();
		Set<String> present = new HashSet<>();
		for (KeyValue kv : response.getKvs()) {
			String key = ClusterKeys.text(kv.getKey());
			present.add(key);
			put(key, kv.getValue().getBytes(), kv.getModRevision(), kv.getCreateRevision());
		}
		for (String key : new ArrayList<>(this.values.keySet())) {
			if (!present.contains(key)) {
				remove(key, rev);
			}
		}
		this.revision = rev;
		this.synced = true;
		watchFrom(rev + 1);
	}

	private void watchFrom(long start) {
		WatchOption option = WatchOption.builder()
			.isPrefix(true)
			.withRevision(start)
			.withRequireLeader(true)
			.build();
		this.watcher = this.connection.client().getWatchClient()
			.watch(ClusterKeys.bytes(this.prefix), option,
					Watch.listener((response) -> this.executor.execute(() -> events(response)),
							(error) -> this.executor.execute(() -> lost(error))));
	}

	private void events(WatchResponse response) {
		if (this.closed) {
			return;
		}
		for (WatchEvent event : response.getEvents()) {
			KeyValue kv = event.getKeyValue();
			String key = ClusterKeys.text(kv.getKey());
			long rev = kv.getModRevision();
			if (rev <= this.revision) {
				continue;
			}
			switch (event.getEventType()) {
				case PUT -> put(key, kv.getValue().getBytes(), rev, kv.getCreateRevision());
				case DELETE -> remove(key, rev);
				default -> log.warn("etcd: {}: unknown watch event {} skipped", key, event.getEventType());
			}
			this.revision = rev;
		}
	}

	private void reopen() {
		if (this.closed || this.watcher == null) {
			return; // not watching yet: the pending read or retry uses the new client
		}
		closeWatcher();
		load();
	}

	private void lost(Throwable error) {
		if (this.closed) {
			return;
		}
		log.warn("etcd: watch of {} lost ({}); reading it again", this.prefix, EtcdSession.describe(error));
		closeWatcher();
		this.executor.schedule(this::load, RETRY.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void put(String key, byte[] bytes, long rev, long createRevision) {
		T after;
		try {
			after = this.decoder.decode(key, bytes);
		}
		catch (CorruptValueException ex) {
			this.corrupt++;
			log.error("etcd: unreadable value skipped, keeping the last good one: {}", ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			this.corrupt++;
			log.error("etcd: unreadable value skipped, keeping the last good one: {}: {}", key, ex.toString());
			return;
		}
		T before = this.values.put(key, after);
		Long was = this.created.put(key, createRevision);
		if (before != null && was != null && was != createRevision) { // deleted and created again while unwatched
			notify(key, before, null, rev);
			notify(key, null, after, rev);
		}
		else if (!after.equals(before)) {
			notify(key, before, after, rev);
		}
	}

	private void remove(String key, long rev) {
		T before = this.values.remove(key);
		this.created.remove(key);
		if (before != null) {
			notify(key, before, null, rev);
		}
	}

	private void notify(String key, @Nullable T before, @Nullable T after, long rev) {
		for (Listener<T> listener : this.listeners) {
			try {
				listener.changed(key, before, after, rev);
			}
			catch (RuntimeException ex) {
				log.error("etcd: listener of {} failed on {}", this.prefix, key, ex);
			}
		}
	}

	private void closeWatcher() {
		Watch.Watcher w = this.watcher;
		this.watcher = null;
		if (w != null) {
			w.close();
		}
	}

	@Override
	public void close() {
		this.executor.execute(() -> {
			this.closed = true;
			closeWatcher();
		});
	}

}

package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.Function;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's etcd session: one lease, renewed every quarter of its TTL. Everything the node owns in etcd (its
 * membership key, the leader key while it leads) carries this lease, so it all disappears together when the node dies
 * or is cut off for longer than the TTL.
 * <p>
 * The session knows how long the lease is surely alive: until the send time of the last renewal that etcd confirmed
 * plus the TTL it granted. etcd counts from when it received that renewal, which is later, so this node always gives
 * up its leadership before etcd frees the leader key for another node. When etcd cannot be reached the session only
 * becomes uncertain; it keeps renewing the same lease and ends only when etcd says the lease is gone, because a whole
 * etcd cluster coming back extends every lease, and a node should not flap over an outage it survived.
 * <p>
 * Every method runs on the cluster executor.
 */
public final class EtcdSession implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EtcdSession.class);

	private final EtcdConnection connection;

	private final ScheduledExecutorService executor;

	private final long ttlSeconds;

	private final Duration requestTimeout;

	private final List<LongConsumer> onStart = new ArrayList<>();

	private final List<LongConsumer> onEnd = new ArrayList<>();

	private long leaseId;

	private long aliveUntilNanos = Long.MIN_VALUE;

	private @Nullable ScheduledFuture<?> renewals;

	private boolean closed;

	private int grantFailures;

	public EtcdSession(EtcdConnection connection, ScheduledExecutorService executor, Duration ttl,
			Duration requestTimeout) {
		this.connection = connection;
		this.executor = executor;
		this.ttlSeconds = ttl.toSeconds();
		this.requestTimeout = requestTimeout;
	}

	/** Called with the lease id each time a session starts (the first one, and after a lost one). */
	public void onStart(LongConsumer listener) {
		this.onStart.add(listener);
	}

	/** Called with the lease id when etcd says the lease is gone, or when the session is closed. */
	public void onEnd(LongConsumer listener) {
		this.onEnd.add(listener);
	}

	/** Starts the first session; retries until etcd grants a lease. */
	public void start() {
		this.executor.execute(this::grant);
	}

	public Duration ttl() {
		return Duration.ofSeconds(this.ttlSeconds);
	}

	/** The current lease, or 0 while no session is open. */
	public long leaseId() {
		return this.leaseId;
	}

	/** True when the lease certainly still lives for {@code margin} more: etcd cannot have expired it by then. */
	public boolean surelyAliveFor(Duration margin) {
		return this.leaseId != 0 && System.nanoTime() + margin.toNanos() - this.aliveUntilNanos < 0;
	}

	/**
	 * Forgets the renewals so far: the lease is uncertain until etcd answers the next one, as when etcd is slow to
	 * answer (for tests of what a node does in that moment). Cluster executor.
	 */
	void doubt() {
		this.aliveUntilNanos = System.nanoTime();
	}

	/** Nanoseconds (System.nanoTime) until which the lease surely lives. */
	long aliveUntilNanos() {
		return this.aliveUntilNanos;
	}

	private void grant() {
		if (this.closed) {
			return;
		}
		long sent = System.nanoTime();
		this.connection.client().getLeaseClient().grant(this.ttlSeconds)
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((granted, error) -> {
				if (this.closed) {
					if (granted != null) {
						this.connection.client().getLeaseClient().revoke(granted.getID());
					}
					return;
				}
				if (error != null) {
					if (this.grantFailures++ % 10 == 0) {
						log.warn("etcd: cannot open a session (lease grant failed: {}); retrying", describe(error));
					}
					this.executor.schedule(this::grant, renewInterval().toMillis(), TimeUnit.MILLISECONDS);
					return;
				}
				this.grantFailures = 0;
				this.leaseId = granted.getID();
				this.aliveUntilNanos = sent + TimeUnit.SECONDS.toNanos(granted.getTTL());
				log.info("etcd: session started (lease {}, ttl {}s)", Long.toHexString(this.leaseId),
						granted.getTTL());
				this.renewals = this.executor.scheduleWithFixedDelay(this::renew, renewInterval().toMillis(),
						renewInterval().toMillis(), TimeUnit.MILLISECONDS);
				for (LongConsumer listener : this.onStart) {
					listener.accept(this.leaseId);
				}
			}, this.executor);
	}

	private void renew() {
		long lease = this.leaseId;
		if (lease == 0) {
			return;
		}
		long sent = System.nanoTime();
		this.connection.client().getLeaseClient().keepAliveOnce(lease)
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((renewed, error) -> renewed(lease, sent, renewed, error), this.executor);
	}

	private void renewed(long lease, long sent, @Nullable LeaseKeepAliveResponse renewed, @Nullable Throwable error) {
		if (lease != this.leaseId) {
			return;
		}
		if (error == null && renewed != null && renewed.getTTL() > 0) {
			long until = sent + TimeUnit.SECONDS.toNanos(renewed.getTTL());
			if (until - this.aliveUntilNanos > 0) {
				this.aliveUntilNanos = until;
			}
			return;
		}
		if (error == null || isLeaseGone(error)) {
			leaseGone(lease);
			return;
		}
		if (!surelyAliveFor(Duration.ZERO)) {
			log.debug("etcd: lease {} not renewed ({}); uncertain until etcd answers", Long.toHexString(lease),
					describe(error));
			// etcd may be back while this client still backs off: a fresh one renews within the TTL etcd grants a
			// lease on its return (a renewal that only timed out may be a slow etcd; one TTL of them is not)
			if (this.connection.reconnect(Duration.ofSeconds(this.ttlSeconds).dividedBy(8))) {
				renew(); // at once: a returning etcd extends leases by only one TTL (plus its election timeout)
			}
			else {
				askWhetherAlive(lease);
			}
		}
	}

	/** A renewal of an expired lease may just time out: etcd's time-to-live answer says for sure (-1 = gone). */
	private void askWhetherAlive(long lease) {
		this.connection.client()
			.getLeaseClient()
			.timeToLive(lease, LeaseOption.DEFAULT)
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((answer, error) -> {
				if ((answer != null && answer.getTTL() <= 0) || (error != null && isLeaseGone(error))) {
					leaseGone(lease);
				}
			}, this.executor);
	}

	/**
	 * Ends the session when etcd says its lease no longer exists (a request that used it failed with "lease not
	 * found"), and opens a new one. Nothing if that lease is not the current one.
	 */
	public void leaseGone(long lease) {
		if (lease != 0 && lease == this.leaseId) {
			end("etcd says lease " + Long.toHexString(lease) + " is gone");
			grant();
		}
	}

	private void end(String why) {
		long lease = this.leaseId;
		if (lease == 0) {
			return;
		}
		log.warn("etcd: session ended: {}", why);
		if (this.renewals != null) {
			this.renewals.cancel(false);
			this.renewals = null;
		}
		this.leaseId = 0;
		this.aliveUntilNanos = Long.MIN_VALUE;
		for (LongConsumer listener : this.onEnd) {
			listener.accept(lease);
		}
	}

	private Duration renewInterval() {
		return Duration.ofSeconds(this.ttlSeconds).dividedBy(4);
	}

	/** Ends the session and revokes its lease, so the other nodes see this one leave at once. */
	@Override
	public void close() {
		awaitRevoked(this.requestTimeout.multipliedBy(2));
	}

	/**
	 * Revokes and waits at most {@code limit} on a timed wait of its own, so a close can never hang on a future that
	 * etcd's client (or a timer behind it) fails to complete; past that the lease simply runs out.
	 */
	private void awaitRevoked(Duration limit) {
		try {
			revoke().get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			log.warn("etcd: lease not revoked within {}; it runs out after its TTL", limit);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Ends the session; completes once etcd revoked the lease, or gave up after one request timeout. */
	CompletableFuture<Void> revoke() {
		CompletableFuture<Void> revoked = new CompletableFuture<>();
		try {
			this.executor.execute(() -> {
				long lease = this.leaseId;
				end("closed");
				this.closed = true;
				if (lease == 0) {
					revoked.complete(null);
					return;
				}
				this.connection.client()
					.getLeaseClient()
					.revoke(lease)
					.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
					.whenComplete((ignored, error) -> revoked.complete(null));
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			revoked.complete(null); // the node is already stopped
		}
		return revoked;
	}

	static boolean isLeaseGone(Throwable error) {
		Throwable cause = unwrap(error);
		if (cause instanceof NoSuchLeaseException) {
			return true;
		}
		return cause instanceof StatusRuntimeException status && status.getStatus().getCode() == Status.Code.NOT_FOUND;
	}

	static Throwable unwrap(Throwable error) {
		Throwable cause = error;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static String describe(Throwable error) {
		Throwable cause = unwrap(error);
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}

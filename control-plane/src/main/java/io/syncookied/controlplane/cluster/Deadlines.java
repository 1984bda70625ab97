package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bound of one etcd request, timed on the cluster executor:
 * {@code request.applyToEither(Deadlines.after(executor, limit), Function.identity())} fails with a
 * TimeoutException after {@code limit} unless etcd answered first. Unlike {@link CompletableFuture#orTimeout} it
 * never completes the etcd client's own future (whose internal dependents would then run on the completing thread),
 * and it does not depend on the JVM-wide timer thread behind {@code orTimeout}, which also runs whatever completes
 * synchronously after any other timeout: a bound the cluster relies on must fire while that thread is busy elsewhere.
 */
final class Deadlines {

	private Deadlines() {
	}

	/** A future that fails after {@code limit}; never completes when the executor is stopped (the node is gone). */
	static <T> CompletableFuture<T> after(ScheduledExecutorService executor, Duration limit) {
		CompletableFuture<T> deadline = new CompletableFuture<>();
		try {
			executor.schedule(() -> deadline.completeExceptionally(
					new TimeoutException("no answer from etcd within " + limit.toMillis() + " ms")), limit.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException stopped) {
			// the node stopped: its callbacks are refused anyway
		}
		return deadline;
	}

}

package io.syncookied.controlplane.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What may block on a non-blocking thread during tests: only logging (logback writes to the console under a lock).
 * Loaded through {@code META-INF/services}; BlockHound itself is installed for the whole test JVM by
 * blockhound-junit-platform.
 * <p>
 * Vert.x's own blocking and worker pools (under the etcd client) exist to block, but their threads are Netty
 * {@code FastThreadLocalThread}s, which Netty's BlockHound integration counts as event loops. BlockHound's error
 * then fires inside {@code LinkedBlockingQueue.take}'s lock, kills the pool thread with its lock half-released, and
 * a later {@code Client.close()} can wait for that pool forever. Netty's integration may be applied after this one
 * (integrations are ordered by the class path), so narrowing the thread predicate here would not hold: the
 * callback that reports a blocking call lets those two pools through instead.
 */
public final class AllowedBlocking implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend")
			.allowBlockingCallsInside("ch.qos.logback.core.ConsoleAppender", "subAppend")
			// Vert.x closing (an etcd client's close) shuts its worker pools down from an event loop; when the pool's
			// queue lock is contended (a loaded machine) BlockHound's error there left the close unfinished
			.allowBlockingCallsInside("io.vertx.core.impl.WorkerPool", "close")
			// an etcd callback on an event loop hands its work to a cluster node's executor: it may wait a moment for
			// that executor's queue lock (held while the cluster thread takes its next task or timer). BlockHound's
			// error inside the lock's acquire left the lock's wait queue broken: the cluster thread, and a close
			// waiting for it, then parked forever
			.allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor", "delayedExecute")
			.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "remove")
			.blockingMethodCallback((method) -> {
				if (!isVertxBlockingPool(Thread.currentThread())) {
					throw new BlockingOperationError(method);
				}
			});
	}

	private static boolean isVertxBlockingPool(Thread thread) {
		String name = thread.getName();
		return name.startsWith("vert.x-internal-blocking-") || name.startsWith("vert.x-worker-thread-");
	}

}

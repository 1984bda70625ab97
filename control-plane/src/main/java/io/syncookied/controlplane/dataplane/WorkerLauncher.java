package io.syncookied.controlplane.dataplane;

import java.util.function.Consumer;

/**
 * Starts and stops the dataplane worker process. Blocking: the supervisor calls it on {@code boundedElastic}.
 */
public interface WorkerLauncher {

	/** Start the worker (or attach to a running one); returns when it answers on its control socket. */
	void start() throws Exception;

	/** Stop the worker we started (a worker we merely attached to keeps running). */
	void stop();

	/** Whether the process is still running (false when unknown). */
	boolean isAlive();

	/**
	 * Whether the running worker was already running when {@link #start()} found it (it kept its flows), rather than
	 * started by it (it has none). False when unknown.
	 */
	default boolean adopted() {
		return false;
	}

	/**
	 * Calls {@code listener} with a description (exit status or signal, log tail) as soon as a worker this launcher
	 * started or adopted exits while it was not being stopped. One listener; a later call replaces it.
	 */
	default void onExit(Consumer<String> listener) {
	}

	/** The command line or socket, for messages. */
	String describe();

}

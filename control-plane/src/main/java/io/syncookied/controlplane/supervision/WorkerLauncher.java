package io.syncookied.controlplane.supervision;

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

	/** The command line or socket, for messages. */
	String describe();

}

package io.syncookied.controlplane.hooks;

/**
 * Where events go: a script or a webhook. One thread calls {@link #attempt}, and may block in it up to the
 * receiver's timeout (it is never an event loop's thread).
 */
interface Receiver extends AutoCloseable {

	/** {@code script} or {@code webhook}: the {@code sink} tag of the metrics. */
	String kind();

	/** What the logs name it by (a path, a URL without its query). */
	String name();

	/**
	 * One attempt to hand the event over.
	 *
	 * @throws InterruptedException when the control plane shuts down meanwhile (the attempt is abandoned)
	 */
	Attempt attempt(HookEvent event) throws InterruptedException;

	@Override
	default void close() {
	}

}

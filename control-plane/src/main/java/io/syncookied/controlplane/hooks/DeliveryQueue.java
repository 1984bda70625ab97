package io.syncookied.controlplane.hooks;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The events waiting for one receiver: bounded, and when full the oldest is dropped (a receiver that is slow or dead
 * costs at most {@code capacity} events of memory, and what it gets when it is back is the newest state). Offering
 * never blocks nor takes a lock, so that whatever thread publishes an event (the protection loop, a Reactor
 * scheduler) is never held up; one consumer thread takes.
 *
 * @param <T> what is queued
 */
final class DeliveryQueue<T> {

	private final ConcurrentLinkedDeque<T> items = new ConcurrentLinkedDeque<>();

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicLong dropped = new AtomicLong();

	private final int capacity;

	private volatile @Nullable Thread consumer;

	DeliveryQueue(int capacity) {
		this.capacity = capacity;
	}

	/** Adds an item at the end, dropping the oldest when the queue is over its capacity; whether one was dropped. */
	boolean offer(T item) {
		this.items.addLast(item);
		boolean drop = this.size.incrementAndGet() > this.capacity && this.items.pollFirst() != null;
		if (drop) {
			this.size.decrementAndGet();
			this.dropped.incrementAndGet();
		}
		wake();
		return drop;
	}

	/**
	 * The oldest item, waiting up to {@code timeoutNanos} for one; null if none came, or when {@link #wake} was
	 * called (or the thread woke spuriously) before one came. Only one thread may take.
	 *
	 * @throws InterruptedException when the consumer is interrupted (the queue is being shut down)
	 */
	@Nullable T poll(long timeoutNanos) throws InterruptedException {
		this.consumer = Thread.currentThread();
		T item = take();
		if (item == null) {
			LockSupport.parkNanos(this, timeoutNanos); // an offer after the take above unparks us: no wake-up is lost
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			item = take();
		}
		return item;
	}

	private @Nullable T take() {
		T item = this.items.pollFirst();
		if (item != null) {
			this.size.decrementAndGet();
		}
		return item;
	}

	/** Wakes the consumer from {@link #poll} (it returns what is there, or null). */
	void wake() {
		Thread waiting = this.consumer;
		if (waiting != null) {
			LockSupport.unpark(waiting);
		}
	}

	/** Items waiting now. */
	int size() {
		return Math.max(0, this.size.get());
	}

	/** Items dropped since the queue was made. */
	long dropped() {
		return this.dropped.get();
	}

}

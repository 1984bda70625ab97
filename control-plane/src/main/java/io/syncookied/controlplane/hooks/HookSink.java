package io.syncookied.controlplane.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;

/**
 * Delivers events to one {@link Receiver} from its own thread: a bounded {@link DeliveryQueue} in front (offering
 * never blocks the publisher), then for each event up to {@code 1 + retries} attempts with a doubling backoff. Events
 * go out one at a time and in order; an event that still fails after its retries is given up (logged, counted,
 * alerted) and the next one is tried, so a receiver that is down costs each event its retries and no more.
 * <p>
 * Meters: {@code syncookied.hooks.attempts{sink,outcome}}, {@code syncookied.hooks.events{sink,result}} with result
 * {@code delivered}, {@code failed}, {@code rejected} or {@code dropped}, and the gauge
 * {@code syncookied.hooks.queue{sink}}. Alerts ({@code hook-failed}, {@code hook-dropped}) go out at most once per
 * {@link #ALERT_EVERY} each; they are never given to a hook themselves.
 */
final class HookSink implements AutoCloseable {

	/** The least time between two alerts of one kind for one receiver. */
	static final Duration ALERT_EVERY = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(HookSink.class);

	/** How often an idle consumer wakes to report drops. */
	private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Receiver receiver;

	private final HooksProperties.Policy policy;

	private final DeliveryQueue<HookEvent> queue;

	private final Consumer<ControlEvent> alerts;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Counter delivered;

	private final Counter failed;

	private final Counter rejected;

	private final Counter droppedMeter;

	private final Thread thread;

	private final AtomicLong sequence = new AtomicLong();

	private volatile boolean closing;

	private long droppedReported;

	private @Nullable Instant lastFailedAlert;

	private @Nullable Instant lastDroppedAlert;

	/**
	 * @param alerts where the sink's own alerts go (the event bus)
	 */
	HookSink(Receiver receiver, HooksProperties.Policy policy, Consumer<ControlEvent> alerts, MeterRegistry meters,
			Clock clock) {
		this.receiver = receiver;
		this.policy = policy;
		this.queue = new DeliveryQueue<>(policy.queueCapacity());
		this.alerts = alerts;
		this.clock = clock;
		this.meters = meters;
		Tags sink = Tags.of("sink", receiver.kind());
		this.delivered = events(sink, "delivered");
		this.failed = events(sink, "failed");
		this.rejected = events(sink, "rejected");
		this.droppedMeter = events(sink, "dropped");
		Gauge.builder("syncookied.hooks.queue", this.queue, DeliveryQueue::size)
			.description("Events waiting for a hook or webhook")
			.tags(sink)
			.register(meters);
		this.thread = new Thread(this::run, "hook-" + receiver.kind());
		this.thread.setDaemon(true);
	}

	private Counter events(Tags sink, String result) {
		return Counter.builder("syncookied.hooks.events")
			.description("Events a hook or webhook got, gave up on, or lost to a full queue")
			.tags(sink.and("result", result))
			.register(this.meters);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * Queues the event with this receiver's next sequence number if it wants its type; never blocks. The event bus
	 * calls its listeners one event at a time, so the numbers are queued in order.
	 */
	void offer(HookEvent event) {
		if (this.policy.events().contains(event.type())) {
			if (this.queue.offer(event.numbered(this.sequence.incrementAndGet()))) {
				this.droppedMeter.increment(); // lock-free: the publisher's thread is never held up
			}
		}
	}

	String kind() {
		return this.receiver.kind();
	}

	/** Events lost to a full queue so far. */
	long dropped() {
		return this.queue.dropped();
	}

	private void run() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				HookEvent event = this.queue.poll(IDLE_NANOS);
				reportDrops();
				if (event != null) {
					deliver(event);
				}
				else if (this.closing) {
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			// closing, and the drain took too long
		}
		int left = this.queue.size();
		if (left > 0) {
			log.warn("Hook {} {}: {} event(s) not delivered at shutdown", this.receiver.kind(), this.receiver.name(),
					left);
		}
	}

	private void deliver(HookEvent event) throws InterruptedException {
		for (int attempt = 1;; attempt++) {
			Attempt result = this.receiver.attempt(event);
			this.meters.counter("syncookied.hooks.attempts", "sink", this.receiver.kind(), "outcome",
					result.outcome().tag()).increment();
			if (result.delivered()) {
				this.delivered.increment();
				if (attempt > 1) {
					log.info("Hook {} {}: {} delivered at attempt {}", this.receiver.kind(), this.receiver.name(),
							event.summary(), attempt);
				}
				return;
			}
			boolean last = !result.retryable() || attempt > this.policy.retries() || this.closing;
			if (!last) {
				Duration wait = backoff(this.policy, attempt);
				log.warn("Hook {} {}: {} attempt {} of {} failed ({}), again in {} ms", this.receiver.kind(),
						this.receiver.name(), event.summary(), attempt, this.policy.retries() + 1, result.detail(),
						wait.toMillis());
				Thread.sleep(wait.toMillis());
				continue;
			}
			(result.retryable() ? this.failed : this.rejected).increment();
			String why = this.receiver.kind() + " " + this.receiver.name() + ": " + event.summary() + " given up after "
					+ attempt + " attempt(s): " + result.detail();
			log.error("Hook {}", why);
			this.lastFailedAlert = alert(AlertKind.HOOK_FAILED, this.lastFailedAlert, why);
			return;
		}
	}

	private void reportDrops() {
		long dropped = this.queue.dropped();
		if (dropped == this.droppedReported) {
			return;
		}
		long fresh = dropped - this.droppedReported;
		Instant before = this.lastDroppedAlert;
		Instant now = this.clock.instant();
		if (before != null && now.isBefore(before.plus(ALERT_EVERY))) {
			return; // counted on the meter at once; the alert and the log line come at most once per ALERT_EVERY
		}
		this.droppedReported = dropped;
		String why = this.receiver.kind() + " " + this.receiver.name() + ": " + fresh
				+ " event(s) dropped, the queue of " + this.policy.queueCapacity() + " being full (the oldest go first)";
		log.error("Hook {}", why);
		this.lastDroppedAlert = alert(AlertKind.HOOK_DROPPED, null, why);
	}

	/** Publishes the alert unless one of its kind went out less than {@link #ALERT_EVERY} ago; when it last went. */
	private @Nullable Instant alert(AlertKind kind, @Nullable Instant last, String message) {
		Instant now = this.clock.instant();
		if (last != null && now.isBefore(last.plus(ALERT_EVERY))) {
			return last;
		}
		this.alerts.accept(new ControlEvent.Alert(now, kind, null, message));
		return now;
	}

	/** The wait after failed attempt {@code n} (from 1): {@code backoff * 2^(n-1)}, at most {@code backoffMax}. */
	static Duration backoff(HooksProperties.Policy policy, int n) {
		Duration wait = policy.backoff();
		for (int i = 1; i < n && wait.compareTo(policy.backoffMax()) < 0; i++) {
			wait = wait.multipliedBy(2);
		}
		return (wait.compareTo(policy.backoffMax()) <= 0) ? wait : policy.backoffMax();
	}

	/** Takes no more retries, and ends the thread once the queue is empty. */
	void finish() {
		this.closing = true;
		this.queue.wake();
	}

	/**
	 * Stops: what is queued still gets one attempt each (no retries) for up to {@code drain}, so the events of a
	 * shutdown (hosts restored) reach the receiver; then an attempt in flight is abandoned, its script killed.
	 */
	void close(Duration drain) {
		finish();
		try {
			this.thread.join(drain.toMillis());
			if (this.thread.isAlive()) {
				this.thread.interrupt();
				this.thread.join(TimeUnit.SECONDS.toMillis(5));
			}
		}
		catch (InterruptedException ex) {
			this.thread.interrupt();
			Thread.currentThread().interrupt();
		}
		this.receiver.close();
	}

	@Override
	public void close() {
		close(Duration.ZERO.plusMillis(1));
	}

}

package io.syncookied.controlplane.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Retries, backoff, giving up, dropping and alerting of one sink, with a receiver scripted by the test. */
@Timeout(60)
class HookSinkTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final List<ControlEvent> alerts = new CopyOnWriteArrayList<>();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));

	private HookSink sink;

	@AfterEach
	void close() {
		if (this.sink != null) {
			this.sink.close();
		}
	}

	@Test
	void aFailedAttemptIsRetriedAfterADoublingBackoffUntilItIsDelivered() {
		Scripted receiver = new Scripted(Attempt.Outcome.ERROR, Attempt.Outcome.TIMEOUT, Attempt.Outcome.OK);
		this.sink = sink(receiver, policy(3, 1000));
		this.sink.offer(event(1));
		await().atMost(Duration.ofSeconds(20)).until(() -> count("delivered") == 1);
		assertThat(receiver.attempts).hasSize(3);
		// 50 ms then 100 ms: the gaps are at least the backoff (never asserted from above: the machine may be slow)
		assertThat(receiver.attempts.get(1) - receiver.attempts.get(0)).isGreaterThanOrEqualTo(ms(50));
		assertThat(receiver.attempts.get(2) - receiver.attempts.get(1)).isGreaterThanOrEqualTo(ms(100));
		assertThat(attempts("error")).isEqualTo(1);
		assertThat(attempts("timeout")).isEqualTo(1);
		assertThat(attempts("ok")).isEqualTo(1);
		assertThat(this.alerts).isEmpty();
	}

	@Test
	void theBackoffDoublesUpToItsMaximum() {
		HooksProperties.Policy p = new HooksProperties.Policy(Duration.ofSeconds(1), 100, Duration.ofSeconds(1),
				Duration.ofSeconds(30), 10, Set.of(HookEventType.STATE));
		assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 100).stream().map(n -> HookSink.backoff(p, n).toSeconds()).toList())
			.containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
	}

	@Test
	void anEventStillFailingAfterItsRetriesIsGivenUpWithOneAlertAMinuteAndTheNextOneIsTried() {
		Scripted receiver = new Scripted(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR, Attempt.Outcome.ERROR,
				Attempt.Outcome.ERROR, Attempt.Outcome.OK);
		this.sink = sink(receiver, policy(1, 1000));
		this.sink.offer(event(1));
		this.sink.offer(event(2));
		this.sink.offer(event(3));
		await().atMost(Duration.ofSeconds(20)).until(() -> count("delivered") == 1);
		assertThat(count("failed")).isEqualTo(2);
		assertThat(receiver.events).containsExactly(1L, 1L, 2L, 2L, 3L);
		assertThat(this.alerts).singleElement().satisfies(a -> {
			ControlEvent.Alert alert = (ControlEvent.Alert) a;
			assertThat(alert.kind()).isEqualTo(AlertKind.HOOK_FAILED);
			assertThat(alert.message()).isEqualTo(
					"scripted test: state #1 2001:db8::10 UNPROTECTED->DIVERTING given up after 2 attempt(s): answer 2");
		});
		// a minute later the next failure is alerted again
		this.clock.advance(HookSink.ALERT_EVERY);
		receiver.then(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR);
		this.sink.offer(event(4));
		await().atMost(Duration.ofSeconds(20)).until(() -> this.alerts.size() == 2);
	}

	@Test
	void aRejectedEventIsNotRetried() {
		Scripted receiver = new Scripted(Attempt.Outcome.REJECTED, Attempt.Outcome.OK);
		this.sink = sink(receiver, policy(5, 1000));
		this.sink.offer(event(1));
		this.sink.offer(event(2));
		await().atMost(Duration.ofSeconds(20)).until(() -> count("delivered") == 1);
		assertThat(count("rejected")).isEqualTo(1);
		assertThat(receiver.events).containsExactly(1L, 2L);
		assertThat(this.alerts).singleElement()
			.satisfies(a -> assertThat(((ControlEvent.Alert) a).kind()).isEqualTo(AlertKind.HOOK_FAILED));
	}

	@Test
	void onlyTheChosenTypesAreQueued() {
		Scripted receiver = new Scripted(Attempt.Outcome.OK, Attempt.Outcome.OK);
		this.sink = sink(receiver, new HooksProperties.Policy(Duration.ofSeconds(1), 0, Duration.ofMillis(10),
				Duration.ofMillis(10), 10, Set.of(HookEventType.ALERT)));
		this.sink.offer(event(1));
		this.sink.offer(new HookEvent("a", 2, HookEventType.ALERT, "n",
				new ControlEvent.Alert(this.clock.instant(), AlertKind.FAIL_OPEN, null, "worker gone")));
		await().atMost(Duration.ofSeconds(20)).until(() -> count("delivered") == 1);
		assertThat(receiver.events).containsExactly(1L); // numbered per receiver: no gap for a type it does not take
	}

	@Test
	void aStuckReceiverNeverHoldsUpThePublisherAndAFullQueueDropsTheOldestCountedAndAlerted() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Scripted receiver = new Scripted(Attempt.Outcome.OK) {
			@Override
			public Attempt attempt(HookEvent event) throws InterruptedException {
				if (event.sequence() == 1) {
					this.inFlight = true;
					release.await();
				}
				return super.attempt(event);
			}
		};
		receiver.then(new Attempt.Outcome[100]);
		this.sink = sink(receiver, new HooksProperties.Policy(Duration.ofSeconds(1), 0, Duration.ofMillis(10),
				Duration.ofMillis(10), 5, Set.of(HookEventType.STATE)));
		this.sink.offer(event(1));
		await().atMost(Duration.ofSeconds(20)).until(() -> receiver.inFlight);
		for (long i = 2; i <= 10_001; i++) {
			this.sink.offer(event(i)); // returns at once while the receiver is stuck
		}
		assertThat(this.sink.dropped()).isEqualTo(10_000 - 5);
		assertThat(this.meters.get("syncookied.hooks.events").tag("result", "dropped").counter().count())
			.isEqualTo(10_000 - 5);
		assertThat(this.meters.get("syncookied.hooks.queue").gauge().value()).isEqualTo(5);
		release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> count("delivered") == 6);
		// the newest five are delivered: the oldest were dropped
		assertThat(receiver.events).containsExactly(1L, 9997L, 9998L, 9999L, 10_000L, 10_001L);
		await().atMost(Duration.ofSeconds(20)).until(() -> !this.alerts.isEmpty());
		assertThat(this.alerts).singleElement().satisfies(a -> {
			ControlEvent.Alert alert = (ControlEvent.Alert) a;
			assertThat(alert.kind()).isEqualTo(AlertKind.HOOK_DROPPED);
			assertThat(alert.message()).isEqualTo(
					"scripted test: 9995 event(s) dropped, the queue of 5 being full (the oldest go first)");
		});
	}

	@Test
	void closingGivesWhatIsQueuedOneAttemptEach() {
		CountDownLatch release = new CountDownLatch(1);
		Scripted receiver = new Scripted(Attempt.Outcome.OK, Attempt.Outcome.ERROR, Attempt.Outcome.OK) {
			@Override
			public Attempt attempt(HookEvent event) throws InterruptedException {
				if (event.sequence() == 1) {
					release.await();
				}
				return super.attempt(event);
			}
		};
		this.sink = sink(receiver, policy(5, 1000));
		this.sink.offer(event(1));
		this.sink.offer(event(2));
		this.sink.offer(event(3));
		this.sink.finish();
		release.countDown();
		this.sink.close(Duration.ofSeconds(20));
		assertThat(receiver.events).containsExactly(1L, 2L, 3L);
		assertThat(count("delivered")).isEqualTo(2);
		assertThat(count("failed")).isEqualTo(1);
	}

	@Test
	void closingAbandonsAnAttemptThatOutlastsTheDrain() {
		Scripted receiver = new Scripted(Attempt.Outcome.OK) {
			@Override
			public Attempt attempt(HookEvent event) throws InterruptedException {
				this.inFlight = true;
				Thread.sleep(TimeUnit.MINUTES.toMillis(10));
				return super.attempt(event);
			}
		};
		this.sink = sink(receiver, policy(0, 10));
		this.sink.offer(event(1));
		await().atMost(Duration.ofSeconds(20)).until(() -> receiver.inFlight);
		long start = System.nanoTime();
		this.sink.close(Duration.ofMillis(200));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		assertThat(receiver.closed).isTrue();
	}

	private HookSink sink(Receiver receiver, HooksProperties.Policy policy) {
		HookSink s = new HookSink(receiver, policy, this.alerts::add, this.meters, this.clock);
		s.start();
		return s;
	}

	private static HooksProperties.Policy policy(int retries, long backoffMaxMillis) {
		return new HooksProperties.Policy(Duration.ofSeconds(1), retries, Duration.ofMillis(50),
				Duration.ofMillis(backoffMaxMillis), 1000, Set.of(HookEventType.STATE));
	}

	private double count(String result) {
		return this.meters.get("syncookied.hooks.events").tag("result", result).counter().count();
	}

	private double attempts(String outcome) {
		return this.meters.get("syncookied.hooks.attempts").tag("outcome", outcome).counter().count();
	}

	private static long ms(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

	static HookEvent event(long sequence) {
		return new HookEvent("id-" + sequence, sequence, HookEventType.STATE, "n", new ControlEvent.StateChanged(
				Instant.parse("2026-12-03T12:00:00Z"), "2001:db8::10", "UNPROTECTED", "DIVERTING", "test", null));
	}

	/** Answers with the given outcomes in turn (OK once they run out), recording when and what it was asked. */
	static class Scripted implements Receiver {

		final List<Long> attempts = new CopyOnWriteArrayList<>();

		final List<Long> events = new CopyOnWriteArrayList<>();

		volatile boolean inFlight;

		volatile boolean closed;

		private final Queue<Attempt.Outcome> outcomes = new ArrayDeque<>();

		Scripted(Attempt.Outcome... outcomes) {
			then(outcomes);
		}

		synchronized void then(Attempt.Outcome... more) {
			for (Attempt.Outcome o : more) {
				this.outcomes.add((o != null) ? o : Attempt.Outcome.OK);
			}
		}

		@Override
		public String kind() {
			return "scripted";
		}

		@Override
		public String name() {
			return "test";
		}

		@Override
		public Attempt attempt(HookEvent event) throws InterruptedException {
			this.inFlight = true;
			this.attempts.add(System.nanoTime());
			this.events.add(event.sequence());
			Attempt.Outcome o;
			synchronized (this) {
				o = (this.outcomes.isEmpty()) ? Attempt.Outcome.OK : this.outcomes.poll();
			}
			return new Attempt(o, "answer " + this.attempts.size());
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

}

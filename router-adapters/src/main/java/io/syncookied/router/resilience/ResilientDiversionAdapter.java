package io.syncookied.router.resilience;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps any {@link DiversionAdapter} with, per target (keyed by {@link RouterTarget#name()}):
 * retry with exponential backoff (transient failures only) around a circuit breaker around a
 * bulkhead around a Resilience4j time limiter. Each attempt runs on this class's own worker threads so that a hung
 * device can be abandoned at the deadline; the caller still blocks (use {@code boundedElastic}).
 *
 * <p>Metrics: timer {@code syncookied.router.operation} (tags target, adapter, operation, outcome),
 * and Resilience4j's tagged {@code resilience4j.circuitbreaker.*} (state, calls),
 * {@code resilience4j.retry.*}, {@code resilience4j.bulkhead.*} and {@code resilience4j.timelimiter.*} meters.
 */
public final class ResilientDiversionAdapter implements DiversionAdapter, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ResilientDiversionAdapter.class);

	private final DiversionAdapter delegate;

	private final MeterRegistry meters;

	private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

	private final RetryRegistry retries = RetryRegistry.ofDefaults();

	private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();

	private final TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();

	private final Map<String, Guards> guards = new ConcurrentHashMap<>();

	private final ExecutorService workers;

	public ResilientDiversionAdapter(DiversionAdapter delegate, MeterRegistry meters) {
		this.delegate = delegate;
		this.meters = meters;
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(this.breakers).bindTo(meters);
		TaggedRetryMetrics.ofRetryRegistry(this.retries).bindTo(meters);
		TaggedBulkheadMetrics.ofBulkheadRegistry(this.bulkheads).bindTo(meters);
		TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(this.timeLimiters).bindTo(meters);
		AtomicInteger n = new AtomicInteger();
		ThreadFactory tf = r -> {
			Thread t = new Thread(r, "router-call-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
		this.workers = Executors.newCachedThreadPool(tf);
	}

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		log.info("{}: divert {} ({})", target.name(), IpAddresses.text(ip), tag.render());
		return call(target, "divert", () -> this.delegate.divert(ip, firewallMac, target, tag));
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		log.info("{}: restore {}", target.name(), IpAddresses.text(ip));
		return call(target, "restore", () -> this.delegate.restore(ip, target));
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		return call(target, "list", () -> this.delegate.listDiversions(target));
	}

	/** Health is not retried and does not feed the breaker; the breaker state is part of the answer. */
	@Override
	public TargetHealth health(RouterTarget target) {
		Guards g = guards(target);
		long start = System.nanoTime();
		TargetHealth h;
		try {
			h = withTimeout(target, g, () -> this.delegate.health(target));
		}
		catch (DiversionException ex) {
			h = new TargetHealth(target.name(), false, ex.getMessage(), Duration.ofNanos(System.nanoTime() - start));
		}
		CircuitBreaker.State state = g.breaker.getState();
		if (state != CircuitBreaker.State.CLOSED) {
			return new TargetHealth(h.target(), h.healthy(), h.detail() + " (circuit " + state + ")", h.latency());
		}
		return h;
	}

	/** The breaker's state for a target, for status pages; CLOSED for a target never used. */
	public CircuitBreaker.State breakerState(RouterTarget target) {
		return guards(target).breaker.getState();
	}

	private <T> T call(RouterTarget target, String op, Callable<T> body) {
		Guards g = guards(target);
		Timer.Sample sample = Timer.start(this.meters);
		String outcome = "success";
		try {
			Callable<T> attempt = () -> {
				try {
					return g.breaker.executeCallable(() -> withBulkhead(target, g, body));
				}
				catch (CallNotPermittedException ex) {
					throw new DiversionException.CircuitOpen(target.name(),
							"too many recent failures; next trial after " + target.resilience().openWait());
				}
			};
			return Retry.decorateCallable(g.retry, attempt).call();
		}
		catch (DiversionException ex) {
			outcome = ex.kind();
			log.warn("{}: {} failed: {}", target.name(), op, ex.getMessage());
			throw ex;
		}
		catch (IllegalArgumentException ex) {
			outcome = "invalid";
			throw ex;
		}
		catch (Exception ex) {
			outcome = "unreachable";
			throw new DiversionException.Unreachable(target.name(), String.valueOf(ex), ex);
		}
		finally {
			sample.stop(Timer.builder("syncookied.router.operation")
				.description("Router adapter calls, including retries and read-back")
				.tag("target", target.name())
				.tag("adapter", target.adapter())
				.tag("operation", op)
				.tag("outcome", outcome)
				.register(this.meters));
		}
	}

	private <T> T withBulkhead(RouterTarget target, Guards g, Callable<T> body) {
		try {
			return g.bulkhead.executeCallable(() -> withTimeout(target, g, body));
		}
		catch (BulkheadFullException ex) {
			throw new DiversionException.Busy(target.name(), target.resilience().maxConcurrent()
					+ " call(s) already in progress for " + target.resilience().timeout());
		}
		catch (DiversionException | IllegalArgumentException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new DiversionException.Unreachable(target.name(), String.valueOf(ex), ex);
		}
	}

	private <T> T withTimeout(RouterTarget target, Guards g, Callable<T> body) {
		try {
			// Resilience4j cancels (interrupts) the attempt at the deadline; adapters also bound their own I/O.
			return g.timeLimiter.executeFutureSupplier(() -> this.workers.submit(body));
		}
		catch (TimeoutException ex) {
			throw new DiversionException.TimedOut(target.name(),
					"no answer within " + target.resilience().timeout() + "; the device state is unknown, read it back",
					ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof DiversionException d) {
				throw d;
			}
			throw new DiversionException.Unreachable(target.name(), String.valueOf(ex.getCause()), ex.getCause());
		}
		catch (DiversionException | IllegalArgumentException ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new DiversionException.Unreachable(target.name(), String.valueOf(ex), ex);
		}
	}

	private Guards guards(RouterTarget target) {
		return this.guards.compute(target.name(), (name, old) -> {
			if (old != null && old.settings.equals(target.resilience())) {
				return old;
			}
			if (old != null) {
				this.breakers.remove(name);
				this.retries.remove(name);
				this.bulkheads.remove(name);
				this.timeLimiters.remove(name);
			}
			return create(name, target.resilience());
		});
	}

	private Guards create(String name, ResilienceSettings s) {
		CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
			.failureRateThreshold(s.failureRateThreshold())
			.minimumNumberOfCalls(s.minimumCalls())
			.slidingWindowSize(Math.max(s.minimumCalls(), 10))
			.waitDurationInOpenState(s.openWait())
			.permittedNumberOfCallsInHalfOpenState(1)
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			// A device that says "no" is up; only failures to talk to it count against it.
			.ignoreExceptions(DiversionException.Rejected.class)
			.build();
		RetryConfig retry = RetryConfig.custom()
			.maxAttempts(s.maxAttempts())
			.intervalFunction(IntervalFunction.ofExponentialBackoff(s.backoff(), 2.0))
			.retryOnException(ex -> ex instanceof DiversionException d && d.isTransient())
			.failAfterMaxAttempts(false)
			.build();
		BulkheadConfig bh = BulkheadConfig.custom()
			.maxConcurrentCalls(s.maxConcurrent())
			.maxWaitDuration(s.timeout())
			.build();
		TimeLimiterConfig tl = TimeLimiterConfig.custom().timeoutDuration(s.timeout()).cancelRunningFuture(true).build();
		return new Guards(s, this.breakers.circuitBreaker(name, cb), this.retries.retry(name, retry),
				this.bulkheads.bulkhead(name, bh), this.timeLimiters.timeLimiter(name, tl));
	}

	private record Guards(ResilienceSettings settings, CircuitBreaker breaker, Retry retry, Bulkhead bulkhead,
			TimeLimiter timeLimiter) {
	}

	@Override
	public void close() {
		this.workers.shutdownNow();
	}

}

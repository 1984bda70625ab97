package io.syncookied.controlplane.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.supervision.WorkerSupervisor;

/**
 * The dataplane worker's meters: {@code syncookied.dataplane.up}, and every second the supervisor's latest
 * snapshot of the worker's counters into {@link DataplaneCounterMeters}.
 */
@Component
public final class DataplaneMetrics implements MeterBinder, DisposableBean {

	private final WorkerSupervisor supervisor;

	private @Nullable Disposable poller;

	public DataplaneMetrics(WorkerSupervisor supervisor) {
		this.supervisor = supervisor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("syncookied.dataplane.up", this.supervisor, s -> s.healthy() ? 1 : 0)
			.description("1 while the dataplane worker answers its heartbeat").register(registry);
		DataplaneCounterMeters counters = new DataplaneCounterMeters(registry);
		this.poller = Flux.interval(Duration.ofSeconds(1), Schedulers.parallel())
			.subscribe(t -> counters.update(this.supervisor.lastStatus()));
	}

	@Override
	public void destroy() {
		if (this.poller != null) {
			this.poller.dispose();
		}
	}

}

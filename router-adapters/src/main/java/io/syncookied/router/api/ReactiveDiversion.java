package io.syncookied.router.api;

import java.net.InetAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The SPI for reactive callers: each call is deferred to {@code Schedulers.boundedElastic()} (or the
 * given scheduler), so no SSH, NETCONF, SNMP, gRPC or process I/O runs on an event loop.
 */
public final class ReactiveDiversion {

	private final DiversionAdapter adapter;

	private final Scheduler scheduler;

	public ReactiveDiversion(DiversionAdapter adapter) {
		this(adapter, Schedulers.boundedElastic());
	}

	public ReactiveDiversion(DiversionAdapter adapter, Scheduler scheduler) {
		this.adapter = adapter;
		this.scheduler = scheduler;
	}

	public Mono<Diversion> divert(InetAddress ip, @Nullable MacAddress mac, RouterTarget target, OverrideTag tag) {
		return Mono.fromCallable(() -> this.adapter.divert(ip, mac, target, tag)).subscribeOn(this.scheduler);
	}

	public Mono<Boolean> restore(InetAddress ip, RouterTarget target) {
		return Mono.fromCallable(() -> this.adapter.restore(ip, target)).subscribeOn(this.scheduler);
	}

	public Mono<List<Diversion>> listDiversions(RouterTarget target) {
		return Mono.fromCallable(() -> this.adapter.listDiversions(target)).subscribeOn(this.scheduler);
	}

	public Mono<TargetHealth> health(RouterTarget target) {
		return Mono.fromCallable(() -> this.adapter.health(target)).subscribeOn(this.scheduler);
	}

}

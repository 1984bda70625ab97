package io.syncookied.router.api;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.syncookied.router.DiversionVendors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every reactive call runs the blocking adapter on boundedElastic, never on the subscriber's thread. */
class ReactiveDiversionTest {

	@Test
	void blockingCallsRunOnBoundedElastic() throws Exception {
		AtomicReference<String> thread = new AtomicReference<>();
		DiversionAdapter blocking = new DiversionAdapter() {
			@Override
			public Diversion divert(InetAddress ip, MacAddress mac, RouterTarget target, OverrideTag tag) {
				thread.set(Thread.currentThread().getName());
				return Diversion.neighbour(ip, mac, null);
			}

			@Override
			public boolean restore(InetAddress ip, RouterTarget target) {
				thread.set(Thread.currentThread().getName());
				return true;
			}

			@Override
			public List<Diversion> listDiversions(RouterTarget target) {
				thread.set(Thread.currentThread().getName());
				return List.of();
			}

			@Override
			public TargetHealth health(RouterTarget target) {
				thread.set(Thread.currentThread().getName());
				return new TargetHealth(target.name(), true, "ok", java.time.Duration.ZERO);
			}
		};
		RouterTarget t = DiversionVendors.load().parse("t", Map.of("adapter", "linux", "dev", "r1"));
		ReactiveDiversion r = new ReactiveDiversion(blocking);
		InetAddress ip = IpAddresses.parse("ip", "10.0.2.10");
		r.divert(ip, MacAddress.parse("m", "02:00:00:00:02:03"), t, OverrideTag.operator()).block();
		assertThat(thread.get()).startsWith("boundedElastic-");
		thread.set(null);
		r.restore(ip, t).block();
		assertThat(thread.get()).startsWith("boundedElastic-");
		thread.set(null);
		r.listDiversions(t).block();
		assertThat(thread.get()).startsWith("boundedElastic-");
		thread.set(null);
		r.health(t).block();
		assertThat(thread.get()).startsWith("boundedElastic-");
		assertThat(Path.of(".")).exists();
	}

}

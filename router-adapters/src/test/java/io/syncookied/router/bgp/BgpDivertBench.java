package io.syncookied.router.bgp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.DivertTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark: divert to read-back (the route in gobgpd's adj-rib-out towards a real bird2 router) through a real
 * gobgpd ({@link DivertTimer} says how to run it).
 */
class BgpDivertBench {

	@BeforeAll
	static void lab() throws Exception {
		GobgpdBirdTest.start();
	}

	@AfterAll
	static void teardown() {
		GobgpdBirdTest.stop();
	}

	@Test
	void divertToReadBack() {
		RouterTarget t = GobgpdBirdTest.target(1);
		try (ResilientDiversionAdapter adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry())) {
			DivertTimer.run("bgp", 5, 50, new DivertTimer.Round() {
				@Override
				public void divert() {
					adapter.divert(GobgpdBirdTest.SERVER, null, t, GobgpdBirdTest.TAG);
				}

				@Override
				public void restore() {
					adapter.restore(GobgpdBirdTest.SERVER, t);
				}
			});
		}
	}

}

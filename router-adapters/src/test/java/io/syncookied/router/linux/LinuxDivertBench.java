package io.syncookied.router.linux;

import java.util.Map;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.testing.DivertTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Benchmark: divert to read-back on a real Linux router in a netns ({@link DivertTimer} says how to run it). */
class LinuxDivertBench {

	@BeforeAll
	static void lab() {
		LinuxNetnsTest.lab();
	}

	@AfterAll
	static void teardown() {
		LinuxNetnsTest.teardown();
	}

	@Test
	void divertToReadBack() {
		RouterTarget t = DiversionVendors.load().parse("bench",
				Map.of("adapter", "linux", "netns", LinuxNetnsTest.lab.router, "dev", "r1"));
		DivertTimer.run("linux", 5, 50, new DivertTimer.Round() {
			@Override
			public void divert() {
				LinuxNetnsTest.adapter.divert(LinuxNetnsTest.SERVER, LinuxNetnsTest.FIREWALL, t);
			}

			@Override
			public void restore() {
				LinuxNetnsTest.adapter.restore(LinuxNetnsTest.SERVER, t);
			}
		});
	}

}

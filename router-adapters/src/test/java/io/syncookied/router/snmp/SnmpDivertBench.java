package io.syncookied.router.snmp;

import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.testing.DivertTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark: divert to read-back against a real net-snmp snmpd whose pass script changes the router namespace's ARP
 * table ({@link DivertTimer} says how to run it).
 */
class SnmpDivertBench {

	@BeforeAll
	static void start() throws Exception {
		SnmpNetSnmpdTest.start();
	}

	@AfterAll
	static void stop() throws Exception {
		SnmpNetSnmpdTest.stop();
	}

	@Test
	void divertToReadBack() {
		RouterTarget t = SnmpNetSnmpdTest.v2c();
		DivertTimer.run("snmp-v2c", 3, 30, new DivertTimer.Round() {
			@Override
			public void divert() {
				SnmpNetSnmpdTest.adapter.divert(SnmpNetSnmpdTest.SERVER, SnmpNetSnmpdTest.FIREWALL, t);
			}

			@Override
			public void restore() {
				SnmpNetSnmpdTest.adapter.restore(SnmpNetSnmpdTest.SERVER, t);
			}
		});
	}

}

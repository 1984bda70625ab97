package io.syncookied.router.junos;

import java.nio.file.Path;

import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.testing.DivertTimer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark: divert to read-back over NETCONF/SSH against the Junos-shaped server that answers with recorded Junos
 * replies ({@link DivertTimer} says how to run it). The device answers at once: this is the adapter's own share
 * (SSH session, lock, load, commit confirmed, read-back, commit, unlock), not a real router's commit time.
 */
class JunosDivertBench {

	@TempDir
	Path dir;

	@Test
	void divertToReadBack() throws Exception {
		JunosNetconfTest setup = new JunosNetconfTest();
		setup.dir = this.dir;
		setup.start();
		try {
			RouterTarget t = setup.target();
			DivertTimer.run("junos-netconf", 3, 30, new DivertTimer.Round() {
				@Override
				public void divert() {
					setup.adapter.divert(JunosNetconfTest.IP, JunosNetconfTest.FW, t, JunosNetconfTest.TAG);
				}

				@Override
				public void restore() {
					setup.adapter.restore(JunosNetconfTest.IP, t);
				}
			});
		}
		finally {
			setup.stop();
		}
	}

}

package io.syncookied.router.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.syncookied.router.junos.FakeJunosAccess;
import io.syncookied.router.snmp.SimulatedArpDeviceAccess;
import io.syncookied.router.snmp.SnmpTarget;
import io.syncookied.router.testing.BgpLab;
import io.syncookied.router.testing.RouterLab;
import io.syncookied.router.testing.Shell;
import io.syncookied.router.testing.SshKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator CLI as an operator runs it: bin/syncookied-router around the shaded jar. */
class RouterCliIT {

	record Run(int rc, String out, String err) {
	}

	static Run cli(String... args) throws Exception {
		List<String> argv = new ArrayList<>(List.of("bin/syncookied-router"));
		argv.addAll(List.of(args));
		Process p = new ProcessBuilder(argv).start();
		p.getOutputStream().close();
		if (!p.waitFor(60, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("CLI hung: " + argv);
		}
		return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
				new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	@Test
	void linuxDivertListCheckRestoreOnARealRouterNamespace() throws Exception {
		Shell.requireRoot("CLI against a Linux router netns");
		try (RouterLab lab = RouterLab.create()) {
			String[] target = { "--adapter", "linux", "--netns", lab.router, "--dev", "r1" };
			Run d = cli(concat(new String[] { "divert" }, target, "--ip", "10.0.2.10", "--mac", "02:00:00:00:02:03"));
			assertThat(d.rc()).as(d.err()).isZero();
			assertThat(d.out()).isEqualTo("diverted 10.0.2.10 02:00:00:00:02:03\n");
			assertThat(lab.whoAnswers()).isEqualTo("firewall");

			Run l = cli(concat(new String[] { "list" }, target));
			assertThat(l.rc()).isZero();
			assertThat(l.out()).isEqualTo("10.0.2.10 02:00:00:00:02:03\n");

			Run c = cli(concat(new String[] { "check" }, target));
			assertThat(c.rc()).isZero();
			assertThat(c.out()).startsWith("ok linux:" + lab.router + ":r1: 1 diversions in ");

			Run r = cli(concat(new String[] { "restore" }, target, "--ip", "10.0.2.10"));
			assertThat(r.rc()).isZero();
			assertThat(r.out()).isEqualTo("restored 10.0.2.10\n");
			assertThat(lab.whoAnswers()).isEqualTo("server");
			assertThat(cli(concat(new String[] { "list" }, target)).out()).isEmpty();

			Run bad = cli("divert", "--adapter", "linux", "--netns", lab.router, "--dev", "nosuch0", "--ip", "10.0.2.10",
					"--mac", "02:00:00:00:02:03", "--attempts", "1");
			assertThat(bad.rc()).isEqualTo(1);
			assertThat(bad.err()).isEqualTo("syncookied-router: linux:" + lab.router
					+ ":nosuch0: rejected by device: Cannot find device \"nosuch0\"\n");
			assertThat(bad.out()).isEmpty();
		}
	}

	@Test
	void bgpThroughTheShadedJarsVendorRegistryAgainstRealGobgpdAndBird() throws Exception {
		Shell.requireRoot("CLI against gobgpd and a bird2 router");
		Shell.requireCommand("CLI against gobgpd", "gobgpd");
		Shell.requireCommand("CLI against bird2", "bird");
		try (BgpLab lab = BgpLab.create()) {
			lab.awaitSessions(30_000);
			String[] target = { "--adapter", "bgp", "--api", lab.api(1), "--neighbor", BgpLab.routerAddress(1),
				"--next-hop6", BgpLab.scrubberAddress6(1), "--communities", "no-export," + BgpLab.SCRUB };
			Run d = cli(concat(new String[] { "divert" }, target, "--ip", BgpLab.SERVER_IP));
			assertThat(d.rc()).as(d.err()).isZero();
			assertThat(d.out()).isEqualTo("diverted 10.0.2.10 via 10.1.1.2 communities no-export,65000:666\n");
			lab.awaitFib(BgpLab.SERVER_IP, java.util.Set.of(BgpLab.scrubberAddress(1)), 5_000);
			assertThat(cli(concat(new String[] { "list" }, target)).out())
				.isEqualTo("10.0.2.10 via 10.1.1.2 communities no-export,65000:666\n");
			Run c = cli(concat(new String[] { "check" }, target));
			assertThat(c.rc()).as(c.err()).isZero();
			assertThat(c.out()).startsWith("ok bgp:10.1.1.1: session to 10.1.1.1 ESTABLISHED (hold time 3 s), 1 "
					+ "diversions in ");
			Run r = cli(concat(new String[] { "restore" }, target, "--ip", BgpLab.SERVER_IP));
			assertThat(r.out()).isEqualTo("restored 10.0.2.10\n");
			lab.awaitFib(BgpLab.SERVER_IP, java.util.Set.of(), 5_000);
		}
	}

	@Test
	void snmpFlagsAgainstAnSnmpDevice() throws Exception {
		try (SimulatedArpDeviceAccess dev = new SimulatedArpDeviceAccess(SnmpTarget.Mode.PHYSICAL)) {
			String[] target = { "--adapter", "snmp", "--host", "127.0.0.1:" + dev.port(), "--community", "private",
					"--mode", "physical", "--ifindex", "7" };
			Run d = cli(concat(new String[] { "divert" }, target, "--ip", "10.0.2.10", "--mac", "02:00:00:00:02:03"));
			assertThat(d.rc()).as(d.err()).isZero();
			assertThat(dev.mac(7, "10.0.2.10")).isEqualTo("02:00:00:00:02:03");
			assertThat(cli(concat(new String[] { "list" }, target)).out()).isEqualTo("10.0.2.10 02:00:00:00:02:03\n");
			assertThat(cli(concat(new String[] { "restore" }, target, "--ip", "10.0.2.10")).rc()).isZero();
			assertThat(dev.mac(7, "10.0.2.10")).isNull();
		}
	}

	@Test
	void junosFlagsAgainstANetconfDevice(@TempDir Path dir) throws Exception {
		KeyPair kp = SshKeys.generate();
		Path key = SshKeys.write(kp, dir, "id_ecdsa");
		try (FakeJunosAccess dev = new FakeJunosAccess(kp.getPublic())) {
			String[] target = { "--adapter", "junos", "--host", "127.0.0.1:" + dev.port(), "--user", "syncookied",
					"--key", key.toString(), "--host-key-sha256", dev.hostKeySha256(), "--interface", "irb.0",
					"--subnet", "10.0.2.1/24" };
			Run d = cli(concat(new String[] { "divert" }, target, "--ip", "10.0.2.10", "--mac", "02:00:00:00:02:03",
					"--mitigation", "m-7"));
			assertThat(d.rc()).as(d.err()).isZero();
			assertThat(dev.committed()).containsEntry("10.0.2.10", "02:00:00:00:02:03");
			assertThat(dev.rpcs()).anyMatch(r -> r.contains("<log>syncookied owner=operator mitigation=m-7 reason=manual</log>"));
			assertThat(cli(concat(new String[] { "list" }, target)).out()).isEqualTo("10.0.2.10 02:00:00:00:02:03\n");
			assertThat(cli(concat(new String[] { "restore" }, target, "--ip", "10.0.2.10")).rc()).isZero();
			assertThat(dev.committed()).isEmpty();
		}
	}

	@Test
	void usageErrorsExitTwoWithOneLine() throws Exception {
		Run r = cli("divert", "--adapter", "linux", "--dev", "r1", "--ip", "10.0.2.10", "--mac", "zz");
		assertThat(r.rc()).isEqualTo(2);
		assertThat(r.err()).isEqualTo("syncookied-router: --mac: 'zz' is not a MAC address (aa:bb:cc:dd:ee:ff)\n");
		Run s = cli("list", "--adapter", "snmp", "--host", "127.0.0.1", "--community", "x", "--mode", "media");
		assertThat(s.rc()).isEqualTo(2);
		assertThat(s.err()).isEqualTo("syncookied-router: --ifindex: required\n");
		Run u = cli("frobnicate");
		assertThat(u.rc()).isEqualTo(2);
		assertThat(u.err().lines()).hasSize(1);
	}

	private static String[] concat(String[] a, String[] b, String... c) {
		List<String> l = new ArrayList<>(List.of(a));
		l.addAll(List.of(b));
		l.addAll(List.of(c));
		return l.toArray(String[]::new);
	}

}

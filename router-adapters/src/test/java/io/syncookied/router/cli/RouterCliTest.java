package io.syncookied.router.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.linux.LinuxTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument handling and exit codes, with a recording adapter (the real devices are in RouterCliIT). */
class RouterCliTest {

	final List<String> calls = new ArrayList<>();

	final DiversionAdapter recording = new DiversionAdapter() {
		@Override
		public Diversion divert(InetAddress ip, MacAddress mac, RouterTarget t, OverrideTag tag) {
			RouterCliTest.this.calls.add("divert " + t.name() + " " + ip.getHostAddress() + " " + mac + " " + tag.render());
			return Diversion.neighbour(ip, mac, null);
		}

		@Override
		public boolean restore(InetAddress ip, RouterTarget t) {
			RouterCliTest.this.calls.add("restore " + t.name());
			throw new DiversionException.Rejected(t.name(), "Cannot find device \"x\"\nsecond line", false);
		}

		@Override
		public List<Diversion> listDiversions(RouterTarget t) {
			RouterCliTest.this.calls.add("list " + t.name() + " " + ((LinuxTarget) t).dev());
			return List.of(Diversion.neighbour(IpAddresses.parse("ip", "10.0.2.10"), MacAddress.parse("m", "02:00:00:00:02:03"),
					null));
		}

		@Override
		public TargetHealth health(RouterTarget t) {
			return new TargetHealth(t.name(), false, "unreachable: no route", Duration.ZERO);
		}
	};

	record Result(int rc, String out, String err) {
	}

	Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int rc = RouterCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), DiversionVendors.load(), this.recording);
		return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void targetFromTheConfigFile(@TempDir Path dir) throws Exception {
		Path f = Files.writeString(dir.resolve("routers.yml"),
				"targets:\n  - {name: a, adapter: linux, dev: r1}\n  - {name: b, adapter: linux, dev: r2}\n");
		Result r = run("list", "--config", f.toString(), "--target", "b");
		assertThat(r.rc()).isZero();
		assertThat(r.out()).isEqualTo("10.0.2.10 02:00:00:00:02:03\n");
		assertThat(this.calls).containsExactly("list b r2");

		Result missing = run("list", "--config", f.toString(), "--target", "c");
		assertThat(missing.rc()).isEqualTo(2);
		assertThat(missing.err()).isEqualTo("syncookied-router: --target: no target named 'c' in " + f + "\n");

		Result both = run("list", "--config", f.toString(), "--target", "a", "--dev", "r9");
		assertThat(both.rc()).isEqualTo(2);
		assertThat(both.err()).isEqualTo("syncookied-router: --config and target flags (--dev) are exclusive\n");
	}

	@Test
	void divertPassesTheTag() {
		Result r = run("divert", "--adapter", "linux", "--dev", "r1", "--ip", "10.0.2.10", "--mac=02:00:00:00:02:03",
				"--owner", "noc", "--reason", "ticket 42", "--mitigation", "m-9");
		assertThat(r.rc()).isZero();
		assertThat(this.calls).containsExactly(
				"divert linux:r1 10.0.2.10 02:00:00:00:02:03 syncookied owner=noc mitigation=m-9 reason=ticket 42");
	}

	@Test
	void failuresAreOneLine() {
		Result r = run("restore", "--adapter", "linux", "--dev", "r1", "--ip", "10.0.2.10", "--attempts", "1");
		assertThat(r.rc()).isEqualTo(1);
		assertThat(r.err()).isEqualTo("syncookied-router: linux:r1: rejected by device: Cannot find device \"x\" second line\n");
		Result c = run("check", "--adapter", "linux", "--dev", "r1");
		assertThat(c.rc()).isEqualTo(1);
		assertThat(c.err()).isEqualTo("syncookied-router: unreachable: no route\n");
		Result m = run("divert", "--adapter", "linux", "--dev", "r1", "--ip", "10.0.2.10");
		assertThat(m.rc()).isEqualTo(2);
		assertThat(m.err()).isEqualTo("syncookied-router: --mac: required\n");
		Result v = run("list", "--adapter");
		assertThat(v.rc()).isEqualTo(2);
		assertThat(v.err()).isEqualTo("syncookied-router: --adapter: missing value\n");
	}

	@Test
	void theControlPlanesOwnConfigurationIsATargetsFileToo(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("routers.yml"), "targets:\n  - {name: edge, adapter: linux, dev: r1}\n");
		Path cp = Files.writeString(dir.resolve("controlplane.yml"), """
				server:
				  port: 8080
				syncookied:
				  routers:
				    default-target: edge
				    targets-file: routers.yml
				    targets:
				      - name: inline
				        adapter: linux
				        dev: r2
				""");
		assertThat(run("list", "--config", cp.toString(), "--target", "edge").rc()).isZero();
		assertThat(run("list", "--config", cp.toString(), "--target", "inline").rc()).isZero();
		assertThat(this.calls).containsExactly("list edge r1", "list inline r2");

		Path twice = Files.writeString(dir.resolve("twice.yml"),
				"syncookied:\n  routers:\n    targets-file: routers.yml\n    targets: [{name: edge, adapter: linux, dev: r3}]\n");
		Result dup = run("list", "--config", twice.toString(), "--target", "edge");
		assertThat(dup.rc()).isEqualTo(2);
		assertThat(dup.err()).contains("target name 'edge' is used twice");

		Path none = Files.writeString(dir.resolve("none.yml"), "syncookied:\n  api:\n    admin-tokens: []\n");
		Result empty = run("list", "--config", none.toString(), "--target", "edge");
		assertThat(empty.rc()).isEqualTo(2);
		assertThat(empty.err()).contains("without syncookied.routers");
	}

	@Test
	void helpAndVersionAnswerOnStdoutWithExitZeroAndTouchNoDevice() {
		for (String flag : List.of("--help", "-h", "help")) {
			Result h = run(flag);
			assertThat(h.rc()).as(flag).isZero();
			assertThat(h.err()).isEmpty();
			assertThat(h.out()).startsWith("usage: syncookied-router check|list|divert|restore")
				.contains("commands:", "  divert ", "  restore ", "--config FILE --target NAME", "exit status:");
			for (String vendor : DiversionVendors.load().names()) {
				assertThat(h.out()).contains("  " + vendor + ": ");
			}
		}
		Result v = run("--version");
		assertThat(v.rc()).isZero();
		assertThat(v.out()).startsWith("syncookied-router ");
		assertThat(this.calls).isEmpty();
	}

}

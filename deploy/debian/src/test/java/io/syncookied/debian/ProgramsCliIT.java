package io.syncookied.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every program the packages install answers {@code --help} and {@code --version} with exit 0 on stdout, quickly,
 * and with no side effect: run from an empty working directory, which stays empty (the control plane writes its
 * journal into the working directory when it starts, so an empty directory also shows that it did not start).
 * The launchers are the source tree's, which the packages install as /usr/bin/*.
 */
class ProgramsCliIT {

	private static final Path ROOT = Deb.sourceRoot();

	record Program(String name, Path launcher) {
	}

	static List<Program> programs() {
		return List.of(new Program("syncookied-dp", ROOT.resolve("dataplane-native/target/native/syncookied-dp")),
				new Program("syncookied-agent", ROOT.resolve("host-agent/bin/syncookied-agent")),
				new Program("syncookied-router", ROOT.resolve("router-adapters/bin/syncookied-router")),
				new Program("syncookied-controlplane", ROOT.resolve("control-plane/bin/syncookied-controlplane")));
	}

	@Test
	void versionIsTheProjectVersionOnStdout(@TempDir Path cwd) throws IOException {
		String version = Deb.named("syncookied-agent").field("Version").replace('~', '-');
		for (Program p : programs()) {
			Command c = inEmptyDir(cwd, p.launcher().toString(), "--version");
			assertThat(c.exit()).as(p.name() + " --version: " + c.err()).isZero();
			assertThat(c.out()).as(p.name()).startsWith(p.name() + " " + version + "\n");
			assertThat(c.err()).as(p.name()).isEmpty();
			assertNothingWritten(cwd, p.name());
		}
	}

	@Test
	void helpIsRealHelpOnStdout(@TempDir Path cwd) throws IOException {
		for (Program p : programs()) {
			for (String flag : List.of("--help", "-h")) {
				Command c = inEmptyDir(cwd, p.launcher().toString(), flag);
				assertThat(c.exit()).as(p.name() + " " + flag + ": " + c.err()).isZero();
				assertThat(c.out()).as(p.name() + " " + flag).startsWith("usage: " + p.name()).contains("--version");
				assertThat(c.out().lines().count()).as(p.name() + " " + flag + " is more than a usage line").isGreaterThan(4);
				assertThat(c.err()).as(p.name()).isEmpty();
				assertNothingWritten(cwd, p.name());
			}
		}
	}

	@Test
	void subcommandHelpToo(@TempDir Path cwd) throws IOException {
		Path dp = programs().get(0).launcher();
		Command run = inEmptyDir(cwd, dp.toString(), "run", "--help");
		assertThat(run.exit()).isZero();
		assertThat(run.out()).startsWith("usage: syncookied-dp run").contains("--control-socket-group");
		Command profile = inEmptyDir(cwd, programs().get(1).launcher().toString(), "tcp-profile", "--help");
		assertThat(profile.exit()).as(profile.err()).isZero();
		assertThat(profile.out()).contains("usage: syncookied-agent tcp-profile");
		assertNothingWritten(cwd, "subcommands");
	}

	/** The program alone, in cwd, with a minimal environment: no tokens, no config, nothing inherited. */
	private static Command inEmptyDir(Path cwd, String... argv) {
		List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH"), "HOME=" + cwd, "sh",
				"-c", "cd \"$0\" && exec \"$@\"", cwd.toString()));
		cmd.addAll(List.of(argv));
		return Command.run(cmd, Map.of(), Duration.ofSeconds(60));
	}

	private static void assertNothingWritten(Path cwd, String who) throws IOException {
		try (Stream<Path> left = Files.list(cwd)) {
			assertThat(left.toList()).as(who + " wrote into its working directory").isEmpty();
		}
	}

}

package io.syncookied.controlplane.startup;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.ControlPlaneApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real entry point in its own JVM: a failed start ends the process with a non-zero code and one ERROR line,
 * even when the agents' receiver (a non-daemon event loop) was already running when the web server could not bind.
 */
class StartFailureProcessTest {

	@TempDir
	Path dir;

	record Exit(int code, String output) {
	}

	private Exit run(String... args) throws Exception {
		// the test JVM's class path (under Surefire, a jar whose manifest lists every entry) holds the application
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ControlPlaneApplication.class.getName(),
				"--syncookied.protection.journal=" + this.dir.resolve("state.journal"),
				"--syncookied.hosts.file=" + this.dir.resolve("hosts.yml")));
		command.addAll(List.of(args));
		Path log = this.dir.resolve("out.log");
		Process p = new ProcessBuilder(command).directory(this.dir.toFile()).redirectErrorStream(true)
			.redirectOutput(log.toFile()).start();
		if (!p.waitFor(3, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new AssertionError("the control plane did not exit after a failed start:\n" + Files.readString(log));
		}
		return new Exit(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
	}

	@Test
	void aPortInUseEndsTheProcessWithOneLineEvenWithTheReceiverRunning() throws Exception {
		byte[] key = new byte[32];
		Path keyFile = this.dir.resolve("agent.key");
		Files.write(keyFile, key);
		keyFile.toFile().setReadable(false, false);
		keyFile.toFile().setReadable(true, true);
		keyFile.toFile().setWritable(false, false);
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Exit exit = run("--server.port=" + taken.getLocalPort(), "--syncookied.telemetry.enabled=true",
					"--syncookied.telemetry.bind=127.0.0.1", "--syncookied.telemetry.port=0",
					"--syncookied.telemetry.keys[0].id=1", "--syncookied.telemetry.keys[0].host=web1",
					"--syncookied.telemetry.keys[0].file=" + keyFile);
			assertThat(exit.output()).contains("Telemetry receiver listening");
			assertThat(exit.code()).isEqualTo(1);
			assertThat(exit.output().lines().filter(l -> l.contains(" ERROR ")))
				.singleElement().asString().contains("Cannot start: server.port: port " + taken.getLocalPort());
			assertThat(exit.output()).doesNotContain("\tat ");
		}
	}

	@Test
	void aBadTokenExitsWithTheConfigurationCode() throws Exception {
		Exit exit = run("--server.port=0", "--syncookied.api.read-tokens[0]=tiny-secret");
		assertThat(exit.code()).isEqualTo(StartFailure.EX_CONFIG);
		assertThat(exit.output()).contains("Cannot start: syncookied.api.read-tokens[0]: a token must have")
			.doesNotContain("tiny-secret").doesNotContain("\tat ");
	}

}

package io.syncookied.controlplane.startup;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.syncookied.controlplane.ControlPlaneApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starts that fail, in process: each is reported as exactly one ERROR line naming the setting at fault, with no
 * stack trace and no secret, and maps to exit code 78 (a setting) or 1.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartFailureTest {

	@TempDir
	Path dir;

	private Throwable start(String... args) {
		List<String> all = new ArrayList<>(List.of("--syncookied.protection.journal=" + this.dir.resolve("state.journal"),
				"--syncookied.hosts.file=" + this.dir.resolve("hosts.yml")));
		all.addAll(List.of(args));
		if (all.stream().noneMatch(a -> a.startsWith("--server.port="))) {
			all.add("--server.port=0");
		}
		Throwable failure = catchThrowable(() -> SpringApplication.run(ControlPlaneApplication.class,
				all.toArray(String[]::new)).close());
		assertThat(failure).as("the start fails").isNotNull();
		return failure;
	}

	private static String theOneErrorLine(CapturedOutput output) {
		List<String> errors = output.getAll().lines().filter(l -> l.contains(" ERROR ")).toList();
		assertThat(errors).hasSize(1);
		assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("APPLICATION FAILED TO START");
		return errors.get(0);
	}

	@Test
	void aTooShortTokenNamesItsSettingAndNeverShowsIt(CapturedOutput output) {
		Throwable failure = start("--syncookied.api.admin-tokens[0]=s3cr3t-short");
		assertThat(theOneErrorLine(output)).endsWith("Cannot start: syncookied.api.admin-tokens[0]: a token must have at "
				+ "least 16 characters; this one has 12 (the value is not shown). Set a token of at least 16 visible "
				+ "ASCII characters, e.g. from 'openssl rand -hex 24'");
		assertThat(output.getAll()).doesNotContain("s3cr3t");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aValueOfTheWrongTypeNamesTheProperty(CapturedOutput output) {
		Throwable failure = start("--syncookied.telemetry.port=abc");
		assertThat(theOneErrorLine(output)).contains("Cannot start: syncookied.telemetry.port: cannot be bound (was 'abc')");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aValueOutOfRangeNamesThePropertyAndTheRule(CapturedOutput output) {
		Throwable failure = start("--syncookied.telemetry.port=70000");
		assertThat(theOneErrorLine(output))
			.contains("Cannot start: syncookied.telemetry.port: must be less than or equal to 65535 (was '70000')");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aCrossFieldCheckNamesItsProperty(CapturedOutput output) {
		Throwable failure = start("--syncookied.protection.pickup-window=2h");
		assertThat(theOneErrorLine(output)).contains("Cannot start: syncookied.protection.pickup-window: ");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aDataplaneTuningTheWorkerWouldRefuseNamesItsProperty(CapturedOutput output) {
		Throwable failure = start("--syncookied.dataplane.xsk-ring=3000");
		assertThat(theOneErrorLine(output)).contains(
				"Cannot start: syncookied.dataplane.xsk-ring: 3000 is not a power of two from 64 to 32768. Fix it");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aBadHostsFileNamesFileLineAndField(CapturedOutput output) throws Exception {
		Files.writeString(this.dir.resolve("hosts.yml"), "- ip: 10.0.2.10\n  mac: 02:00:00:00:02:zz\n");
		Throwable failure = start();
		assertThat(theOneErrorLine(output)).contains("Cannot start: syncookied.hosts.file: ")
			.contains(this.dir.resolve("hosts.yml") + ":2: hosts[0].mac");
		assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_CONFIG);
	}

	@Test
	void aPortInUseNamesServerPort(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Throwable failure = start("--server.port=" + taken.getLocalPort());
			assertThat(theOneErrorLine(output))
				.contains("Cannot start: server.port: port " + taken.getLocalPort() + " is already in use.");
			assertThat(StartFailure.exitCode(failure)).isEqualTo(StartFailure.EX_SOFTWARE);
		}
	}

}

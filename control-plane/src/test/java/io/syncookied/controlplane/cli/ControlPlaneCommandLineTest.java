package io.syncookied.controlplane.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which command lines the control plane answers itself (the jar's own run: deploy/debian ProgramsCliIT). */
class ControlPlaneCommandLineTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private OptionalInt answer(String... args) {
		return ControlPlaneCommandLine.answer(args, new PrintStream(this.out, true, StandardCharsets.UTF_8));
	}

	@Test
	void helpAndVersionAreAnsweredWithExitZero() {
		assertThat(answer("--help")).hasValue(0);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("usage: syncookied-controlplane")
			.contains("Exit status: 0 stopped; 78", "SYNCOOKIED_API_ADMIN_TOKEN", "server.address:server.port");
		this.out.reset();
		assertThat(answer("-h")).hasValue(0);
		this.out.reset();
		assertThat(answer("--version")).hasValue(0);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("syncookied-controlplane ");
	}

	@Test
	void everythingElseGoesToTheApplication() {
		assertThat(answer()).isEmpty();
		assertThat(answer("--server.port=9090")).isEmpty();
		assertThat(answer("--help", "--server.port=9090")).isEmpty();
		assertThat(answer("--spring.config.additional-location=file:/etc/syncookied/controlplane.yml")).isEmpty();
		assertThat(this.out.size()).isZero();
	}

}

package io.syncookied.controlplane;

import java.util.OptionalInt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.syncookied.controlplane.cli.ControlPlaneCommandLine;
import io.syncookied.controlplane.startup.StartFailure;

/** The Syncookied control plane: REST API, detection, protection state machine, supervision, metrics. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ControlPlaneApplication {

	/**
	 * Answers {@code --help} and {@code --version} without starting anything. Exits non-zero when the start fails
	 * (after the one-line report): threads started before the failure (the telemetry receiver's event loop,
	 * schedulers) must not keep a half-started process alive.
	 */
	public static void main(String[] args) {
		OptionalInt answered = ControlPlaneCommandLine.answer(args, System.out);
		if (answered.isPresent()) {
			System.exit(answered.getAsInt());
		}
		try {
			SpringApplication.run(ControlPlaneApplication.class, args);
		}
		catch (Throwable failure) {
			System.exit(StartFailure.exitCode(failure));
		}
	}

}

package io.syncookied.controlplane.cli;

import java.io.PrintStream;
import java.util.OptionalInt;

/**
 * The arguments the control plane answers itself, before Spring starts: {@code --help} and {@code --version} print
 * and exit 0 with no server, no journal and no file written. Every other argument is a Spring Boot setting
 * ({@code --name=value}) and goes to the application.
 */
public final class ControlPlaneCommandLine {

	static final String USAGE = """
			usage: syncookied-controlplane [--spring.config.additional-location=file:/etc/syncookied/controlplane.yml]
			                               [--NAME=VALUE ...]
			       syncookied-controlplane --help | --version
			       (or java -jar syncookied-controlplane.jar with the same arguments)

			Runs the control plane: the REST API and metrics on server.address:server.port (default 127.0.0.1:8080),
			the telemetry receiver of the host agents (syncookied.telemetry.*, UDP), flood detection, the protection
			state machine with its journal (syncookied.protection.journal), router diversion
			(syncookied.routers.*) and the dataplane worker's supervision (syncookied.dataplane.*).

			Every setting is a Spring Boot property: a line in the YAML file above, --NAME=VALUE here, or an
			environment variable (syncookied.dataplane.iface = SYNCOOKIED_DATAPLANE_IFACE). API tokens:
			SYNCOOKIED_API_ADMIN_TOKEN and SYNCOOKIED_API_READ_TOKEN. The settings and their defaults: docs/operations.md,
			"Control plane" (installed in /usr/share/doc/syncookied-control-plane/).

			Signals: SIGHUP re-reads the hosts file (a bad file keeps the previous hosts); SIGTERM stops, leaving the
			dataplane worker forwarding.
			Exit status: 0 stopped; 78 a setting is wrong (one log line names it); 1 any other start failure.""";

	private ControlPlaneCommandLine() {
	}

	/**
	 * Answers {@code --help} / {@code -h} and {@code --version} when they are the only argument.
	 *
	 * @return the exit status if the command line was answered here; empty when the application must start
	 */
	public static OptionalInt answer(String[] args, PrintStream out) {
		if (args.length != 1) {
			return OptionalInt.empty();
		}
		switch (args[0]) {
			case "--help", "-h" -> out.println(USAGE);
			case "--version" -> out.println(version());
			default -> {
				return OptionalInt.empty();
			}
		}
		return OptionalInt.of(0);
	}

	/** "syncookied-controlplane VERSION", the version from the jar's manifest (Implementation-Version). */
	static String version() {
		String v = ControlPlaneCommandLine.class.getPackage().getImplementationVersion();
		return "syncookied-controlplane " + ((v != null) ? v : "(development build)");
	}

}

package io.syncookied.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one program to its end and keeps what it printed; the tests judge packages by real tools' answers. */
record Command(int exit, String out, String err) {

	static Command run(List<String> argv) {
		return run(argv, Map.of(), Duration.ofMinutes(5));
	}

	static Command run(String... argv) {
		return run(List.of(argv));
	}

	static Command run(List<String> argv, Map<String, String> env, Duration timeout) {
		try {
			Path out = Files.createTempFile("cmd", ".out");
			Path err = Files.createTempFile("cmd", ".err");
			try {
				ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile())
					.redirectError(err.toFile())
					.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
				pb.environment().putAll(env);
				Process p = pb.start();
				if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					p.destroyForcibly().waitFor();
					throw new AssertionError(argv + " did not end within " + timeout + ": "
							+ Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
				}
				return new Command(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
						Files.readString(err, StandardCharsets.UTF_8));
			}
			finally {
				Files.deleteIfExists(out);
				Files.deleteIfExists(err);
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot run " + argv, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted: " + argv, e);
		}
	}

	/** This command, which must have exited 0. */
	Command ok() {
		if (this.exit != 0) {
			throw new AssertionError("exit " + this.exit + "\nstdout: " + this.out + "\nstderr: " + this.err);
		}
		return this;
	}

	String all() {
		return this.out + this.err;
	}

	static boolean exists(String program) {
		return run("sh", "-c", "command -v " + program).exit() == 0;
	}

}

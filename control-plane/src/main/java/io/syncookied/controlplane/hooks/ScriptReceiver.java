package io.syncookied.controlplane.hooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.syncookied.controlplane.logging.LogText;

/**
 * Runs the operator's executable once per attempt: the event's JSON on stdin, a few {@code SYNCOOKIED_*} variables,
 * and nothing of the control plane's own environment (its API tokens stay there). stdin and stderr are files in a
 * private spool directory, not pipes, so no thread waits on the script's streams and a child it leaves behind holding
 * them open cannot hold up the next attempt. An attempt past the timeout is killed with everything it started.
 */
final class ScriptReceiver implements Receiver {

	/** How much of stderr is kept for the log. */
	static final int STDERR_KEPT = 2048;

	/** The search path the script runs with. */
	static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private static final Duration KILL_GRACE = Duration.ofSeconds(1);

	private final Path script;

	private final Duration timeout;

	private final Path spool;

	ScriptReceiver(Path script, Duration timeout) {
		this.script = script;
		this.timeout = timeout;
		try {
			this.spool = Files.createTempDirectory("syncookied-hook-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (IOException ex) {
			throw new IllegalStateException(HooksProperties.Script.PREFIX
					+ ".path: cannot make a spool directory for its stdin and stderr: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String kind() {
		return "script";
	}

	@Override
	public String name() {
		return this.script.toString();
	}

	@Override
	public Attempt attempt(HookEvent event) throws InterruptedException {
		Path stdin = this.spool.resolve("event.json");
		Path stderr = this.spool.resolve("stderr");
		try {
			// new files each time: a child of an earlier attempt may still hold the old ones open
			Files.deleteIfExists(stdin);
			Files.deleteIfExists(stderr);
			Files.write(stdin, event.json());
		}
		catch (IOException ex) {
			return new Attempt(Attempt.Outcome.ERROR, "cannot write its stdin: " + ex.getMessage());
		}
		ProcessBuilder pb = new ProcessBuilder(this.script.toString()).directory(new File("/"))
			.redirectInput(stdin.toFile())
			.redirectOutput(Redirect.DISCARD)
			.redirectError(stderr.toFile());
		Map<String, String> env = pb.environment();
		env.clear();
		env.put("PATH", PATH);
		env.put("LANG", "C.UTF-8");
		env.putAll(event.environment());
		Process process;
		try {
			process = pb.start();
		}
		catch (IOException ex) {
			return new Attempt(Attempt.Outcome.ERROR, "cannot start: " + ex.getMessage());
		}
		boolean exited;
		try {
			exited = process.waitFor(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			kill(process);
			throw ex;
		}
		if (!exited) {
			kill(process);
			return new Attempt(Attempt.Outcome.TIMEOUT,
					"no exit within " + this.timeout.toMillis() + " ms: killed" + stderrOf(stderr));
		}
		int status = process.exitValue();
		return new Attempt((status == 0) ? Attempt.Outcome.OK : Attempt.Outcome.ERROR,
				"exit " + status + stderrOf(stderr));
	}

	/** SIGTERM to the script and every process it started, SIGKILL to those still alive a second later. */
	private static void kill(Process process) {
		List<ProcessHandle> children = process.descendants().toList(); // before the parent dies and they are orphaned
		process.destroy();
		children.forEach(ProcessHandle::destroy);
		try {
			if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

	/** "; stderr: ..." with the start of what the script wrote there, control characters escaped; "" if nothing. */
	static String stderrOf(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			byte[] head = in.readNBytes(STDERR_KEPT);
			if (head.length == 0) {
				return "";
			}
			long more = Math.max(0, Files.size(file) - head.length);
			String text = new String(head, StandardCharsets.UTF_8).strip();
			return "; stderr: " + LogText.escape(text) + ((more > 0) ? " ... (" + more + " bytes more)" : "");
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		try (Stream<Path> files = Files.walk(this.spool)) {
			files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			// a leftover temporary directory is harmless
		}
	}

}

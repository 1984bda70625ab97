package io.syncookied.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An installed unit's {@code ExecStart=} started the way systemd starts it, where no systemd runs: inside the installed
 * copy of the system (chroot), in a network namespace (with that namespace's /sys, so the program sees its own
 * interfaces), as the unit's {@code User=} and {@code Group=} with the user's other groups, with exactly its
 * {@code AmbientCapabilities=} (as inheritable, ambient and bounding sets) and no new privileges, RLIMIT_MEMLOCK at
 * systemd's default of 8 MiB, a clean environment of its {@code Environment=} and {@code EnvironmentFile=} settings
 * ({@code -} for an optional file), {@code $VAR} and {@code ${VAR}} expanded as systemd expands them, in its
 * {@code WorkingDirectory=}. Its output goes to a file, the journal's stand-in. The sandboxing settings (Protect*=,
 * SystemCallFilter=, RestrictAddressFamilies=) are not applied: systemd-analyze judges those on the installed files.
 */
final class UnitProcess implements AutoCloseable {

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)\\}");

	private final Unit unit;

	private final Process process;

	private final Path output;

	private UnitProcess(Unit unit, Process process, Path output) {
		this.unit = unit;
		this.process = process;
		this.output = output;
	}

	static UnitProcess start(OverlayRoot system, Unit unit, String netns) throws IOException {
		Map<String, String> env = environment(system, unit);
		String caps = setprivCapabilities(Unit.capabilities(String.join(" ", unit.all("AmbientCapabilities"))));
		List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns, "sh", "-c",
				"mount -t sysfs sysfs \"$0/sys\" && exec \"$@\"", system.root().toString(), "prlimit",
				"--memlock=8388608", "chroot", system.root().toString(), "setpriv", "--reuid=" + unit.one("User"),
				"--regid=" + unit.one("Group"), "--init-groups", "--inh-caps=" + caps, "--ambient-caps=" + caps,
				"--bounding-set=" + caps, "--no-new-privs", "env", "-i"));
		env.forEach((k, v) -> argv.add(k + "=" + v));
		argv.addAll(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"",
				unit.all("WorkingDirectory").isEmpty() ? "/" : unit.one("WorkingDirectory")));
		argv.addAll(command(unit.one("ExecStart"), env));
		Path output = Files.createTempFile(unit.name(), ".log");
		Process p = new ProcessBuilder(argv).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
			.start();
		return new UnitProcess(unit, p, output);
	}

	/** What the service printed so far. */
	String journal() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	boolean alive() {
		return this.process.isAlive();
	}

	/** The service's main process: the last of the exec chain, the one systemd would call $MAINPID. */
	long mainPid() {
		return this.process.pid();
	}

	@Override
	public String toString() {
		return this.unit.name() + " (" + (alive() ? "running" : "exited " + this.process.exitValue()) + "):\n" + journal();
	}

	/** SIGTERM as systemctl stop sends it, then SIGKILL after 20 s. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			Files.deleteIfExists(this.output);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Environment= assignments, then each EnvironmentFile= in order, later ones winning (as in systemd). */
	static Map<String, String> environment(OverlayRoot system, Unit unit) throws IOException {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin");
		env.put("LANG", "C.UTF-8");
		for (String line : unit.all("Environment")) {
			for (String assignment : words(line)) {
				put(env, assignment);
			}
		}
		for (String file : unit.all("EnvironmentFile")) {
			boolean optional = file.startsWith("-");
			Path p = system.path(optional ? file.substring(1) : file);
			if (!Files.exists(p)) {
				if (optional) {
					continue;
				}
				throw new AssertionError(unit.name() + ": EnvironmentFile " + file + " is missing");
			}
			for (String line : Files.readAllLines(p)) {
				String l = line.strip();
				if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith(";")) {
					List<String> w = words(l);
					put(env, String.join(" ", w));
				}
			}
		}
		return env;
	}

	private static void put(Map<String, String> env, String assignment) {
		int eq = assignment.indexOf('=');
		if (eq <= 0) {
			throw new AssertionError("not an assignment: " + assignment);
		}
		env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
	}

	/**
	 * ExecStart's words: a word that is exactly {@code $VAR} becomes the variable's value split at white space (none if
	 * it is empty or unset), and {@code ${VAR}} is replaced in place within its word (systemd.service, "Command
	 * lines").
	 */
	static List<String> command(String exec, Map<String, String> env) {
		List<String> out = new ArrayList<>();
		for (String w : words(exec)) {
			if (w.matches("\\$\\w+")) {
				String v = env.getOrDefault(w.substring(1), "").strip();
				if (!v.isEmpty()) {
					out.addAll(List.of(v.split("\\s+")));
				}
				continue;
			}
			Matcher m = VARIABLE.matcher(w);
			out.add(m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), ""))));
		}
		return out;
	}

	/** Words separated by white space, with double or single quotes around parts that hold it. */
	static List<String> words(String line) {
		List<String> out = new ArrayList<>();
		StringBuilder w = new StringBuilder();
		boolean inWord = false;
		char quote = 0;
		for (char c : line.toCharArray()) {
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				else {
					w.append(c);
				}
			}
			else if (c == '"' || c == '\'') {
				quote = c;
				inWord = true;
			}
			else if (Character.isWhitespace(c)) {
				if (inWord) {
					out.add(w.toString());
					w.setLength(0);
					inWord = false;
				}
			}
			else {
				w.append(c);
				inWord = true;
			}
		}
		if (quote != 0) {
			throw new AssertionError("unterminated quote in: " + line);
		}
		if (inWord) {
			out.add(w.toString());
		}
		return out;
	}

	/** setpriv's form of a capability list: "-all,+net_raw,+bpf", or "-all" for none. */
	static String setprivCapabilities(List<String> caps) {
		StringBuilder s = new StringBuilder("-all");
		for (String c : caps) {
			s.append(",+").append(c.substring(4).toLowerCase());
		}
		return s.toString();
	}

}

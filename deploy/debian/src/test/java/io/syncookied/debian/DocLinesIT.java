package io.syncookied.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines of the docs that quote what a program does, compared with what the program does: the flow table's memory
 * (from the worker's own --help, which prints the core's constants) and the agent's start line (from a real agent).
 */
class DocLinesIT {

	private static final Path ROOT = Deb.sourceRoot();

	/** Every Markdown file of docs/ and every README, and the shipped configuration examples. */
	private static List<Path> documents() throws IOException {
		List<Path> docs = new ArrayList<>();
		try (Stream<Path> files = Files.walk(ROOT, 3)) {
			files.filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
				.filter(f -> f.getFileName().toString().endsWith(".md") || f.startsWith(ROOT.resolve("deploy/config")))
				.filter(Files::isRegularFile)
				.forEach(docs::add);
		}
		return docs;
	}

	@Test
	void theFlowTablesMemoryInTheDocsIsWhatTheWorkerAllocates() throws IOException {
		String help = Command.run(ROOT.resolve("dataplane-native/target/native/syncookied-dp").toString(), "run", "--help")
			.ok()
			.out();
		Matcher m = Pattern
			.compile("\\(default (\\d+)\\);\\s+(\\d+) bytes each, allocated at start \\(default: (\\d+) MiB per worker\\)")
			.matcher(help);
		assertThat(m.find()).as(help).isTrue();
		long slots = Long.parseLong(m.group(1));
		long bytes = Long.parseLong(m.group(2));
		assertThat(Long.parseLong(m.group(3))).isEqualTo(slots * bytes >> 20);

		Pattern perSlot = Pattern.compile("(\\d+) bytes (?:per slot|each\\))");
		Pattern total = Pattern.compile("(?:2\\^20 slots = |slots per packet worker by default \\()(\\d+) MiB");
		Pattern defaultSlots = Pattern.compile("(\\d{6,}) slots per packet worker by default|flow-slots: (\\d+) ");
		int quoted = 0;
		for (Path doc : documents()) {
			List<String> lines = Files.readAllLines(doc);
			for (int i = 0; i < lines.size(); i++) {
				String where = ROOT.relativize(doc) + ":" + (i + 1) + ": " + lines.get(i);
				for (Matcher b = perSlot.matcher(lines.get(i)); b.find(); quoted++) {
					assertThat(Long.parseLong(b.group(1))).as(where).isEqualTo(bytes);
				}
				for (Matcher t = total.matcher(lines.get(i)); t.find(); quoted++) {
					assertThat(Long.parseLong(t.group(1)) << 20).as(where).isEqualTo(slots * bytes);
				}
				for (Matcher d = defaultSlots.matcher(lines.get(i)); d.find(); quoted++) {
					String n = (d.group(1) != null) ? d.group(1) : d.group(2);
					assertThat(Long.parseLong(n)).as(where).isEqualTo(slots);
				}
			}
		}
		// the runbook's sizing, limitations.md and the control-plane example at least
		assertThat(quoted).isGreaterThanOrEqualTo(5);
	}

	@Test
	void theAgentsStartLineInTheDocsIsTheOneItLogs(@TempDir Path dir) throws IOException {
		Path key = dir.resolve("agent.key");
		Files.writeString(key, "00".repeat(32));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
		Files.createDirectories(dir.resolve("proc"));
		Files.createDirectories(dir.resolve("sys"));
		Command agent = Command.run(List.of("timeout", "10", ROOT.resolve("host-agent/bin/syncookied-agent").toString(),
				"--proc-root", dir.resolve("proc").toString(), "--sys-root", dir.resolve("sys").toString(),
				"--control-plane", "127.0.0.1:9", "--key-id", "7", "--key-file", key.toString(), "--set-syncookies",
				"false"), Map.of(), Duration.ofSeconds(30));
		String logged = agent.all()
			.lines()
			.filter(l -> l.contains("syncookied-agent: reporting "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no start line in: " + agent.all()));

		String operations = docLine("docs/operations.md", "INFO syncookied-agent: reporting ").strip();
		assertThat(masked(logged)).as("docs/operations.md: " + operations).isEqualTo(masked(operations));

		String runbook = docLine("docs/runbook.md", "journalctl -u syncookied-agent");
		Matcher quoted = Pattern.compile("expected: \"([^\"]+)\"").matcher(runbook);
		assertThat(quoted.find()).as(runbook).isTrue();
		String regex = Pattern.quote(masked(quoted.group(1))).replace("...", "\\E.*\\Q");
		assertThat(masked(logged)).as("docs/runbook.md: " + runbook).containsPattern(regex);
	}

	private static String docLine(String doc, String containing) throws IOException {
		return Files.readAllLines(ROOT.resolve(doc))
			.stream()
			.filter(l -> l.contains(containing))
			.findFirst()
			.orElseThrow(() -> new AssertionError(doc + " has no line with " + containing));
	}

	/** The line's shape: bracketed lists, paths and addresses, and numbers stand for any of their kind. */
	private static String masked(String line) {
		return line.replaceAll("\\[[^\\]]*\\]", "[]").replaceAll("/\\S*", "/").replaceAll("\\d+", "0");
	}

}

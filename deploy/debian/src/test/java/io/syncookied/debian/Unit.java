package io.syncookied.debian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file's [Service] settings, as systemd reads them: continuation lines joined, comments dropped, a
 * setting given twice kept twice (an empty assignment resets a list in systemd; the tests only read settings that are
 * given once).
 */
record Unit(String name, Map<String, List<String>> service) {

	static Unit parse(String name, String text) {
		Map<String, List<String>> settings = new LinkedHashMap<>();
		String section = "";
		StringBuilder logical = new StringBuilder();
		for (String raw : text.split("\n", -1)) {
			String line = raw.strip();
			if (logical.isEmpty() && (line.startsWith("#") || line.startsWith(";"))) {
				continue;
			}
			if (line.endsWith("\\")) {
				logical.append(line, 0, line.length() - 1).append(' ');
				continue;
			}
			logical.append(line);
			String l = logical.toString().strip();
			logical.setLength(0);
			if (l.startsWith("[") && l.endsWith("]")) {
				section = l;
			}
			else if (section.equals("[Service]") && l.contains("=")) {
				int eq = l.indexOf('=');
				settings.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(l.substring(eq + 1).strip());
			}
		}
		return new Unit(name, settings);
	}

	String one(String key) {
		List<String> v = this.service.get(key);
		if (v == null || v.size() != 1) {
			throw new AssertionError(this.name + ": expected one " + key + "=, found " + v);
		}
		return v.get(0);
	}

	List<String> all(String key) {
		return this.service.getOrDefault(key, List.of());
	}

	/** The program an Exec*= line runs: its first word, without systemd's prefixes (-, @, :, +, !). */
	static String program(String exec) {
		String first = exec.strip().split("\\s+")[0];
		return first.replaceFirst("^[-@:+!]+", "");
	}

	/** The capabilities of a space-separated list ("CAP_NET_RAW CAP_BPF"), empty for none. */
	static List<String> capabilities(String value) {
		return value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
	}

}

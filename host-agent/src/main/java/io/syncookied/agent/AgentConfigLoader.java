package io.syncookied.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.syncookied.telemetry.AeadAlgorithm;

/**
 * Builds an {@link AgentConfig} from {@code --config FILE} (Java properties, same keys as the long flags) and
 * flags, which override the file. Unknown keys and flags are errors, so a typo never silently does nothing.
 */
public final class AgentConfigLoader {

	static final Set<String> KEYS = Set.of("proc-root", "sys-root", "control-plane", "bind", "key-id", "key-file", "algorithm",
			"previous-key-id", "previous-key-file", "interval", "secrets-poll", "set-syncookies", "interfaces",
			"hostname", "max-clock-skew");

	public static final String USAGE = """
			usage: syncookied-agent [--config FILE] [--proc-root DIR] [--sys-root DIR] --control-plane HOST:PORT[,HOST:PORT...] --key-id ID --key-file FILE
			                        [--interval 1s] [--set-syncookies true|false] [--interfaces eth0,eth1]
			                        [--algorithm chacha20-poly1305|aes-256-gcm] [--bind ADDR:PORT] [--hostname NAME]
			                        [--previous-key-id ID --previous-key-file FILE] [--secrets-poll 100ms]
			                        [--max-clock-skew 30s]
			Every flag may also be a line 'name=value' in the --config file; flags win.""";

	private AgentConfigLoader() {
	}

	public static AgentConfig load(String... args) throws IOException {
		Map<String, String> flags = new LinkedHashMap<>();
		String configFile = null;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("argument '" + arg + "': expected --name value");
			}
			String name = arg.substring(2);
			String value;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			else {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("--" + name + ": missing value");
				}
				value = args[++i];
			}
			if (name.equals("config")) {
				configFile = value;
			}
			else if (!KEYS.contains(name)) {
				throw new IllegalArgumentException("--" + name + ": unknown flag");
			}
			else {
				flags.put(name, value);
			}
		}
		Map<String, String> merged = new LinkedHashMap<>();
		if (configFile != null) {
			Properties props = new Properties();
			try (Reader r = Files.newBufferedReader(Path.of(configFile), StandardCharsets.UTF_8)) {
				props.load(r);
			}
			for (String key : props.stringPropertyNames()) {
				if (!KEYS.contains(key)) {
					throw new IllegalArgumentException(configFile + ": unknown key '" + key + "'");
				}
				merged.put(key, props.getProperty(key).trim());
			}
		}
		merged.putAll(flags);
		return fromMap(merged);
	}

	static AgentConfig fromMap(Map<String, String> m) {
		Path procRoot = Path.of(m.getOrDefault("proc-root", "/proc"));
		Path sysRoot = Path.of(m.getOrDefault("sys-root", "/sys"));
		List<AgentConfig.HostPort> cp = new ArrayList<>();
		for (String destination : required(m, "control-plane").split(",", -1)) {
			if (destination.isBlank()) {
				throw new IllegalArgumentException("control-plane: empty entry in '" + m.get("control-plane")
						+ "' (HOST:PORT, comma-separated)");
			}
			AgentConfig.HostPort hp = AgentConfig.HostPort.parse("control-plane", destination);
			if (hp.port() == 0) {
				throw new IllegalArgumentException("control-plane: port 0 is not a destination");
			}
			cp.add(hp);
		}
		AgentConfig.HostPort bind = AgentConfig.HostPort.parse("bind", m.getOrDefault("bind", "0.0.0.0:0"));
		long keyId = keyId("key-id", required(m, "key-id"));
		Path keyFile = Path.of(required(m, "key-file"));
		AeadAlgorithm alg = AeadAlgorithm.parse(m.getOrDefault("algorithm", "chacha20-poly1305"));
		Long prevId = m.containsKey("previous-key-id") ? keyId("previous-key-id", m.get("previous-key-id")) : null;
		Path prevFile = m.containsKey("previous-key-file") ? Path.of(m.get("previous-key-file")) : null;
		Duration interval = duration("interval", m.getOrDefault("interval", "1s"));
		Duration poll = duration("secrets-poll", m.getOrDefault("secrets-poll", "100ms"));
		boolean set = bool("set-syncookies", m.getOrDefault("set-syncookies", "false"));
		String ifs = m.getOrDefault("interfaces", "").trim();
		List<String> interfaces = ifs.isEmpty() ? List.of()
				: Arrays.stream(ifs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
		String hostname = m.get("hostname");
		Duration skew = duration("max-clock-skew", m.getOrDefault("max-clock-skew", "30s"));
		return new AgentConfig(procRoot, sysRoot, cp, bind, keyId, keyFile, alg, prevId, prevFile, interval, poll, set,
				interfaces, hostname, skew);
	}

	private static String required(Map<String, String> m, String key) {
		String v = m.get(key);
		if (v == null || v.isBlank()) {
			throw new IllegalArgumentException(key + ": required (flag --" + key + " or '" + key + "=' in the config file)");
		}
		return v;
	}

	static long keyId(String field, String value) {
		try {
			long id = Long.parseLong(value.trim());
			if (id < 0 || id > 0xffff_ffffL) {
				throw new NumberFormatException();
			}
			return id;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(field + ": expected 0..4294967295, got '" + value + "'");
		}
	}

	/** Accepts {@code 250ms}, {@code 1s}, {@code 2m}, or ISO-8601 ({@code PT1S}). */
	static Duration duration(String field, String value) {
		String v = value.trim().toLowerCase(java.util.Locale.ROOT);
		try {
			if (v.startsWith("pt")) {
				return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
			}
			if (v.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
			}
			if (v.endsWith("s")) {
				return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
			}
			if (v.endsWith("m")) {
				return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
			}
		}
		catch (RuntimeException ex) {
			// fall through to the error below
		}
		throw new IllegalArgumentException(field + ": expected a duration like 100ms, 1s or 2m, got '" + value + "'");
	}

	private static boolean bool(String field, String value) {
		return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "true", "yes", "1" -> true;
			case "false", "no", "0" -> false;
			default -> throw new IllegalArgumentException(field + ": expected true or false, got '" + value + "'");
		};
	}

}

package io.syncookied.router.api;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The keys of one target, as the CLI's flags ({@code --ifindex 3} is key {@code ifindex}) or one entry of the YAML
 * file; the same keys either way. Keys are matched ignoring case, {@code -} and {@code _}, so {@code if-index},
 * {@code ifIndex} and {@code ifindex} are one key. Vendors read their keys through the typed getters, and every
 * error names the bad field as {@code <path>.<key>} (or {@code --key} for the CLI).
 */
public final class TargetKeys {

	/** Keys every target takes: its name, its vendor and its resilience settings. */
	public static final Set<String> COMMON = Set.of("name", "adapter", "timeout", "attempts", "backoff",
			"failurerate", "minimumcalls", "openwait", "maxconcurrent");

	/** Keys of an SSH login, for vendors that use {@link #ssh}. */
	public static final Set<String> SSH = Set.of("host", "port", "user", "key", "knownhosts", "hostkeysha256",
			"insecureanyhostkey");

	/** Pass as {@code path} to get errors phrased as flags ({@code --ifindex: required}). */
	public static final String CLI_FLAGS = "--";

	private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]+");

	private final String path;

	private final Map<String, Object> values = new LinkedHashMap<>();

	private TargetKeys(String path, Map<String, ?> raw) {
		this.path = path;
		raw.forEach((k, v) -> {
			if (v != null) {
				this.values.put(normalise(k), v);
			}
		});
	}

	/** @param path prefixes error messages, e.g. {@code targets[2]}, or {@link #CLI_FLAGS} */
	public static TargetKeys of(String path, Map<String, ?> raw) {
		return new TargetKeys(path, raw);
	}

	/** The keys present, normalised. */
	public Set<String> present() {
		return this.values.keySet();
	}

	public boolean has(String key) {
		return this.values.containsKey(key);
	}

	public @Nullable String optional(String key) {
		Object v = this.values.get(key);
		if (v == null) {
			return null;
		}
		String s = String.valueOf(v).trim();
		return s.isEmpty() ? null : s;
	}

	public String required(String key) {
		String v = optional(key);
		if (v == null) {
			throw bad(key, "required");
		}
		return v;
	}

	/**
	 * A YAML list, or one comma- or space-separated string (the CLI's form); empty when absent. Spring binds a list
	 * inside a {@code Map<String, Object>} property as a map keyed {@code "0"}, {@code "1"}, ...: that is a list too.
	 */
	public List<String> list(String key) {
		Object v = this.values.get(key);
		List<String> out = new ArrayList<>();
		if (v instanceof Collection<?> c) {
			c.forEach(x -> out.add(String.valueOf(x).trim()));
		}
		else if (v instanceof Map<?, ?> m && !m.isEmpty()
				&& m.keySet().stream().allMatch(k -> String.valueOf(k).matches("\\d{1,4}"))) {
			new TreeMap<>(m.entrySet()
				.stream()
				.collect(Collectors.toMap(e -> Integer.parseInt(String.valueOf(e.getKey())), Map.Entry::getValue)))
				.values()
				.forEach(x -> out.add(String.valueOf(x).trim()));
		}
		else if (v instanceof Map<?, ?>) {
			throw bad(key, "expected a list, got a map");
		}
		else if (v != null) {
			for (String s : String.valueOf(v).split("[,\\s]+")) {
				out.add(s.trim());
			}
		}
		out.removeIf(String::isEmpty);
		return out;
	}

	public boolean bool(String key) {
		String v = optional(key);
		if (v == null) {
			return false;
		}
		return switch (v.toLowerCase(Locale.ROOT)) {
			case "true", "yes", "1" -> true;
			case "false", "no", "0" -> false;
			default -> throw bad(key, "expected true or false, got '" + v + "'");
		};
	}

	public int integer(String key, int dflt, int min, int max) {
		String v = optional(key);
		if (v == null) {
			return dflt;
		}
		int n;
		try {
			n = Integer.decode(v);
		}
		catch (NumberFormatException ex) {
			throw bad(key, "expected an integer, got '" + v + "'");
		}
		if (n < min || n > max) {
			throw bad(key, n + " is out of range [" + min + ", " + max + "]");
		}
		return n;
	}

	public Duration duration(String key, Duration dflt) {
		String v = optional(key);
		if (v == null) {
			return dflt;
		}
		Matcher m = DURATION.matcher(v);
		if (!m.matches()) {
			throw bad(key, "expected a duration such as 500ms, 10s or 2m, got '" + v + "'");
		}
		long n = Long.parseLong(m.group(1));
		String unit = m.group(2) == null ? "s" : m.group(2);
		Duration d = switch (unit) {
			case "ms" -> Duration.ofMillis(n);
			case "m" -> Duration.ofMinutes(n);
			case "h" -> Duration.ofHours(n);
			default -> Duration.ofSeconds(n);
		};
		if (d.isZero()) {
			throw bad(key, "must be greater than zero");
		}
		return d;
	}

	/** An IPv4 or IPv6 address literal, or {@code null} when absent. */
	public @Nullable InetAddress ip(String key) {
		String v = optional(key);
		if (v == null) {
			return null;
		}
		try {
			return IpAddresses.parse(key, v);
		}
		catch (IllegalArgumentException ex) {
			throw bad(key, "'" + v + "' is not an IPv4 or IPv6 address");
		}
	}

	/** An interface address in CIDR form, or {@code null} when absent. */
	public @Nullable IpPrefix prefix(String key) {
		String v = optional(key);
		if (v == null) {
			return null;
		}
		try {
			return IpPrefix.parse(key, v);
		}
		catch (IllegalArgumentException ex) {
			throw bad(key, "'" + v + "' is not an interface address such as 10.0.2.1/24 or 2001:db8:2::1/64");
		}
	}

	/** The target's name: the {@code name} key, or the vendor's default. */
	public String name(String fallback) {
		String n = optional("name");
		return n == null ? fallback : n;
	}

	/** Checks a value that becomes an argument of a device command (interface, netns): no spaces, no leading dash. */
	public void checkName(String key, String v) {
		if (!NAME.matcher(v).matches() || v.startsWith("-")) {
			throw bad(key, "'" + v + "' is not a valid name");
		}
	}

	public ResilienceSettings resilience() {
		ResilienceSettings d = ResilienceSettings.defaults();
		return new ResilienceSettings(duration("timeout", d.timeout()), integer("attempts", d.maxAttempts(), 1, 10),
				duration("backoff", d.backoff()), integer("failurerate", d.failureRateThreshold(), 1, 100),
				integer("minimumcalls", d.minimumCalls(), 1, 1000), duration("openwait", d.openWait()),
				integer("maxconcurrent", d.maxConcurrent(), 1, 64));
	}

	public record HostPort(String host, int port) {
	}

	/** {@code host} (name or address, optionally {@code :port}) and {@code port}. */
	public HostPort hostPort(int defaultPort) {
		String h = required("host");
		int port = integer("port", defaultPort, 1, 65535);
		int colon = h.lastIndexOf(':');
		if (colon > 0 && h.indexOf(':') == colon) {
			try {
				port = Integer.parseInt(h.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				throw bad("host", "'" + h + "': port is not a number");
			}
			if (port < 1 || port > 65535) {
				throw bad("host", "'" + h + "': port out of range");
			}
			h = h.substring(0, colon);
		}
		if (h.isEmpty() || !h.matches("[A-Za-z0-9_.:-]+")) {
			throw bad("host", "'" + h + "' is not a host name or address");
		}
		return new HostPort(h, port);
	}

	/** The {@link #SSH} keys as an endpoint (public-key login). */
	public SshEndpoint ssh(int defaultPort) {
		HostPort hp = hostPort(defaultPort);
		String key = required("key");
		String known = optional("knownhosts");
		String fp = optional("hostkeysha256");
		if (fp != null && !fp.startsWith("SHA256:")) {
			throw bad("hostkeysha256", "expected an OpenSSH fingerprint 'SHA256:...', got '" + fp + "'");
		}
		return new SshEndpoint(hp.host(), hp.port(), required("user"), Path.of(key),
				known == null ? null : Path.of(known), fp, bool("insecureanyhostkey"));
	}

	/** The error for a bad key: {@code <path>.<key>: <why>}, or {@code --<key>: <why>} for the CLI. */
	public IllegalArgumentException bad(String key, String why) {
		String where = this.path.equals(CLI_FLAGS) ? "--" + key : this.path + "." + key;
		return new IllegalArgumentException(where + ": " + why);
	}

	public static String normalise(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}

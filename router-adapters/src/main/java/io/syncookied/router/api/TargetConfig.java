package io.syncookied.router.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds {@link RouterTarget}s from flat key/value maps: the CLI's flags ({@code --ifindex 3} is
 * key {@code ifindex}) and the YAML file's entries are the same keys. Keys are matched ignoring
 * case, {@code -} and {@code _}, so {@code if-index}, {@code ifIndex} and {@code ifindex} are one key.
 * Every error names the bad field as {@code <path>.<key>}.
 */
public final class TargetConfig {

	private static final Set<String> COMMON = Set.of("name", "adapter", "timeout", "attempts", "backoff",
			"failurerate", "minimumcalls", "openwait", "maxconcurrent");

	private static final Set<String> SSH = Set.of("host", "port", "user", "key", "knownhosts", "hostkeysha256",
			"insecureanyhostkey");

	private static final Set<String> LINUX = Set.of("dev", "netns", "protocol");

	private static final Set<String> JUNOS = Set.of("interface", "subnet", "confirmtimeout");

	private static final Set<String> SNMP = Set.of("host", "version", "community", "user", "authprotocol",
			"authpassword", "privprotocol", "privpassword", "mode", "ifindex", "requesttimeout", "requestretries");

	private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

	private static final Pattern CIDR = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)/(\\d{1,2})");

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]+");

	/** Pass as {@code path} to get errors phrased as flags ({@code --ifindex: required}). */
	public static final String CLI_FLAGS = "--";

	private final String path;

	private final Map<String, Object> values = new LinkedHashMap<>();

	private TargetConfig(String path, Map<String, ?> raw) {
		this.path = path;
		raw.forEach((k, v) -> {
			if (v != null) {
				this.values.put(normalise(k), v);
			}
		});
	}

	/** Parses one target. {@code path} prefixes error messages, e.g. {@code targets[2]}. */
	public static RouterTarget parse(String path, Map<String, ?> raw) {
		return new TargetConfig(path, raw).build();
	}

	/** Parses a YAML file with a top-level {@code targets:} list; names must be unique. */
	public static List<RouterTarget> parseFile(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
			return parseDocument(file.toString(), doc);
		}
	}

	static List<RouterTarget> parseDocument(String source, @Nullable Object doc) {
		if (!(doc instanceof Map<?, ?> top) || !(top.get("targets") instanceof List<?> list)) {
			throw new IllegalArgumentException(source + ": expected a top-level 'targets:' list");
		}
		List<RouterTarget> out = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < list.size(); i++) {
			String p = "targets[" + i + "]";
			if (!(list.get(i) instanceof Map<?, ?> m)) {
				throw new IllegalArgumentException(source + ": " + p + ": expected a map of keys");
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			m.forEach((k, v) -> entry.put(String.valueOf(k), v));
			RouterTarget t = parse(p, entry);
			if (!names.add(t.name())) {
				throw new IllegalArgumentException(source + ": " + p + ".name: duplicate target name '" + t.name() + "'");
			}
			out.add(t);
		}
		return out;
	}

	private RouterTarget build() {
		String adapter = required("adapter").toLowerCase(Locale.ROOT);
		Set<String> allowed = new HashSet<>(COMMON);
		switch (adapter) {
			case "linux" -> {
				allowed.addAll(LINUX);
				allowed.addAll(SSH);
			}
			case "junos" -> {
				allowed.addAll(JUNOS);
				allowed.addAll(SSH);
			}
			case "snmp" -> allowed.addAll(SNMP);
			default -> throw bad("adapter", "expected linux, junos or snmp, got '" + adapter + "'");
		}
		for (String k : this.values.keySet()) {
			if (!allowed.contains(k)) {
				throw bad(k, "unknown key for adapter " + adapter);
			}
		}
		ResilienceSettings d = ResilienceSettings.defaults();
		ResilienceSettings res = new ResilienceSettings(duration("timeout", d.timeout()),
				integer("attempts", d.maxAttempts(), 1, 10), duration("backoff", d.backoff()),
				integer("failurerate", d.failureRateThreshold(), 1, 100),
				integer("minimumcalls", d.minimumCalls(), 1, 1000), duration("openwait", d.openWait()),
				integer("maxconcurrent", d.maxConcurrent(), 1, 64));
		return switch (adapter) {
			case "linux" -> linux(res);
			case "junos" -> junos(res);
			default -> snmp(res);
		};
	}

	private LinuxTarget linux(ResilienceSettings res) {
		String dev = required("dev");
		checkName("dev", dev);
		String netns = optional("netns");
		if (netns != null) {
			checkName("netns", netns);
		}
		SshEndpoint ssh = has("host") ? ssh(22) : null;
		int protocol = integer("protocol", LinuxTarget.DEFAULT_PROTOCOL, 1, 255);
		String name = name("linux:" + (ssh != null ? ssh.host() + ":" : "") + (netns != null ? netns + ":" : "") + dev);
		return new LinuxTarget(name, dev, netns, ssh, protocol, res);
	}

	private JunosTarget junos(ResilienceSettings res) {
		SshEndpoint ssh = ssh(830);
		String ifl = required("interface");
		if (!ifl.matches("[a-z]+[-a-z0-9/:]*\\.\\d+")) {
			throw bad("interface", "'" + ifl + "' is not a Junos logical interface such as ae0.100 or irb.0");
		}
		String subnet = required("subnet");
		Matcher m = CIDR.matcher(subnet);
		if (!m.matches() || Integer.parseInt(m.group(2)) > 32) {
			throw bad("subnet", "'" + subnet + "' is not an IPv4 prefix such as 10.0.2.1/24");
		}
		try {
			IpAddresses.parse("subnet", m.group(1));
		}
		catch (IllegalArgumentException ex) {
			throw bad("subnet", "'" + subnet + "' has a bad address");
		}
		Duration confirm = duration("confirmtimeout", Duration.ofMinutes(2));
		if (confirm.toMinutes() < 1 || confirm.toMinutes() > 65535 || confirm.toSeconds() % 60 != 0) {
			throw bad("confirmtimeout", "commit confirmed takes whole minutes between 1m and 65535m, got " + confirm);
		}
		return new JunosTarget(name("junos:" + ssh.host()), ssh, ifl, subnet, confirm, res);
	}

	private SnmpTarget snmp(ResilienceSettings res) {
		HostPort hp = hostPort(161);
		String v = optional("version");
		SnmpTarget.Version version;
		if (v == null) {
			version = has("user") ? SnmpTarget.Version.V3 : SnmpTarget.Version.V2C;
		}
		else {
			version = switch (v.toLowerCase(Locale.ROOT)) {
				case "2c", "v2c" -> SnmpTarget.Version.V2C;
				case "3", "v3" -> SnmpTarget.Version.V3;
				default -> throw bad("version", "expected v2c or v3, got '" + v + "'");
			};
		}
		String community = null;
		SnmpTarget.Usm usm = null;
		if (version == SnmpTarget.Version.V2C) {
			community = required("community");
		}
		else {
			String auth = optional("authprotocol");
			auth = auth == null ? "sha" : auth.toLowerCase(Locale.ROOT);
			if (!Set.of("md5", "sha", "sha224", "sha256", "sha384", "sha512").contains(auth)) {
				throw bad("authprotocol", "expected sha, sha224, sha256, sha384, sha512 or md5, got '" + auth + "'");
			}
			String priv = optional("privprotocol");
			priv = priv == null ? "aes128" : priv.toLowerCase(Locale.ROOT);
			if (priv.equals("aes")) {
				priv = "aes128";
			}
			if (!Set.of("aes128", "aes192", "aes256", "des").contains(priv)) {
				throw bad("privprotocol", "expected aes128, aes192, aes256 or des, got '" + priv + "'");
			}
			String authPass = required("authpassword");
			String privPass = required("privpassword");
			if (authPass.length() < 8) {
				throw bad("authpassword", "USM passwords need at least 8 characters");
			}
			if (privPass.length() < 8) {
				throw bad("privpassword", "USM passwords need at least 8 characters");
			}
			usm = new SnmpTarget.Usm(required("user"), auth, authPass, priv, privPass);
		}
		String mode = required("mode").toLowerCase(Locale.ROOT);
		SnmpTarget.Mode m = switch (mode) {
			case "media" -> SnmpTarget.Mode.MEDIA;
			case "physical" -> SnmpTarget.Mode.PHYSICAL;
			default -> throw bad("mode", "expected media (ipNetToMediaTable) or physical (ipNetToPhysicalTable), got '"
					+ mode + "'");
		};
		int ifIndex = integer("ifindex", -1, 1, Integer.MAX_VALUE);
		if (ifIndex < 0) {
			throw bad("ifindex", "required");
		}
		return new SnmpTarget(name("snmp:" + hp.host + ":" + hp.port), hp.host, hp.port, version, community, usm, m,
				ifIndex, duration("requesttimeout", Duration.ofSeconds(2)), integer("requestretries", 1, 0, 10), res);
	}

	private SshEndpoint ssh(int defaultPort) {
		HostPort hp = hostPort(defaultPort);
		String key = required("key");
		String known = optional("knownhosts");
		String fp = optional("hostkeysha256");
		if (fp != null && !fp.startsWith("SHA256:")) {
			throw bad("hostkeysha256", "expected an OpenSSH fingerprint 'SHA256:...', got '" + fp + "'");
		}
		return new SshEndpoint(hp.host, hp.port, required("user"), Path.of(key), known == null ? null : Path.of(known),
				fp, bool("insecureanyhostkey"));
	}

	private record HostPort(String host, int port) {
	}

	private HostPort hostPort(int defaultPort) {
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

	private String name(String fallback) {
		String n = optional("name");
		return n == null ? fallback : n;
	}

	private void checkName(String key, String v) {
		if (!NAME.matcher(v).matches() || v.startsWith("-")) {
			throw bad(key, "'" + v + "' is not a valid name");
		}
	}

	private boolean has(String key) {
		return this.values.containsKey(key);
	}

	private @Nullable String optional(String key) {
		Object v = this.values.get(key);
		if (v == null) {
			return null;
		}
		String s = String.valueOf(v).trim();
		return s.isEmpty() ? null : s;
	}

	private String required(String key) {
		String v = optional(key);
		if (v == null) {
			throw bad(key, "required");
		}
		return v;
	}

	private boolean bool(String key) {
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

	private int integer(String key, int dflt, int min, int max) {
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

	private Duration duration(String key, Duration dflt) {
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

	private IllegalArgumentException bad(String key, String why) {
		String where = this.path.equals(CLI_FLAGS) ? "--" + key : this.path + "." + key;
		return new IllegalArgumentException(where + ": " + why);
	}

	static String normalise(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}

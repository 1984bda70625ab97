package io.syncookied.router.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionAdapters;
import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetConfig;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.resilience.ResilientDiversionAdapter;

/**
 * {@code syncookied-router check|list|divert|restore}: the operator's tool for when the control plane
 * is down or a router needs checking. The target comes from flags (the same keys as the YAML target
 * config) or from {@code --config file.yml --target name}.
 *
 * <p>Exit codes: 0 ok; 1 the device failed (unreachable, rejected, timeout...); 2 usage or config
 * error. Failures print exactly one line to stderr.
 */
public final class RouterCli {

	static final String USAGE = "usage: syncookied-router check|list|divert|restore "
			+ "(--config FILE --target NAME | --adapter linux|junos|snmp [target flags]) [--ip IP] [--mac MAC] "
			+ "[--owner O --reason R --mitigation ID] [--verbose]";

	/** Flags that are about the operation, not the target. */
	private static final Set<String> OP_FLAGS = Set.of("config", "target", "ip", "mac", "owner", "reason",
			"mitigation", "verbose");

	private RouterCli() {
	}

	public static void main(String[] args) {
		boolean verbose = List.of(args).contains("--verbose");
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
		System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
		System.exit(run(args, System.out, System.err, new DiversionAdapters()));
	}

	// VisibleForTesting
	static int run(String[] args, PrintStream out, PrintStream err, DiversionAdapter devices) {
		String command;
		RouterTarget target;
		Map<String, String> op = new LinkedHashMap<>();
		try {
			if (args.length == 0 || args[0].startsWith("-")) {
				throw new IllegalArgumentException(USAGE);
			}
			command = args[0];
			if (!Set.of("check", "list", "divert", "restore").contains(command)) {
				throw new IllegalArgumentException("unknown command '" + command + "'; " + USAGE);
			}
			Map<String, String> targetFlags = new LinkedHashMap<>();
			for (int i = 1; i < args.length; i++) {
				String a = args[i];
				if (!a.startsWith("--") || a.length() < 3) {
					throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
				}
				String key = a.substring(2);
				String value;
				int eq = key.indexOf('=');
				if (eq > 0) {
					value = key.substring(eq + 1);
					key = key.substring(0, eq);
				}
				else if (key.equals("verbose") || key.equals("insecure-any-host-key")) {
					value = "true";
				}
				else {
					if (i + 1 >= args.length) {
						throw new IllegalArgumentException("--" + key + ": missing value");
					}
					value = args[++i];
				}
				(OP_FLAGS.contains(key) ? op : targetFlags).put(key, value);
			}
			target = target(op, targetFlags);
		}
		catch (IllegalArgumentException ex) {
			err.println("syncookied-router: " + ex.getMessage());
			return 2;
		}
		catch (java.io.IOException ex) {
			err.println("syncookied-router: --config: " + ex.getMessage());
			return 2;
		}
		try (ResilientDiversionAdapter adapter = new ResilientDiversionAdapter(devices, new SimpleMeterRegistry())) {
			switch (command) {
				case "check" -> {
					TargetHealth h = adapter.health(target);
					if (!h.healthy()) {
						err.println("syncookied-router: " + h.detail());
						return 1;
					}
					out.println("ok " + target.name() + ": " + h.detail() + " in " + h.latency().toMillis() + " ms");
				}
				case "list" -> {
					for (ArpOverride o : adapter.listOverrides(target)) {
						out.println(o.toLine());
					}
				}
				case "divert" -> {
					var ip = IpAddresses.parse("--ip", need(op, "ip"));
					var mac = MacAddress.parse("--mac", need(op, "mac"));
					OverrideTag tag = new OverrideTag(op.getOrDefault("owner", "operator"),
							op.getOrDefault("reason", "manual"), op.getOrDefault("mitigation", "-"));
					ArpOverride o = adapter.divert(ip, mac, target, tag);
					out.println("diverted " + o.toLine());
				}
				default -> {
					var ip = IpAddresses.parse("--ip", need(op, "ip"));
					boolean removed = adapter.restore(ip, target);
					out.println((removed ? "restored " : "no override for ") + ip.getHostAddress());
				}
			}
			return 0;
		}
		catch (IllegalArgumentException ex) {
			err.println("syncookied-router: " + ex.getMessage());
			return 2;
		}
		catch (DiversionException ex) {
			err.println("syncookied-router: " + ex.getMessage().replaceAll("\\s+", " "));
			return 1;
		}
	}

	private static RouterTarget target(Map<String, String> op, Map<String, String> flags) throws java.io.IOException {
		if (op.containsKey("config")) {
			if (!flags.isEmpty()) {
				throw new IllegalArgumentException("--config and target flags (--" + flags.keySet().iterator().next()
						+ ") are exclusive");
			}
			String name = need(op, "target");
			return TargetConfig.parseFile(Path.of(op.get("config")))
				.stream()
				.filter(t -> t.name().equals(name))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("--target: no target named '" + name + "' in "
						+ op.get("config")));
		}
		return TargetConfig.parse(TargetConfig.CLI_FLAGS, flags);
	}

	private static String need(Map<String, String> op, String key) {
		String v = op.get(key);
		if (v == null || v.isBlank()) {
			throw new IllegalArgumentException("--" + key + ": required");
		}
		return v;
	}

}

package io.syncookied.router.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.api.TargetKeys;
import io.syncookied.router.resilience.ResilientDiversionAdapter;

/**
 * {@code syncookied-router check|list|divert|restore}: the operator's tool for when the control plane
 * is down or a router needs checking. The target comes from flags (the same keys as the YAML target
 * config) or from {@code --config file.yml --target name}; the vendors are the registry's.
 *
 * <p>Exit codes: 0 ok; 1 the device failed (unreachable, rejected, timeout...); 2 usage or config
 * error. Failures print exactly one line to stderr.
 */
public final class RouterCli {

	static String usage(DiversionVendors vendors) {
		return "usage: syncookied-router check|list|divert|restore (--config FILE --target NAME | --adapter "
				+ String.join("|", vendors.names()) + " [target flags]) [--ip IP] [--mac MAC] "
				+ "[--owner O --reason R --mitigation ID] [--verbose]";
	}

	/** {@code --help}: the usage line, then what each command, flag and vendor does. */
	static String help(DiversionVendors vendors) {
		StringBuilder h = new StringBuilder(usage(vendors)).append("\n       syncookied-router --help | --version\n\n");
		h.append("""
				Reads and changes a router's diversion of protected IPs, as the control plane does, for when the
				control plane is down or a router needs checking. Every change is read back from the router.

				commands:
				  check     connect, log in and read the diversions back (prints ok and the latency)
				  list      the diversions the device holds now (in the target's scope), one per line, by IP
				  divert    divert --ip to the firewall (--mac, for targets that divert to a MAC)
				  restore   remove the diversion of --ip (prints "no diversion of IP" when there was none)

				the target:
				  --config FILE --target NAME   a target of FILE: a targets file (a top-level 'targets:' list, what
				                                syncookied.routers.targets-file names) or the control plane's own
				                                configuration (its syncookied.routers.targets and targets-file)
				  --adapter VENDOR KEY...       a target given by flags: the keys of a target entry, as --key value
				                                (docs/operations.md, "Router adapters")

				other flags:
				  --ip IP            the protected address (IPv4 or IPv6)
				  --mac MAC          the firewall's MAC the entry points to
				  --owner, --reason, --mitigation   the tag stored with a diversion (default operator, manual, -)
				  --verbose          log the conversation with the device on stderr

				exit status: 0 done; 1 the device failed (unreachable, refused, timed out); 2 a usage or config error.

				vendors:
				""");
		for (String s : vendors.summaries()) {
			h.append("  ").append(s).append('\n');
		}
		return h.toString();
	}

	/** "syncookied-router VERSION", the version from the jar's manifest (Implementation-Version). */
	static String version() {
		String v = RouterCli.class.getPackage().getImplementationVersion();
		return "syncookied-router " + ((v != null) ? v : "(development build)");
	}

	/** Flags that are about the operation, not the target. */
	private static final Set<String> OP_FLAGS = Set.of("config", "target", "ip", "mac", "owner", "reason",
			"mitigation", "verbose");

	private RouterCli() {
	}

	public static void main(String[] args) {
		boolean verbose = List.of(args).contains("--verbose");
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
		System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
		DiversionVendors vendors = DiversionVendors.load();
		System.exit(run(args, System.out, System.err, vendors, vendors));
	}

	/**
	 * @param vendors parses the target
	 * @param devices drives it: the registry itself, or a recording adapter in tests
	 */
	// VisibleForTesting
	static int run(String[] args, PrintStream out, PrintStream err, DiversionVendors vendors,
			DiversionAdapter devices) {
		String usage = usage(vendors);
		if (args.length == 1 && Set.of("--help", "-h", "help").contains(args[0])) {
			out.print(help(vendors));
			return 0;
		}
		if (args.length == 1 && args[0].equals("--version")) {
			out.println(version());
			return 0;
		}
		String command;
		RouterTarget target;
		Map<String, String> op = new LinkedHashMap<>();
		try {
			if (args.length == 0 || args[0].startsWith("-")) {
				throw new IllegalArgumentException(usage);
			}
			command = args[0];
			if (!Set.of("check", "list", "divert", "restore").contains(command)) {
				throw new IllegalArgumentException("unknown command '" + command + "'; " + usage);
			}
			Map<String, String> targetFlags = new LinkedHashMap<>();
			for (int i = 1; i < args.length; i++) {
				String a = args[i];
				if (!a.startsWith("--") || a.length() < 3) {
					throw new IllegalArgumentException("unexpected argument '" + a + "'; " + usage);
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
			target = target(vendors, op, targetFlags);
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
					for (Diversion o : adapter.listDiversions(target)) {
						out.println(o.toLine());
					}
				}
				case "divert" -> {
					var ip = IpAddresses.parse("--ip", need(op, "ip"));
					MacAddress mac = target.divertsToMac() || op.containsKey("mac")
							? MacAddress.parse("--mac", need(op, "mac")) : null;
					OverrideTag tag = new OverrideTag(op.getOrDefault("owner", "operator"),
							op.getOrDefault("reason", "manual"), op.getOrDefault("mitigation", "-"));
					Diversion o = adapter.divert(ip, mac, target, tag);
					out.println("diverted " + o.toLine());
				}
				default -> {
					var ip = IpAddresses.parse("--ip", need(op, "ip"));
					boolean removed = adapter.restore(ip, target);
					out.println((removed ? "restored " : "no diversion of ") + IpAddresses.text(ip));
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

	private static RouterTarget target(DiversionVendors vendors, Map<String, String> op, Map<String, String> flags)
			throws java.io.IOException {
		if (op.containsKey("config")) {
			if (!flags.isEmpty()) {
				throw new IllegalArgumentException("--config and target flags (--" + flags.keySet().iterator().next()
						+ ") are exclusive");
			}
			String name = need(op, "target");
			return TargetFiles.load(vendors, Path.of(op.get("config")))
				.stream()
				.filter(t -> t.name().equals(name))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("--target: no target named '" + name + "' in "
						+ op.get("config")));
		}
		return vendors.parse(TargetKeys.CLI_FLAGS, flags);
	}

	private static String need(Map<String, String> op, String key) {
		String v = op.get(key);
		if (v == null || v.isBlank()) {
			throw new IllegalArgumentException("--" + key + ": required");
		}
		return v;
	}

}

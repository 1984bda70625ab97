package io.syncookied.router;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.api.TargetKeys;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one registry of vendors: parses targets by their {@code adapter:} key and routes every call to the adapter of
 * the target's vendor. The control plane and the CLI both start here.
 * <pre>
 * DiversionVendors vendors = DiversionVendors.load();          // every vendor on the class path
 * RouterTarget t = vendors.parse("targets[0]", Map.of("adapter", "linux", "dev", "eth1"));
 * ResilientDiversionAdapter routers = vendors.resilient(meterRegistry);
 * routers.divert(ip, firewallMac, t, tag);                    // blocks: call on boundedElastic
 * </pre>
 */
public final class DiversionVendors implements DiversionAdapter {

	private final Map<String, DiversionVendor> vendors;

	private final Map<String, DiversionAdapter> adapters = new TreeMap<>();

	private DiversionVendors(List<DiversionVendor> list) {
		Map<String, DiversionVendor> byName = new TreeMap<>();
		for (DiversionVendor v : list) {
			if (byName.putIfAbsent(v.name(), v) != null) {
				throw new IllegalStateException("two router vendors are named '" + v.name() + "': "
						+ byName.get(v.name()).getClass().getName() + " and " + v.getClass().getName());
			}
			this.adapters.put(v.name(), v.adapter());
		}
		this.vendors = byName;
	}

	/** Every vendor registered in {@code META-INF/services/io.syncookied.router.api.DiversionVendor}. */
	public static DiversionVendors load() {
		List<DiversionVendor> list = new ArrayList<>();
		ServiceLoader.load(DiversionVendor.class, DiversionVendors.class.getClassLoader()).forEach(list::add);
		return new DiversionVendors(list);
	}

	/** Exactly these vendors (tests, embedders that do not want class-path discovery). */
	public static DiversionVendors of(DiversionVendor... vendors) {
		return new DiversionVendors(List.of(vendors));
	}

	/** The vendor names, sorted: the values {@code adapter:} accepts. */
	public Set<String> names() {
		return this.vendors.keySet();
	}

	/** {@code name: summary} per vendor, for usage texts. */
	public List<String> summaries() {
		return this.vendors.values().stream().map(v -> v.name() + ": " + v.summary()).toList();
	}

	/** The adapter the control plane and the CLI use: every vendor's targets, guarded per target. */
	public ResilientDiversionAdapter resilient(MeterRegistry meters) {
		return new ResilientDiversionAdapter(this, meters);
	}

	/** Parses one target. {@code path} prefixes error messages, e.g. {@code targets[2]}. */
	public RouterTarget parse(String path, Map<String, ?> raw) {
		TargetKeys keys = TargetKeys.of(path, raw);
		String name = keys.required("adapter").toLowerCase(Locale.ROOT);
		DiversionVendor vendor = this.vendors.get(name);
		if (vendor == null) {
			throw keys.bad("adapter", "expected one of " + String.join(", ", names()) + ", got '" + name + "'");
		}
		for (String k : keys.present()) {
			if (!TargetKeys.COMMON.contains(k) && !vendor.keys().contains(k)) {
				throw keys.bad(k, "unknown key for adapter " + name);
			}
		}
		return vendor.parse(keys);
	}

	/** Parses a YAML file with a top-level {@code targets:} list; names must be unique. */
	public List<RouterTarget> parseFile(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
			return parseDocument(file.toString(), doc);
		}
	}

	// VisibleForTesting
	List<RouterTarget> parseDocument(String source, @Nullable Object doc) {
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
			RouterTarget t;
			try {
				t = parse(p, entry);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
			}
			if (!names.add(t.name())) {
				throw new IllegalArgumentException(source + ": " + p + ".name: duplicate target name '" + t.name() + "'");
			}
			out.add(t);
		}
		return out;
	}

	private DiversionAdapter of(RouterTarget t) {
		DiversionAdapter a = this.adapters.get(t.adapter());
		if (a == null) {
			throw new IllegalArgumentException("no router vendor '" + t.adapter() + "' for target " + t.name()
					+ " (known: " + String.join(", ", names()) + ")");
		}
		return a;
	}

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		return of(target).divert(ip, firewallMac, target, tag);
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		return of(target).restore(ip, target);
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		return of(target).listDiversions(target);
	}

	@Override
	public TargetHealth health(RouterTarget target) {
		return of(target).health(target);
	}

}

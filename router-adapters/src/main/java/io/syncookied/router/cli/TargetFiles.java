package io.syncookied.router.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.RouterTarget;

/**
 * The targets of a {@code --config} file, which is either a targets file (a top-level {@code targets:} list, what
 * {@code syncookied.routers.targets-file} names) or the control plane's own configuration: then its
 * {@code syncookied.routers.targets} and the targets of its {@code targets-file}, as the control plane reads them.
 */
final class TargetFiles {

	/** Spring's relaxed names of syncookied.routers.targets-file. */
	private static final Set<String> TARGETS_FILE = Set.of("targets-file", "targetsFile", "targets_file");

	private TargetFiles() {
	}

	static List<RouterTarget> load(DiversionVendors vendors, Path file) throws IOException {
		Object doc;
		try (InputStream in = Files.newInputStream(file)) {
			doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
		}
		if (!(doc instanceof Map<?, ?> top) || !(top.get("syncookied") instanceof Map<?, ?> syncookied)) {
			return vendors.parseFile(file);
		}
		if (!(syncookied.get("routers") instanceof Map<?, ?> routers)) {
			throw new IllegalArgumentException(file + ": a control-plane configuration without syncookied.routers");
		}
		List<RouterTarget> targets = new ArrayList<>();
		if (routers.get("targets") instanceof List<?> inline) {
			for (int i = 0; i < inline.size(); i++) {
				String path = file + ": syncookied.routers.targets[" + i + "]";
				if (!(inline.get(i) instanceof Map<?, ?> m)) {
					throw new IllegalArgumentException(path + ": expected a map of keys");
				}
				Map<String, Object> entry = new LinkedHashMap<>();
				m.forEach((k, v) -> entry.put(String.valueOf(k), v));
				targets.add(vendors.parse(path, entry));
			}
		}
		for (String key : TARGETS_FILE) {
			if (routers.get(key) instanceof String targetsFile) {
				Path referenced = file.toAbsolutePath().getParent().resolve(targetsFile);
				targets.addAll(vendors.parseFile(referenced));
			}
		}
		if (targets.isEmpty()) {
			throw new IllegalArgumentException(file + ": syncookied.routers has neither targets nor targets-file");
		}
		Set<String> names = new HashSet<>();
		for (RouterTarget t : targets) {
			if (!names.add(t.name())) {
				throw new IllegalArgumentException(file + ": syncookied.routers: target name '" + t.name()
						+ "' is used twice");
			}
		}
		return targets;
	}

}

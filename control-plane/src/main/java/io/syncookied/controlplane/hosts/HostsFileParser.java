package io.syncookied.controlplane.hosts;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.syncookied.dataplane.DpHost;
import io.syncookied.dataplane.DpHostBuilder;
import io.syncookied.dataplane.HostKey;

/**
 * Parses the hosts file: the original syncookied {@code hosts.yml} (a YAML list, one entry per protected IP) with the
 * keys of the one hosts schema ({@link HostKey}, the dataplane's own table), and host groups: an entry with a
 * {@code cidr} instead of an {@code ip} gives its keys to every listed host inside its prefix (the host's own value
 * first, then the most specific group's; {@code detection} merged field by field). The dataplane keys go through
 * {@link DpHostBuilder}, so this file accepts exactly what the dataplane accepts, and the dataplane resolves groups
 * by the same rules; the control plane's keys are read here. Works on the YAML node tree so every error names the
 * file, the line and the field ({@code hosts[2].mac}). Besides syntax, a file is checked against
 * {@link HostsValidation}: filters must compile, diversion targets exist.
 */
public final class HostsFileParser {

	private static final Logger log = LoggerFactory.getLogger(HostsFileParser.class);

	private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):(\\d{1,5})");

	private static final Set<String> DETECTION_KEYS = Set.of("start_syn_rate", "end_syn_rate", "start_rx_pps",
			"consecutive_samples");

	private static final Set<String> DIVERSION_KEYS = Set.of("target", "interface");

	private HostsFileParser() {
	}

	public static List<HostConfig> parse(Path file, HostsValidation validation) throws HostsFileException {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			throw new HostsFileException(file, 0, "file", "does not exist");
		}
		catch (IOException ex) {
			throw new HostsFileException(file, 0, "file", "cannot be read: " + ex.getMessage());
		}
		return parse(file, text, validation);
	}

	public static List<HostConfig> parse(Path file, String text, HostsValidation validation) throws HostsFileException {
		Node root;
		try {
			LoaderOptions options = new LoaderOptions();
			options.setAllowDuplicateKeys(false);
			options.setMaxAliasesForCollections(10);
			root = new Yaml(options).compose(new StringReader(text));
		}
		catch (MarkedYAMLException ex) {
			int line = (ex.getProblemMark() != null) ? ex.getProblemMark().getLine() + 1 : 0;
			throw new HostsFileException(file, line, "yaml", oneLine(ex.getProblem()));
		}
		catch (YAMLException ex) {
			throw new HostsFileException(file, 0, "yaml", oneLine(ex.getMessage()));
		}
		if (root == null) {
			return List.of(); // an empty file protects nothing, as in the original
		}
		if (!(root instanceof SequenceNode list)) {
			throw new HostsFileException(file, line(root), "hosts", "must be a YAML list with one entry per IP");
		}
		List<Node> items = list.getValue();
		HostGroups<Group> groups = groups(file, items, validation);
		Set<Group> used = Collections.newSetFromMap(new IdentityHashMap<>());
		List<HostConfig> hosts = new ArrayList<>();
		Map<InetAddress, Integer> seen = new HashMap<>();
		for (int i = 0; i < items.size(); i++) {
			if (entry(items.get(i), "cidr") != null) {
				continue;
			}
			HostConfig host = new EntryParser(file, "hosts[" + i + "]", validation).host(items.get(i), groups, used);
			Integer previous = seen.putIfAbsent(host.ip(), host.line());
			if (previous != null) {
				throw new HostsFileException(file, host.line(), "hosts[" + i + "].ip",
						host.ipText() + " is already configured at line " + previous);
			}
			hosts.add(host);
		}
		List<String> memberless = groups.all()
			.stream()
			.filter(g -> !used.contains(g))
			.map(g -> g.prefix() + " (line " + g.line() + ")")
			.toList();
		if (!memberless.isEmpty()) { // accepted: members come and go, and the last one leaving must not break a reload
			log.warn("{}: {} host group(s) with no listed host: {}{} (a group protects only the hosts listed in it)",
					file, memberless.size(), String.join(", ", memberless.subList(0, Math.min(5, memberless.size()))),
					(memberless.size() > 5) ? ", ..." : "");
		}
		return List.copyOf(hosts);
	}

	/**
	 * The host groups (list items with a {@code cidr}), read before any host because a host may come before its
	 * group; each is checked as a host would be, so that a bad value is refused while the group has no member yet.
	 */
	private static HostGroups<Group> groups(Path file, List<Node> items, HostsValidation validation)
			throws HostsFileException {
		List<Group> inFileOrder = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			NodeTuple cidr = entry(items.get(i), "cidr");
			if (cidr != null) {
				inFileOrder.add(new EntryParser(file, "hosts[" + i + "]", validation).group(items.get(i), cidr));
			}
		}
		HostGroups<Group> groups = new HostGroups<>();
		for (Group g : inFileOrder) {
			Optional<Group> first = groups.add(g.prefix(), g);
			if (first.isPresent()) {
				throw new HostsFileException(file, g.line(), g.path() + ".cidr",
						g.prefix() + " is already a group at line " + first.get().line());
			}
		}
		return groups;
	}

	/** The key/value pair of {@code key} in a mapping entry, or null. */
	private static @Nullable NodeTuple entry(Node node, String key) {
		if (node instanceof MappingNode map) {
			for (NodeTuple t : map.getValue()) {
				if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
					return t;
				}
			}
		}
		return null;
	}

	private static int line(Node node) {
		return node.getStartMark().getLine() + 1;
	}

	private static String oneLine(@Nullable String s) {
		return (s != null) ? s.replace('\n', ' ').trim() : "invalid YAML";
	}

	/** Parses one entry; keeps the path prefix for messages. */
	private record EntryParser(Path file, String path, HostsValidation validation) {

		HostConfig host(Node node, HostGroups<Group> groups, Set<Group> used) throws HostsFileException {
			if (!(node instanceof MappingNode map)) {
				throw new HostsFileException(this.file, line(node), this.path, "must be a mapping");
			}
			Keys keys = new Keys();
			apply(keys, map.getValue(), Apply.HOST);
			NodeTuple ip = keys.fields.get(HostKey.IP);
			if (ip != null) {
				for (Group g : groups.containing(literal(ip))) {
					used.add(g);
					apply(keys, g.tuples(), Apply.INHERIT);
				}
			}
			return settings(keys, build(keys.dataplane, node), line(node));
		}

		/**
		 * A host group: its prefix, and its keys checked as a host's (but without an ip: its members bring theirs, and
		 * their mac when the group gives none).
		 */
		Group group(Node node, NodeTuple cidr) throws HostsFileException {
			if (entry(node, "ip") != null) {
				throw error(cidr.getKeyNode(), "cidr", "an entry is a host (ip) or a group (cidr), not both");
			}
			IpPrefix prefix;
			try {
				prefix = IpPrefix.parse(scalar(cidr.getValueNode(), "cidr"));
			}
			catch (IllegalArgumentException ex) {
				throw error(cidr.getValueNode(), "cidr", ex.getMessage());
			}
			List<NodeTuple> tuples = new ArrayList<>(((MappingNode) node).getValue());
			tuples.remove(cidr);
			Keys keys = new Keys();
			apply(keys, tuples, Apply.GROUP);
			keys.dataplane.set(HostKey.IP, "192.0.2.1");
			if (!keys.fields.containsKey(HostKey.MAC)) {
				keys.dataplane.set(HostKey.MAC, "02:00:00:00:00:01");
			}
			settings(keys, build(keys.dataplane, node), line(node));
			return new Group(prefix, this.path, line(node), List.copyOf(tuples));
		}

		/**
		 * Takes the keys of one mapping: a host's own, a group's (checked alone), or a group's given to a member, which
		 * takes only the keys it has not got yet (from itself or a more specific group); {@code detection} is merged
		 * field by field in that same order.
		 */
		private void apply(Keys keys, List<NodeTuple> tuples, Apply how) throws HostsFileException {
			for (NodeTuple tuple : tuples) {
				if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
					throw new HostsFileException(this.file, line(tuple.getKeyNode()), this.path, "keys must be plain text");
				}
				Optional<HostKey> k = HostKey.byKey(key.getValue());
				if (k.isEmpty()) {
					throw new HostsFileException(this.file, line(key), this.path + "." + key.getValue(),
							"unknown key (known: " + HostKey.known() + ")");
				}
				if (how == Apply.GROUP && k.get() == HostKey.IP) {
					throw error(key, "ip", "a group has no ip of its own: list each protected host as its own entry");
				}
				if (k.get() == HostKey.DETECTION && !isNull(tuple.getValueNode())) {
					keys.detection.add(tuple.getValueNode());
				}
				if (how == Apply.INHERIT && keys.fields.containsKey(k.get())) {
					continue;
				}
				keys.fields.put(k.get(), tuple);
				if (k.get().scope() == HostKey.Scope.DATAPLANE) {
					dataplane(keys.dataplane, k.get(), tuple.getValueNode());
				}
			}
		}

		private DpHost build(DpHostBuilder dataplane, Node node) throws HostsFileException {
			try {
				return dataplane.build();
			}
			catch (IllegalArgumentException ex) { // "ip: missing ..." names its field
				String msg = ex.getMessage();
				int colon = msg.indexOf(": ");
				throw error(node, msg.substring(0, colon), msg.substring(colon + 2));
			}
		}

		/** The control plane's keys, on top of the dataplane's host. */
		private HostConfig settings(Keys keys, DpHost dataplane, int line) throws HostsFileException {
			Map<HostKey, NodeTuple> fields = keys.fields;
			String secretsAddr = hostPort(fields.get(HostKey.SECRETS_ADDR));
			if (secretsAddr == null) {
				secretsAddr = hostPort(fields.get(HostKey.LOCAL_ADDR));
			}
			return new HostConfig(dataplane, secretsAddr, text(fields.get(HostKey.AGENT_KEY_ID)),
					mode(fields.get(HostKey.MODE)), detection(keys.detection), diversion(fields.get(HostKey.DIVERSION)),
					line);
		}

		/** An ip the dataplane builder has accepted: a literal, so this is never a name lookup. */
		private InetAddress literal(NodeTuple ip) throws HostsFileException {
			try {
				return InetAddress.getByName(scalar(ip.getValueNode(), "ip"));
			}
			catch (UnknownHostException ex) {
				throw error(ip.getValueNode(), "ip", "expected an IPv4 or IPv6 address");
			}
		}

		/** A dataplane key: the dataplane's own rules decide, this names where. */
		private void dataplane(DpHostBuilder b, HostKey key, Node value) throws HostsFileException {
			if (key == HostKey.FILTERS) {
				filters(b, value);
				return;
			}
			String text = scalar(value, key.key());
			try {
				b.set(key, isNull(value) ? "" : text);
			}
			catch (IllegalArgumentException ex) {
				throw error(value, key.key(), ex.getMessage());
			}
		}

		/** filters: a mapping of pcap expression to drop|pass in file order, "default" for the rest. */
		private void filters(DpHostBuilder b, Node node) throws HostsFileException {
			if (isNull(node)) {
				return;
			}
			if (!(node instanceof MappingNode map)) {
				throw error(node, "filters", "must be a mapping of pcap expression to drop|pass");
			}
			for (NodeTuple tuple : map.getValue()) {
				String expression = scalar(tuple.getKeyNode(), "filters");
				String field = "filters[" + expression + "]";
				try {
					b.rule(expression, scalar(tuple.getValueNode(), field));
				}
				catch (IllegalArgumentException ex) {
					throw error(tuple.getKeyNode(), field, ex.getMessage());
				}
				if (!expression.equals("default")) {
					Optional<String> problem = this.validation.filterProblem(expression);
					if (problem.isPresent()) {
						throw error(tuple.getKeyNode(), field, "libpcap cannot compile it: " + problem.get());
					}
				}
			}
		}

		private Map<String, Node> mapping(Node node, String where, Set<String> allowed) throws HostsFileException {
			if (!(node instanceof MappingNode map)) {
				throw new HostsFileException(this.file, line(node), where, "must be a mapping");
			}
			Map<String, Node> fields = new HashMap<>();
			for (NodeTuple tuple : map.getValue()) {
				if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
					throw new HostsFileException(this.file, line(tuple.getKeyNode()), where, "keys must be plain text");
				}
				if (!allowed.contains(key.getValue())) {
					throw new HostsFileException(this.file, line(key), where + "." + key.getValue(),
							"unknown field (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
				}
				fields.put(key.getValue(), tuple.getValueNode());
			}
			return fields;
		}

		private @Nullable String hostPort(@Nullable NodeTuple tuple) throws HostsFileException {
			if (tuple == null || isNull(tuple.getValueNode())) {
				return null;
			}
			String field = ((ScalarNode) tuple.getKeyNode()).getValue();
			String text = scalar(tuple.getValueNode(), field);
			var m = HOST_PORT.matcher(text.replaceFirst("^(udp|tcp)://", ""));
			if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
				throw error(tuple.getValueNode(), field, "'" + text + "' is not host:port");
			}
			return text;
		}

		private @Nullable String text(@Nullable NodeTuple tuple) throws HostsFileException {
			if (tuple == null || isNull(tuple.getValueNode())) {
				return null;
			}
			String field = ((ScalarNode) tuple.getKeyNode()).getValue();
			String text = scalar(tuple.getValueNode(), field);
			if (text.isBlank()) {
				throw error(tuple.getValueNode(), field, "must not be empty");
			}
			return text;
		}

		private @Nullable Long positiveLong(@Nullable Node node, String field) throws HostsFileException {
			if (node == null || isNull(node)) {
				return null;
			}
			String text = scalar(node, field).replace("_", "");
			try {
				long value = Long.parseLong(text);
				if (value < 0) {
					throw error(node, field, "must not be negative, got " + value);
				}
				return value;
			}
			catch (NumberFormatException ex) {
				throw error(node, field, "'" + text + "' is not a whole number");
			}
		}

		private ProtectionMode mode(@Nullable NodeTuple tuple) throws HostsFileException {
			if (tuple == null || isNull(tuple.getValueNode())) {
				return ProtectionMode.MANUAL;
			}
			String text = scalar(tuple.getValueNode(), "mode");
			return switch (text) {
				case "auto" -> ProtectionMode.AUTO;
				case "manual" -> ProtectionMode.MANUAL;
				case "off" -> ProtectionMode.OFF;
				default -> throw error(tuple.getValueNode(), "mode", "'" + text + "' is not auto, manual or off");
			};
		}

		/**
		 * The detection overrides from the {@code detection} mappings of the host and then of its groups, most
		 * specific first: each field is taken from the first mapping that gives it.
		 */
		private DetectionOverrides detection(List<Node> mappings) throws HostsFileException {
			Map<String, Node> f = new HashMap<>();
			Map<String, Node> from = new HashMap<>(); // the mapping each field was taken from
			for (Node node : mappings) {
				mapping(node, this.path + ".detection", DETECTION_KEYS).forEach((k, v) -> {
					f.putIfAbsent(k, v);
					from.putIfAbsent(k, node);
				});
			}
			if (f.isEmpty()) {
				return DetectionOverrides.NONE;
			}
			Long start = positiveLong(f.get("start_syn_rate"), "detection.start_syn_rate");
			Long end = positiveLong(f.get("end_syn_rate"), "detection.end_syn_rate");
			if (start != null && end != null && end >= start) {
				Node startNode = f.get("start_syn_rate");
				Node endNode = f.get("end_syn_rate");
				String where = (from.get("start_syn_rate") == from.get("end_syn_rate")) ? ""
						: " at line " + line(startNode);
				throw error(endNode, "detection.end_syn_rate", "must be below detection.start_syn_rate (" + start + where
						+ ") for hysteresis, got " + end);
			}
			Long samples = positiveLong(f.get("consecutive_samples"), "detection.consecutive_samples");
			if (samples != null && (samples < 1 || samples > 1000)) {
				throw error(f.get("consecutive_samples"), "detection.consecutive_samples", "must be 1..1000");
			}
			return new DetectionOverrides(start, end, positiveLong(f.get("start_rx_pps"), "detection.start_rx_pps"),
					(samples != null) ? samples.intValue() : null);
		}

		private @Nullable DiversionTarget diversion(@Nullable NodeTuple tuple) throws HostsFileException {
			if (tuple == null || isNull(tuple.getValueNode())) {
				return null;
			}
			Node node = tuple.getValueNode();
			Map<String, Node> f = mapping(node, this.path + ".diversion", DIVERSION_KEYS);
			Node targetNode = f.get("target");
			if (targetNode == null || isNull(targetNode) || scalar(targetNode, "diversion.target").isBlank()) {
				throw error(node, "diversion.target", "is required when diversion is given");
			}
			String target = scalar(targetNode, "diversion.target");
			Set<String> known = this.validation.diversionTargets();
			if (!known.contains(target)) {
				throw error(targetNode, "diversion.target", "'" + target + "' is not a configured router target ("
						+ (known.isEmpty() ? "none is configured: syncookied.routers.targets" : "known: "
								+ String.join(", ", known.stream().sorted().toList()))
						+ ")");
			}
			Node iface = f.get("interface");
			String ifaceText = (iface == null || isNull(iface)) ? null : scalar(iface, "diversion.interface");
			if (ifaceText != null && ifaceText.isBlank()) {
				throw error(iface, "diversion.interface", "must not be empty");
			}
			return new DiversionTarget(target, ifaceText);
		}

		private String scalar(Node node, String field) throws HostsFileException {
			if (!(node instanceof ScalarNode s)) {
				throw error(node, field, "must be a single value");
			}
			return s.getValue().trim();
		}

		private boolean isNull(Node node) {
			return node instanceof ScalarNode s && node.getTag().getValue().endsWith(":null");
		}

		private HostsFileException error(@Nullable Node node, String field, String problem) {
			return new HostsFileException(this.file, (node != null) ? line(node) : 0, this.path + "." + field, problem);
		}

	}

	/** How {@link EntryParser#apply} takes a mapping's keys. */
	private enum Apply {

		/** A host's own keys. */
		HOST,
		/** A group's keys, checked on their own: no ip. */
		GROUP,
		/** A group's keys given to a member: only those it has not got. */
		INHERIT

	}

	/** The keys of one host as they are gathered: what was given, the dataplane's host, the detection mappings. */
	private static final class Keys {

		final Map<HostKey, NodeTuple> fields = new EnumMap<>(HostKey.class);

		final DpHostBuilder dataplane = new DpHostBuilder();

		final List<Node> detection = new ArrayList<>();

	}

	/**
	 * A host group: a list item with a {@code cidr}, whose keys go to every listed host inside the prefix.
	 *
	 * @param tuples its keys in file order, without the cidr
	 */
	private record Group(IpPrefix prefix, String path, int line, List<NodeTuple> tuples) {
	}

}

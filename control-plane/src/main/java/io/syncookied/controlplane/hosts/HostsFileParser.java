package io.syncookied.controlplane.hosts;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses a hosts file compatible with the original syncookied {@code hosts.yml} (a YAML list, one entry per protected
 * IP) plus the optional control-plane fields. Works on the YAML node tree so every error names the file, the line and
 * the field ({@code hosts[2].mac}). Pure: no state, safe to call from any thread.
 */
public final class HostsFileParser {

	private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

	private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):(\\d{1,5})");

	private static final Set<String> HOST_KEYS = Set.of("ip", "secrets_addr", "local_addr", "mac", "passthrough",
			"filters", "agent_key_id", "mode", "detection", "diversion", "cookies", "mss", "cookie");

	private static final Set<String> DETECTION_KEYS = Set.of("start_syn_rate", "end_syn_rate", "start_rx_pps",
			"consecutive_samples");

	private static final Set<String> DIVERSION_KEYS = Set.of("target", "interface");

	private static final Set<String> COOKIE_KEYS = Set.of("mss", "timestamps", "sack", "window_scaling", "ecn");

	private HostsFileParser() {
	}

	public static List<HostConfig> parse(Path file) throws HostsFileException {
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
		return parse(file, text);
	}

	public static List<HostConfig> parse(Path file, String text) throws HostsFileException {
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
		List<HostConfig> hosts = new ArrayList<>();
		Map<InetAddress, Integer> seen = new HashMap<>();
		for (int i = 0; i < list.getValue().size(); i++) {
			HostConfig host = new EntryParser(file, "hosts[" + i + "]").host(list.getValue().get(i));
			Integer previous = seen.putIfAbsent(host.ip(), host.line());
			if (previous != null) {
				throw new HostsFileException(file, host.line(), "hosts[" + i + "].ip",
						host.ipText() + " is already configured at line " + previous);
			}
			hosts.add(host);
		}
		return List.copyOf(hosts);
	}

	private static int line(Node node) {
		return node.getStartMark().getLine() + 1;
	}

	private static String oneLine(@Nullable String s) {
		return (s != null) ? s.replace('\n', ' ').trim() : "invalid YAML";
	}

	/** Parses one entry; keeps the path prefix for messages. */
	private record EntryParser(Path file, String path) {

		HostConfig host(Node node) throws HostsFileException {
			Map<String, Node> fields = mapping(node, this.path, HOST_KEYS);
			InetAddress ip = ip(required(fields, node, "ip"));
			String mac = mac(required(fields, node, "mac"), "mac");
			String secretsAddr = hostPort(fields.containsKey("secrets_addr") ? fields.get("secrets_addr")
					: fields.get("local_addr"), fields.containsKey("secrets_addr") ? "secrets_addr" : "local_addr");
			boolean passthrough = bool(fields.get("passthrough"), "passthrough", false);
			List<FilterRule> filters = new ArrayList<>();
			FilterRule.FilterAction defaultAction = FilterRule.FilterAction.PASS;
			Node filterNode = fields.get("filters");
			if (filterNode != null && !isNull(filterNode)) {
				if (!(filterNode instanceof MappingNode map)) {
					throw error(filterNode, "filters", "must be a mapping of pcap expression to drop|pass");
				}
				for (NodeTuple tuple : map.getValue()) {
					String expression = scalar(tuple.getKeyNode(), "filters");
					FilterRule.FilterAction action = action(tuple.getValueNode(), "filters[" + expression + "]");
					if (expression.equals("default")) {
						defaultAction = action;
					}
					else if (expression.isBlank()) {
						throw error(tuple.getKeyNode(), "filters", "empty pcap expression");
					}
					else {
						filters.add(new FilterRule(expression, action));
					}
				}
			}
			String keyId = text(fields.get("agent_key_id"), "agent_key_id");
			ProtectionMode mode = mode(fields.get("mode"));
			DetectionOverrides detection = detection(fields.get("detection"));
			DiversionTarget diversion = diversion(fields.get("diversion"));
			CookieOptions cookies = cookies(fields.get("cookies"), fields.get("mss"));
			return new HostConfig(ip, mac, secretsAddr, passthrough, filters, defaultAction, keyId, mode, detection,
					diversion, cookies, line(node));
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

		private Node required(Map<String, Node> fields, Node entry, String key) throws HostsFileException {
			Node value = fields.get(key);
			if (value == null || isNull(value)) {
				throw error(entry, key, "is required");
			}
			return value;
		}

		private InetAddress ip(Node node) throws HostsFileException {
			String text = scalar(node, "ip");
			if (!text.matches("[0-9.]+|[0-9a-fA-F:.]+") || !text.contains(".") && !text.contains(":")) {
				throw error(node, "ip", "'" + text + "' is not an IPv4 or IPv6 address");
			}
			try {
				return InetAddress.getByName(text); // literal only, checked above: never a DNS lookup
			}
			catch (IOException ex) {
				throw error(node, "ip", "'" + text + "' is not an IPv4 or IPv6 address");
			}
		}

		private String mac(Node node, String field) throws HostsFileException {
			String text = scalar(node, field);
			if (!MAC.matcher(text).matches()) {
				throw error(node, field, "'" + text + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
			}
			return text.toLowerCase(Locale.ROOT);
		}

		private @Nullable String hostPort(@Nullable Node node, String field) throws HostsFileException {
			if (node == null || isNull(node)) {
				return null;
			}
			String text = scalar(node, field);
			var m = HOST_PORT.matcher(text.replaceFirst("^(udp|tcp)://", ""));
			if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
				throw error(node, field, "'" + text + "' is not host:port");
			}
			return text;
		}

		private boolean bool(@Nullable Node node, String field, boolean fallback) throws HostsFileException {
			if (node == null || isNull(node)) {
				return fallback;
			}
			String text = scalar(node, field).toLowerCase(Locale.ROOT);
			return switch (text) {
				case "true", "yes", "on" -> true;
				case "false", "no", "off" -> false;
				default -> throw error(node, field, "'" + text + "' is not true or false");
			};
		}

		private @Nullable Boolean optionalBool(@Nullable Node node, String field) throws HostsFileException {
			return (node == null || isNull(node)) ? null : bool(node, field, false);
		}

		private @Nullable String text(@Nullable Node node, String field) throws HostsFileException {
			if (node == null || isNull(node)) {
				return null;
			}
			String text = scalar(node, field);
			if (text.isBlank()) {
				throw error(node, field, "must not be empty");
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

		private FilterRule.FilterAction action(Node node, String field) throws HostsFileException {
			String text = scalar(node, field).toLowerCase(Locale.ROOT);
			return switch (text) {
				case "pass" -> FilterRule.FilterAction.PASS;
				case "drop" -> FilterRule.FilterAction.DROP;
				default -> throw error(node, field, "'" + text + "' is not drop or pass");
			};
		}

		private ProtectionMode mode(@Nullable Node node) throws HostsFileException {
			if (node == null || isNull(node)) {
				return ProtectionMode.MANUAL;
			}
			String text = scalar(node, "mode");
			return switch (text.toLowerCase(Locale.ROOT)) {
				case "auto" -> ProtectionMode.AUTO;
				case "manual" -> ProtectionMode.MANUAL;
				case "off" -> ProtectionMode.OFF;
				default -> throw error(node, "mode", "'" + text + "' is not auto, manual or off");
			};
		}

		private DetectionOverrides detection(@Nullable Node node) throws HostsFileException {
			if (node == null || isNull(node)) {
				return DetectionOverrides.NONE;
			}
			Map<String, Node> f = mapping(node, this.path + ".detection", DETECTION_KEYS);
			Long start = positiveLong(f.get("start_syn_rate"), "detection.start_syn_rate");
			Long end = positiveLong(f.get("end_syn_rate"), "detection.end_syn_rate");
			if (start != null && end != null && end >= start) {
				throw error(f.get("end_syn_rate"), "detection.end_syn_rate",
						"must be below detection.start_syn_rate (" + start + ") for hysteresis, got " + end);
			}
			Long samples = positiveLong(f.get("consecutive_samples"), "detection.consecutive_samples");
			if (samples != null && (samples < 1 || samples > 1000)) {
				throw error(f.get("consecutive_samples"), "detection.consecutive_samples", "must be 1..1000");
			}
			return new DetectionOverrides(start, end, positiveLong(f.get("start_rx_pps"), "detection.start_rx_pps"),
					(samples != null) ? samples.intValue() : null);
		}

		private @Nullable DiversionTarget diversion(@Nullable Node node) throws HostsFileException {
			if (node == null || isNull(node)) {
				return null;
			}
			Map<String, Node> f = mapping(node, this.path + ".diversion", DIVERSION_KEYS);
			String target = text(f.get("target"), "diversion.target");
			if (target == null) {
				throw error(node, "diversion.target", "is required when diversion is given");
			}
			return new DiversionTarget(target, text(f.get("interface"), "diversion.interface"));
		}

		private CookieOptions cookies(@Nullable Node node, @Nullable Node legacyMss) throws HostsFileException {
			Long mss = positiveLong(legacyMss, "mss");
			if (node == null || isNull(node)) {
				return (mss == null) ? CookieOptions.DEFAULTS
						: new CookieOptions(checkMss(legacyMss, mss, "mss"), null, null, null, null);
			}
			Map<String, Node> f = mapping(node, this.path + ".cookies", COOKIE_KEYS);
			Long cookieMss = positiveLong(f.get("mss"), "cookies.mss");
			if (cookieMss != null) {
				mss = cookieMss;
				legacyMss = f.get("mss");
			}
			return new CookieOptions((mss != null) ? checkMss(legacyMss, mss, "cookies.mss") : null,
					optionalBool(f.get("timestamps"), "cookies.timestamps"), optionalBool(f.get("sack"), "cookies.sack"),
					optionalBool(f.get("window_scaling"), "cookies.window_scaling"),
					optionalBool(f.get("ecn"), "cookies.ecn"));
		}

		private Integer checkMss(@Nullable Node node, long mss, String field) throws HostsFileException {
			if (mss < 536 || mss > 9000) {
				throw error(node, field, "must be 536..9000, got " + mss);
			}
			return (int) mss;
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

}

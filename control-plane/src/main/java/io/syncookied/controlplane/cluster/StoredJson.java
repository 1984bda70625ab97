package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The strict JSON form of every value the cluster keeps in etcd: one object with a format version {@code "v": 1},
 * then typed fields. Reading names the key and the field at fault, and refuses unknown fields, duplicate fields,
 * wrong types and other versions: a value written by a newer or broken node is skipped, never half understood.
 */
final class StoredJson {

	static final int VERSION = 1;

	private static final int MAX_TEXT = 256;

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final String key;

	private final JsonNode root;

	private final Set<String> read = new HashSet<>();

	private StoredJson(String key, JsonNode root) {
		this.key = key;
		this.root = root;
	}

	/** Starts reading the value of {@code key}: a JSON object of format version 1. */
	static StoredJson read(String key, byte[] value) throws CorruptValueException {
		JsonNode root;
		try {
			root = JSON.readTree(value);
		}
		catch (JacksonException ex) {
			throw new CorruptValueException(key, "not JSON (" + ex.getOriginalMessage() + ")");
		}
		if (root == null || !root.isObject()) {
			throw new CorruptValueException(key, "not a JSON object");
		}
		StoredJson json = new StoredJson(key, root);
		long version = json.number("v");
		if (version != VERSION) {
			throw new CorruptValueException(key, "unknown format version " + version + " (this node reads " + VERSION
					+ ")");
		}
		return json;
	}

	static ObjectNode write() {
		return JSON.createObjectNode().put("v", VERSION);
	}

	static byte[] bytes(ObjectNode node) {
		return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
	}

	String text(String field) throws CorruptValueException {
		JsonNode node = required(field);
		if (!node.isString()) {
			throw invalid(field, "must be a string");
		}
		String text = node.stringValue();
		if (text.length() > MAX_TEXT) {
			throw invalid(field, "longer than " + MAX_TEXT + " characters");
		}
		return text;
	}

	@Nullable String optionalText(String field) throws CorruptValueException {
		JsonNode node = this.root.get(field);
		if (node == null || node.isNull()) {
			this.read.add(field);
			return null;
		}
		return text(field);
	}

	long number(String field) throws CorruptValueException {
		JsonNode node = required(field);
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw invalid(field, "must be an integer");
		}
		return node.longValue();
	}

	long positive(String field) throws CorruptValueException {
		long n = number(field);
		if (n <= 0) {
			throw invalid(field, "must be positive, got " + n);
		}
		return n;
	}

	boolean flag(String field) throws CorruptValueException {
		JsonNode node = required(field);
		if (!node.isBoolean()) {
			throw invalid(field, "must be true or false");
		}
		return node.booleanValue();
	}

	/** An instant as ISO-8601 UTC text ({@code 2026-12-03T10:15:30.123Z}). */
	Instant instant(String field) throws CorruptValueException {
		String text = text(field);
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw invalid(field, "'" + text + "' is not an ISO-8601 instant");
		}
	}

	@Nullable Instant optionalInstant(String field) throws CorruptValueException {
		return (optionalText(field) == null) ? null : instant(field);
	}

	<E extends Enum<E>> E choice(String field, Class<E> type) throws CorruptValueException {
		String text = text(field);
		try {
			return Enum.valueOf(type, text);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(field, "'" + text + "' is none of " + java.util.Arrays.toString(type.getEnumConstants()));
		}
	}

	NodeId node(String field) throws CorruptValueException {
		try {
			return new NodeId(text(field));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(field, ex.getMessage());
		}
	}

	InetAddress ip(String field) throws CorruptValueException {
		try {
			return IpKeys.parse(text(field));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(field, ex.getMessage());
		}
	}

	URI uri(String field) throws CorruptValueException {
		String text = text(field);
		try {
			URI uri = new URI(text);
			if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
				throw invalid(field, "'" + text + "' is not an http(s) URL");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw invalid(field, "'" + text + "' is not a URL");
		}
	}

	/** Ends reading: a field nobody asked for is a value of another format, so the whole value is refused. */
	void done() throws CorruptValueException {
		for (String name : this.root.propertyNames()) {
			if (!this.read.contains(name)) {
				throw invalid(name, "unknown field");
			}
		}
	}

	/** An error about one field's meaning, found by the caller after reading it. */
	CorruptValueException invalid(String field, String problem) {
		return new CorruptValueException(this.key, "field '" + field + "' " + problem);
	}

	private JsonNode required(String field) throws CorruptValueException {
		this.read.add(field);
		JsonNode node = this.root.get(field);
		if (node == null || node.isNull()) {
			throw invalid(field, "is missing");
		}
		return node;
	}

}

package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one schema, checked mechanically: the C tables (src/engine/host_schema.h, secrets_schema.h), their Java mirrors
 * ({@link HostKey}, {@link SecretsKey}) and the field tables of docs/dataplane-worker-protocol.md must agree row for
 * row, so a key added in one place and forgotten in another fails the build.
 */
class HostSchemaTest {

	static final Path DOC = Path.of("../docs/dataplane-worker-protocol.md");

	private static final Pattern HOST_ROW = Pattern.compile(
			"X\\((\\w+),\\s*(DP|CP),\\s*(\\w+),\\s*(\\d+),\\s*(\\d+),\\s*\"([^\"]*)\",\\s*\"([^\"]*)\",\\s*\"([^\"]*)\"\\)");

	private static final Pattern SECRETS_ROW = Pattern.compile(
			"X\\((\\w+),\\s*(\\w+),\\s*(\\d+),\\s*(\\d+),\\s*\"([^\"]*)\",\\s*([01]),\\s*\"([^\"]*)\"\\)");

	@Test
	void hostKeysAreTheCTable() throws IOException {
		List<String> c = rows(Path.of("src/engine/host_schema.h"), HOST_ROW);
		List<String> java = new ArrayList<>();
		for (HostKey k : HostKey.values()) {
			java.add(String.join("|", k.key(), k.scope() == HostKey.Scope.DATAPLANE ? "DP" : "CP", k.type().name(),
					Long.toString(k.min()), Long.toString(k.max()), String.join("|", k.choices()), k.defaultText(),
					k.doc()));
		}
		assertEquals(c, java);
	}

	@Test
	void secretsKeysAreTheCTable() throws IOException {
		List<String> c = rows(Path.of("src/engine/secrets_schema.h"), SECRETS_ROW);
		List<String> java = new ArrayList<>();
		for (SecretsKey k : SecretsKey.values()) {
			java.add(String.join("|", k.key(), k.type().name(), Long.toString(k.min()), Long.toString(k.max()),
					k.choices(), k.required() ? "1" : "0", k.doc()));
		}
		assertEquals(c, java);
	}

	@Test
	void theDocsTablesAreTheSchema() throws IOException {
		String doc = Files.readString(DOC);
		assertEquals(hostTable(), between(doc, "host-keys"), "docs/dataplane-worker-protocol.md host-keys table");
		assertEquals(secretsTable(), between(doc, "secrets-keys"), "docs/dataplane-worker-protocol.md secrets table");
	}

	static String hostTable() {
		StringBuilder t = new StringBuilder("| key | used by | value | default | what it does |\n|---|---|---|---|---|\n");
		for (HostKey k : HostKey.values()) {
			t.append("| `").append(k.key()).append("` | ")
				.append(k.scope() == HostKey.Scope.DATAPLANE ? "both" : "control plane (dataplane: ignored)")
				.append(" | ").append(value(k)).append(" | ").append(k.defaultText().isEmpty() ? "" : "`" + k.defaultText() + "`")
				.append(" | ").append(k.doc()).append(" |\n");
		}
		return t.toString();
	}

	static String secretsTable() {
		StringBuilder t = new StringBuilder("| key | value | required | what it is |\n|---|---|---|---|\n");
		for (SecretsKey k : SecretsKey.values()) {
			String v = switch (k.type()) {
				case ADDR -> "IPv4 or IPv6 address";
				case U64 -> k.max() == 0 ? "unsigned decimal" : k.min() + ".." + k.max();
				case KEY -> "`<16 hex>.<16 hex>.`";
				case CHOICE -> "`" + k.choices().replace("|", "` \\| `") + "`";
				case PORTWS -> "`<port>:<window>:<window_ts>:<wscale>`, up to " + k.max() + " lines";
			};
			t.append("| `").append(k.key()).append("` | ").append(v).append(" | ").append(k.required() ? "yes" : "")
				.append(" | ").append(k.doc()).append(" |\n");
		}
		return t.toString();
	}

	private static String value(HostKey k) {
		return switch (k.type()) {
			case ADDR -> "IPv4 or IPv6 address";
			case MAC -> "unicast MAC";
			case BOOL -> "`true` \\| `false`";
			case UINT -> k.min() + ".." + k.max();
			case CHOICE -> "`" + String.join("` \\| `", k.choices()) + "`";
			case FILTERS -> "rules, up to " + k.max();
			case TEXT -> "text";
			case HOSTPORT -> "`host:port`";
			case MAP -> "mapping";
		};
	}

	private static String between(String doc, String name) {
		String begin = "<!-- " + name + ": generated from the schema by HostSchemaTest -->\n";
		String end = "<!-- /" + name + " -->";
		int a = doc.indexOf(begin);
		int b = doc.indexOf(end);
		assertTrue(a >= 0 && b > a, "markers " + begin.strip() + " and " + end + " in " + DOC);
		return doc.substring(a + begin.length(), b);
	}

	private static List<String> rows(Path header, Pattern row) throws IOException {
		List<String> out = new ArrayList<>();
		Matcher m = row.matcher(Files.readString(header));
		while (m.find()) {
			List<String> g = new ArrayList<>();
			for (int i = 1; i <= m.groupCount(); i++) {
				g.add(m.group(i));
			}
			out.add(String.join("|", g));
		}
		assertTrue(out.size() > 5, "rows found in " + header);
		return out;
	}

}

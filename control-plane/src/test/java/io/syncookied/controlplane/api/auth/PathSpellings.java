package io.syncookied.controlplane.api.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Generates other spellings of one canonical path, the ways proxies, servers and routers have disagreed about paths:
 * percent-encoded letters (either hex case), {@code ;} path parameters, encoded and doubled slashes, double encoding,
 * backslashes, dot segments (plain and encoded), case changes, trailing dots and slashes, control characters, and
 * the absolute form of the request target. None of them is the canonical path itself.
 */
final class PathSpellings {

	private PathSpellings() {
	}

	static List<String> of(String canonical, int port) {
		String[] segments = canonical.substring(1).split("/", -1);
		Set<String> out = new LinkedHashSet<>();
		for (int i = 0; i < segments.length; i++) {
			String s = segments[i];
			for (String changed : segmentVariants(s)) {
				out.add(join(segments, i, changed));
			}
			String before = "/" + String.join("/", java.util.Arrays.copyOfRange(segments, 0, i));
			String rest = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
			String prefix = (i == 0) ? "" : before;
			for (String separator : List.of("//", "/./", "/%2e/", "/%2E/", "/x/../", "/x/%2e%2e/", "/x/.%2e/",
					"/;/", "/;x=y/", "/%3b/", "/\\", "/%5c", "/%5C")) {
				out.add(prefix + separator + rest);
			}
			if (i > 0) {
				for (String slash : List.of("%2f", "%2F", "%252f", "%252F", "\\", "%5c", "%2f%2f", "%25%32%66")) {
					out.add(before + slash + rest);
				}
			}
		}
		for (String tail : List.of("/", "/.", "/..", "/%2e", "/%2e%2e", ";", ";jsessionid=0", "%00", "%0a", "%0d%0a",
				"%09", "%20", ".", "%2e", "#x", "?", "%3f", "%23x")) {
			out.add(canonical + tail);
		}
		out.add("/." + canonical);
		out.add("/.." + canonical);
		out.add("/%2e" + canonical);
		out.add(canonical.toUpperCase(Locale.ROOT));
		out.add("http://127.0.0.1:" + port + canonical.replaceFirst("^/([a-z]+)", "/$1;"));
		out.add("http://127.0.0.1:" + port + "/%61" + canonical.substring(2));
		out.add("http://127.0.0.1:" + port + "//" + canonical.substring(1));
		out.remove(canonical);
		return new ArrayList<>(out);
	}

	private static List<String> segmentVariants(String s) {
		List<String> out = new ArrayList<>();
		out.add(s + ";");
		out.add(s + ";jsessionid=0123456789ABCDEF");
		out.add(s + ";a=b");
		out.add(s + "%3b");
		out.add(s + "%3B");
		out.add(s + ".");
		out.add(s + "%2e");
		out.add(s + "%00");
		out.add(s + "%20");
		out.add(s.toUpperCase(Locale.ROOT));
		out.add(Character.toUpperCase(s.charAt(0)) + s.substring(1));
		out.add(encode(s.charAt(0), false) + s.substring(1));
		out.add(encode(s.charAt(0), true) + s.substring(1));
		out.add(s.substring(0, s.length() - 1) + encode(s.charAt(s.length() - 1), true));
		out.add("%25" + hex(s.charAt(0), false) + s.substring(1));
		StringBuilder all = new StringBuilder();
		s.chars().forEach(c -> all.append(encode((char) c, false)));
		out.add(all.toString());
		return out;
	}

	private static String encode(char c, boolean upper) {
		return "%" + hex(c, upper);
	}

	private static String hex(char c, boolean upper) {
		String h = String.format("%02x", (int) c);
		return upper ? h.toUpperCase(Locale.ROOT) : h;
	}

	private static String join(String[] segments, int at, String replacement) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < segments.length; i++) {
			b.append('/').append((i == at) ? replacement : segments[i]);
		}
		return b.toString();
	}

}

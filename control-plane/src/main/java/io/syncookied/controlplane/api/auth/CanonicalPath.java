package io.syncookied.controlplane.api.auth;

import java.util.Optional;

/**
 * Whether a raw request path is in the one canonical spelling the router and the access rules agree on. Servers,
 * proxies and frameworks disagree about {@code ;} parameters, encoded slashes, dot segments and double encoding, and
 * each disagreement has been an authorisation bypass somewhere; a path that needs any of them is refused, so there
 * is nothing left to disagree about. Allowed: {@code /}-separated segments of literal characters, with %-escapes only
 * for characters that need one (not for letters, digits, {@code -._~}, nor for {@code / \ % ;} or control
 * characters). One pass over the path, no backtracking.
 */
public final class CanonicalPath {

	private CanonicalPath() {
	}

	/** Why {@code rawPath} is not canonical, or empty when it is. */
	public static Optional<String> problem(String rawPath) {
		if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
			return Optional.of("no leading '/'");
		}
		int segmentStart = 1;
		for (int i = 1; i <= rawPath.length(); i++) {
			if (i == rawPath.length() || rawPath.charAt(i) == '/') {
				Optional<String> segment = segmentProblem(rawPath, segmentStart, i);
				if (segment.isPresent()) {
					return segment;
				}
				segmentStart = i + 1;
				continue;
			}
			char c = rawPath.charAt(i);
			if (c == ';') {
				return Optional.of("a ';' path parameter");
			}
			if (c == '\\') {
				return Optional.of("a backslash");
			}
			if (c < 0x20 || c == 0x7f) {
				return Optional.of("a control character");
			}
			if (c == '%') {
				Optional<String> escape = escapeProblem(rawPath, i);
				if (escape.isPresent()) {
					return escape;
				}
				i += 2;
			}
		}
		return Optional.empty();
	}

	private static Optional<String> segmentProblem(String path, int start, int end) {
		int length = end - start;
		if (length == 0 && end < path.length()) {
			return Optional.of("an empty segment ('//')");
		}
		if ((length == 1 && path.charAt(start) == '.') || (length == 2 && path.startsWith("..", start))) {
			return Optional.of("a dot segment ('" + path.substring(start, end) + "')");
		}
		return Optional.empty();
	}

	private static Optional<String> escapeProblem(String path, int at) {
		if (at + 2 >= path.length()) {
			return Optional.of("a truncated %-escape");
		}
		int high = Character.digit(path.charAt(at + 1), 16);
		int low = Character.digit(path.charAt(at + 2), 16);
		if (high < 0 || low < 0) {
			return Optional.of("a malformed %-escape");
		}
		int b = high * 16 + low;
		if (b == '/') {
			return Optional.of("an encoded '/'");
		}
		if (b == '\\') {
			return Optional.of("an encoded backslash");
		}
		if (b == '%') {
			return Optional.of("an encoded '%' (double encoding)");
		}
		if (b == ';') {
			return Optional.of("an encoded ';'");
		}
		if (b < 0x20 || b == 0x7f) {
			return Optional.of("an encoded control character");
		}
		if (unreserved(b)) {
			return Optional.of("'" + path.substring(at, at + 3) + "', an escape of '" + (char) b
					+ "', which is written as itself");
		}
		return Optional.empty();
	}

	/** RFC 3986 unreserved characters: an escape of one of these is never needed. */
	private static boolean unreserved(int b) {
		return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
				|| b == '_' || b == '~';
	}

}

package io.syncookied.controlplane.logging;

/**
 * Makes text safe to write into a line-oriented log: control characters (C0, DEL, C1), the Unicode line and
 * paragraph separators and the bidirectional overrides are written as escapes ({@code \n}, {@code \r}, {@code \t},
 * {@code \u001b}, ...). A request's reason, a path, a hosts-file value or an agent's hostname can then neither start
 * a forged log line, nor recolour or rewrite the terminal that shows the log, nor reorder what a reader sees.
 */
public final class LogText {

	private LogText() {
	}

	public static String escape(String text) {
		int first = firstUnsafe(text);
		if (first < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
		for (int i = first; i < text.length(); i++) {
			char c = text.charAt(i);
			if (!unsafe(c)) {
				out.append(c);
			}
			else if (c == '\n') {
				out.append("\\n");
			}
			else if (c == '\r') {
				out.append("\\r");
			}
			else if (c == '\t') {
				out.append("\\t");
			}
			else {
				out.append(String.format("\\u%04x", (int) c));
			}
		}
		return out.toString();
	}

	private static int firstUnsafe(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (unsafe(text.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	static boolean unsafe(char c) {
		return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
				|| (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
				|| c == '\u200f' || c == '\u061c';
	}

}

package io.syncookied.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.syncookied.telemetry.InterfaceCounters;

/**
 * Parsers for the kernel's counter files: /proc/net/netstat and /proc/net/snmp (pairs of lines
 * {@code Prefix: names...} / {@code Prefix: values...}) and /proc/net/dev. Pure functions over text.
 */
public final class ProcCounters {

	private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

	private ProcCounters() {
	}

	/** @return {@code "Prefix.Name" -> value} for every pair of lines, e.g. {@code TcpExt.SyncookiesSent} */
	public static Map<String, Long> parsePairs(String file, String text) {
		Map<String, Long> out = new HashMap<>();
		String[] lines = text.split("\n");
		int i = 0;
		while (i < lines.length) {
			if (lines[i].isBlank()) {
				i++;
				continue;
			}
			if (i + 1 >= lines.length) {
				throw new IllegalArgumentException(file + " line " + (i + 1) + ": header line without a value line");
			}
			String[] names = WHITESPACE.split(lines[i].trim());
			String[] values = WHITESPACE.split(lines[i + 1].trim());
			if (!names[0].endsWith(":") || !names[0].equals(values[0])) {
				throw new IllegalArgumentException(file + " line " + (i + 2) + ": prefix '" + values[0]
						+ "' does not match header '" + names[0] + "'");
			}
			if (names.length != values.length) {
				throw new IllegalArgumentException(file + " line " + (i + 2) + ": " + (values.length - 1)
						+ " values for " + (names.length - 1) + " names");
			}
			String prefix = names[0].substring(0, names[0].length() - 1);
			for (int j = 1; j < names.length; j++) {
				try {
					out.put(prefix + "." + names[j], Long.parseLong(values[j]));
				}
				catch (NumberFormatException ex) {
					// u64 counters past 2^63 still parse, as their two's-complement bits
					try {
						out.put(prefix + "." + names[j], Long.parseUnsignedLong(values[j]));
					}
					catch (NumberFormatException ex2) {
						throw new IllegalArgumentException(file + " line " + (i + 2) + ", " + prefix + "." + names[j]
								+ ": not a number: '" + values[j] + "'");
					}
				}
			}
			i += 2;
		}
		return out;
	}

	/** Parses /proc/net/dev into receive counters per interface, in file order. */
	public static List<InterfaceCounters> parseNetDev(String text) {
		List<InterfaceCounters> out = new ArrayList<>();
		String[] lines = text.split("\n");
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			int colon = line.indexOf(':');
			if (i < 2 || line.isBlank()) {
				continue; // two header lines
			}
			if (colon < 0) {
				throw new IllegalArgumentException("net/dev line " + (i + 1) + ": no 'name:' prefix");
			}
			String name = line.substring(0, colon).trim();
			String[] f = WHITESPACE.split(line.substring(colon + 1).trim());
			if (f.length < 4) {
				throw new IllegalArgumentException("net/dev line " + (i + 1) + ", " + name + ": " + f.length
						+ " fields, expected at least 4 receive counters");
			}
			try {
				out.add(new InterfaceCounters(name, Long.parseUnsignedLong(f[1]), Long.parseUnsignedLong(f[0]),
						Long.parseUnsignedLong(f[3])));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("net/dev line " + (i + 1) + ", " + name + ": not a number");
			}
		}
		return out;
	}

}

package io.syncookied.router.bgp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The communities a diversion route carries: standard ones (RFC 1997, {@code 65000:666} or a well-known name) and
 * large ones (RFC 8092, {@code 65000:1:2}). Kept as numbers, so what the operator wrote and what GoBGP reports
 * compare equal whatever the spelling, and sent to GoBGP in numeric form (its CLI parses fewer names than it prints).
 */
public record Communities(List<Long> standard, List<Large> large) {

	/** RFC 1997, RFC 3765, RFC 7999, RFC 8326 well-known communities. */
	static final Map<String, Long> WELL_KNOWN = Map.of("no-export", 0xFFFFFF01L, "no-advertise", 0xFFFFFF02L,
			"no-export-subconfed", 0xFFFFFF03L, "no-peer", 0xFFFFFF04L, "blackhole", 0xFFFF029AL, "graceful-shutdown",
			0xFFFF0000L);

	static final Communities NONE = new Communities(List.of(), List.of());

	public record Large(long global, long local1, long local2) {

		@Override
		public String toString() {
			return this.global + ":" + this.local1 + ":" + this.local2;
		}

	}

	public Communities {
		standard = List.copyOf(new LinkedHashSet<>(standard));
		large = List.copyOf(new LinkedHashSet<>(large));
	}

	/** Parses {@code A:B} (16-bit each) or a well-known name; the error names the bad value. */
	static long parseStandard(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		Long known = WELL_KNOWN.get(t);
		if (known != null) {
			return known;
		}
		String[] p = t.split(":", -1);
		if (p.length != 2) {
			throw new IllegalArgumentException("'" + text + "' is not a community such as 65000:666 or no-export");
		}
		return (field(text, p[0], 0xFFFF) << 16) | field(text, p[1], 0xFFFF);
	}

	/** Parses {@code A:B:C} (32-bit each). */
	static Large parseLarge(String text) {
		String[] p = text.trim().split(":", -1);
		if (p.length != 3) {
			throw new IllegalArgumentException("'" + text + "' is not a large community such as 65000:1:2");
		}
		return new Large(field(text, p[0], 0xFFFFFFFFL), field(text, p[1], 0xFFFFFFFFL),
				field(text, p[2], 0xFFFFFFFFL));
	}

	private static long field(String text, String part, long max) {
		try {
			long v = Long.parseLong(part);
			if (v >= 0 && v <= max) {
				return v;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("'" + text + "': '" + part + "' is not a number between 0 and " + max);
	}

	/** The form operators read: well-known names where there is one, else {@code A:B}; then large ones. */
	public List<String> texts() {
		List<String> out = new ArrayList<>();
		for (long c : this.standard) {
			out.add(WELL_KNOWN.entrySet()
				.stream()
				.filter(e -> e.getValue() == c)
				.map(Map.Entry::getKey)
				.findFirst()
				.orElse((c >>> 16) + ":" + (c & 0xFFFF)));
		}
		this.large.forEach(l -> out.add(l.toString()));
		return out;
	}

	/** Whether every community of {@code wanted} is here (a route may carry more, added by policy). */
	boolean containsAll(Communities wanted) {
		return Set.copyOf(this.standard).containsAll(wanted.standard) && Set.copyOf(this.large).containsAll(wanted.large);
	}

	/** The {@code community ... large-community ...} arguments of {@code gobgp global rib add}. */
	List<String> cliArgs() {
		List<String> args = new ArrayList<>();
		if (!this.standard.isEmpty()) {
			args.add("community");
			args.add(String.join(",", this.standard.stream().map(c -> (c >>> 16) + ":" + (c & 0xFFFF)).toList()));
		}
		if (!this.large.isEmpty()) {
			args.add("large-community");
			args.add(String.join(",", this.large.stream().map(Large::toString).toList()));
		}
		return args;
	}

}

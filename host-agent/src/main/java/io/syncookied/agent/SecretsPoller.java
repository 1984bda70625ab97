package io.syncookied.agent;

import java.util.Arrays;

/**
 * The cheap check the agent runs ten times a second between reports: has /proc/tcp_secrets changed in anything
 * but its clock fields, and where does its clock stand? It compares raw bytes and parses two numbers, leaving the
 * full parse and digest to the (rare) report that follows a change. Collector-thread confined.
 */
final class SecretsPoller {

	private static final byte[] TCP_CLOCK = ascii("tcp_clock_ms ");

	/** Extended lines whose change is worth an immediate report (the keys and what changes their use). */
	private static final byte[][] WATCHED = { ascii("format "), ascii("syncookie6_secret0 "), ascii("syncookie6_secret1 "),
			ascii("ts_offset_rule "), ascii("net_secret "), ascii("ts_secret "), ascii("tcp_syncookies "),
			ascii("tcp_timestamps "), ascii("tcp_sack "), ascii("tcp_window_scaling "), ascii("tcp_ecn "),
			ascii("overflow_hook ") };

	private static byte[] ascii(String s) {
		return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
	}

	private static boolean isWatched(byte[] raw, int start) {
		for (byte[] prefix : WATCHED) {
			if (startsWith(raw, start, prefix)) {
				return true;
			}
		}
		return false;
	}

	private static boolean startsWith(byte[] a, int at, byte[] prefix) {
		if (at + prefix.length > a.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (a[at + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private byte[] lastStable = new byte[0];

	/** Clock fields of the last {@link #poll}: jiffies, HZ, tcp_clock_ms (-1 absent). */
	long jiffies;

	long hz;

	long tcpClockMs;

	/**
	 * @return true if anything but the clock fields differs from the previous call (always true the first time)
	 * @throws IllegalArgumentException if the clock fields do not parse (the full parser will say why)
	 */
	boolean poll(byte[] raw) {
		int eol = indexOf(raw, (byte) '\n', 0);
		if (eol < 0) {
			throw new IllegalArgumentException("tcp_secrets: no complete first line");
		}
		long[] header = new long[3];
		int field = 0;
		long value = -1;
		for (int i = 0; i <= eol; i++) {
			byte b = raw[i];
			if (b >= '0' && b <= '9') {
				value = ((value < 0) ? 0 : value * 10) + (b - '0');
			}
			else if (value >= 0) {
				if (field == 3) {
					throw new IllegalArgumentException("tcp_secrets: header has more than 3 fields");
				}
				header[field++] = value;
				value = -1;
			}
		}
		if (field != 3 || header[2] == 0) {
			throw new IllegalArgumentException("tcp_secrets: header does not parse");
		}
		this.jiffies = header[0];
		this.hz = header[2];
		this.tcpClockMs = -1;
		// the stable part: the two key lines plus the extended lines that matter for cookies; the clock lines and
		// counters such as the module's overflow_hook_calls change all the time and must not look like a change
		java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream(raw.length);
		int lineNo = 1;
		for (int start = eol + 1; start < raw.length;) {
			int end = indexOf(raw, (byte) '\n', start);
			end = (end < 0) ? raw.length : end;
			lineNo++;
			if (startsWith(raw, start, TCP_CLOCK)) {
				long ms = 0;
				for (int i = start + TCP_CLOCK.length; i < end; i++) {
					if (raw[i] < '0' || raw[i] > '9') {
						throw new IllegalArgumentException("tcp_secrets: tcp_clock_ms does not parse");
					}
					ms = ms * 10 + (raw[i] - '0');
				}
				this.tcpClockMs = ms;
			}
			else if (lineNo <= 3 || isWatched(raw, start)) {
				kept.write(raw, start, end - start);
				kept.write('\n');
			}
			start = end + 1;
		}
		byte[] stable = kept.toByteArray();
		boolean changed = !Arrays.equals(stable, this.lastStable);
		this.lastStable = stable;
		return changed;
	}

	/** Forget the last content, so the next poll reports a change (after a failed send). */
	void reset() {
		this.lastStable = new byte[0];
	}

	/** Wall clock minus the host's TCP clock (or jiffies in ms for the original format). */
	long clockOffset(long wallMs) {
		return wallMs - ((this.tcpClockMs >= 0) ? this.tcpClockMs : this.jiffies * 1000 / this.hz);
	}

	private static int indexOf(byte[] a, byte b, int from) {
		for (int i = from; i < a.length; i++) {
			if (a[i] == b) {
				return i;
			}
		}
		return -1;
	}

}

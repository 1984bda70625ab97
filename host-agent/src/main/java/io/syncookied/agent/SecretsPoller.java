package io.syncookied.agent;

import java.util.Arrays;

/**
 * The cheap check the agent runs ten times a second between reports: has /proc/tcp_secrets changed in anything
 * but its clock fields, and where does its clock stand? It compares raw bytes and parses two numbers, leaving the
 * full parse and digest to the (rare) report that follows a change. Collector-thread confined.
 */
final class SecretsPoller {

	private static final byte[] TCP_CLOCK = "tcp_clock_ms ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

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
		// the stable part: everything after line 1, without the tcp_clock_ms line
		byte[] stable = Arrays.copyOfRange(raw, eol + 1, raw.length);
		int at = find(stable, TCP_CLOCK);
		if (at >= 0) {
			int end = indexOf(stable, (byte) '\n', at);
			end = (end < 0) ? stable.length : end;
			long ms = 0;
			for (int i = at + TCP_CLOCK.length; i < end; i++) {
				if (stable[i] < '0' || stable[i] > '9') {
					throw new IllegalArgumentException("tcp_secrets: tcp_clock_ms does not parse");
				}
				ms = ms * 10 + (stable[i] - '0');
			}
			this.tcpClockMs = ms;
			Arrays.fill(stable, at, end, (byte) ' ');
		}
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

	private static int find(byte[] a, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= a.length; i++) {
			if (i > 0 && a[i - 1] != '\n') {
				continue;
			}
			for (int j = 0; j < needle.length; j++) {
				if (a[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}

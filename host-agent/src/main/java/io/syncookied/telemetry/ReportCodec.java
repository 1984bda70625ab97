package io.syncookied.telemetry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncookied.common.SipKey;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes the REPORT plaintext: a sequence of elements {@code tag(u8) length(u16 BE) value}, each
 * tag at most once, unknown tags skipped. All integers are big-endian. docs/protocol.md has the table.
 */
public final class ReportCodec {

	static final int TAG_CLOCK = 1;

	static final int TAG_SECRETS = 2;

	static final int TAG_SYSCTLS = 3;

	static final int TAG_TCP_COUNTERS = 4;

	static final int TAG_INTERFACES = 5;

	static final int TAG_HOSTNAME = 6;

	static final int TAG_SECRETS_DIGEST = 7;

	static final int TAG_STATUS = 8;

	static final int TAG_TCP_PROFILE = 9;

	/** wscale u8, then the four windows u16. */
	static final int SYN_ACK_WINDOW_LENGTH = 9;

	private static final int PROFILE_FLAG_DEFAULTS = 1;

	static final int CLOCK_LENGTH = 32;

	private static final int SECRETS_FLAG_IPV6 = 1;

	private static final int SECRETS_FLAG_TS_OFFSET = 2;

	private ReportCodec() {
	}

	/** Encodes into {@code out} from its position; throws if the report cannot fit a datagram. */
	public static void encode(AgentReport report, ByteBuffer out) throws MalformedDatagramException {
		try {
			byte[] host = report.hostname().getBytes(StandardCharsets.UTF_8);
			element(out, TAG_HOSTNAME, host.length).put(host);
			element(out, TAG_STATUS, 5).put((byte) report.trigger().code()).putInt(report.readErrors());
			ClockSample clock = report.clock();
			if (clock != null) {
				element(out, TAG_CLOCK, CLOCK_LENGTH).putLong(clock.jiffies())
					.putInt(clock.hz())
					.putInt((int) clock.cookieCount())
					.putLong(clock.tcpClockMs())
					.putLong(clock.sampledAtMs());
			}
			TcpSecrets secrets = report.secrets();
			if (secrets != null) {
				writeSecrets(element(out, TAG_SECRETS, secretsLength(secrets)), secrets);
			}
			if (report.hasSecretsDigest()) {
				element(out, TAG_SECRETS_DIGEST, 8).putLong(report.secretsDigest());
			}
			int[] sysctls = report.sysctls().toArray();
			element(out, TAG_SYSCTLS, 1 + sysctls.length * 5).put((byte) sysctls.length);
			for (int i = 0; i < sysctls.length; i++) {
				out.put((byte) (i + 1)).putInt(sysctls[i]);
			}
			long[] counters = report.counters().toArray();
			element(out, TAG_TCP_COUNTERS, 1 + counters.length * 9).put((byte) counters.length);
			for (int i = 0; i < counters.length; i++) {
				out.put((byte) (i + 1)).putLong(counters[i]);
			}
			TcpProfile profile = report.tcpProfile();
			if (profile.isKnown()) {
				SynAckWindow d = profile.defaults();
				int length = 2 + ((d != null) ? SYN_ACK_WINDOW_LENGTH : 0)
						+ profile.byPort().size() * (2 + SYN_ACK_WINDOW_LENGTH);
				element(out, TAG_TCP_PROFILE, length).put((byte) ((d != null) ? PROFILE_FLAG_DEFAULTS : 0));
				if (d != null) {
					putWindow(out, d);
				}
				out.put((byte) profile.byPort().size());
				for (Map.Entry<Integer, SynAckWindow> e : profile.byPort().entrySet()) {
					putWindow(out.putShort((short) e.getKey().intValue()), e.getValue());
				}
			}
			int ifLength = 1;
			for (InterfaceCounters ifc : report.interfaces()) {
				ifLength += 1 + ifc.name().length() + 24;
			}
			element(out, TAG_INTERFACES, ifLength).put((byte) report.interfaces().size());
			for (InterfaceCounters ifc : report.interfaces()) {
				byte[] name = ifc.name().getBytes(StandardCharsets.US_ASCII);
				out.put((byte) name.length).put(name).putLong(ifc.rxPackets()).putLong(ifc.rxBytes())
					.putLong(ifc.rxDrops());
			}
		}
		catch (java.nio.BufferOverflowException ex) {
			throw new MalformedDatagramException("report: does not fit in " + out.capacity() + " bytes");
		}
	}

	/**
	 * The report with as many of its profile's ports as fit a plaintext of {@code capacity} bytes (the defaults
	 * first, then the lowest ports): a report of a host with many long interface names and a 64-byte name has room
	 * for 6 ports, a typical one for all 16. The same report when everything fits.
	 */
	public static AgentReport fitTcpProfile(AgentReport report, int capacity) throws MalformedDatagramException {
		TcpProfile p = report.tcpProfile();
		if (!p.isKnown()) {
			return report;
		}
		ByteBuffer scratch = ByteBuffer.allocate(capacity);
		encode(withProfile(report, TcpProfile.UNKNOWN), scratch);
		int room = scratch.remaining() - 3 - 2 - ((p.defaults() != null) ? SYN_ACK_WINDOW_LENGTH : 0);
		int ports = Math.max(0, Math.min(p.byPort().size(), room / (2 + SYN_ACK_WINDOW_LENGTH)));
		if (room < 0) {
			return withProfile(report, TcpProfile.UNKNOWN);
		}
		if (ports == p.byPort().size()) {
			return report;
		}
		Map<Integer, SynAckWindow> kept = new java.util.TreeMap<>();
		p.byPort().entrySet().stream().limit(ports).forEach(e -> kept.put(e.getKey(), e.getValue()));
		return withProfile(report, new TcpProfile(p.defaults(), kept));
	}

	private static AgentReport withProfile(AgentReport r, TcpProfile p) {
		return new AgentReport(r.hostname(), r.trigger(), r.clock(), r.secrets(), r.secretsDigest(), r.hasSecretsDigest(),
				r.sysctls(), r.counters(), r.interfaces(), r.readErrors(), p);
	}

	private static void putWindow(ByteBuffer out, SynAckWindow w) {
		out.put((byte) w.wscale()).putShort((short) w.window4()).putShort((short) w.window4Ts())
			.putShort((short) w.window6()).putShort((short) w.window6Ts());
	}

	private static ByteBuffer element(ByteBuffer out, int tag, int length) {
		return out.put((byte) tag).putShort((short) length);
	}

	static int secretsLength(TcpSecrets s) {
		return 4 + 32 + ((s.secret6x0() != null) ? 32 : 0) + ((s.tsOffsetSecret() != null) ? 16 : 0);
	}

	static void writeSecrets(ByteBuffer out, TcpSecrets s) {
		SipKey v6a = s.secret6x0();
		SipKey v6b = s.secret6x1();
		SipKey ts = s.tsOffsetSecret();
		int flags = ((v6a != null) ? SECRETS_FLAG_IPV6 : 0) | ((ts != null) ? SECRETS_FLAG_TS_OFFSET : 0);
		out.put((byte) flags).put((byte) s.format()).put((byte) s.tsOffsetRule().code()).put((byte) 0);
		putKey(out, s.secret0());
		putKey(out, s.secret1());
		if (v6a != null && v6b != null) {
			putKey(out, v6a);
			putKey(out, v6b);
		}
		if (ts != null) {
			putKey(out, ts);
		}
	}

	private static void putKey(ByteBuffer out, SipKey key) {
		out.putLong(key.w0()).putLong(key.w1());
	}

	/** Decoded plaintext plus the digest of the secrets element when one was present. */
	public record Decoded(AgentReport report, long receivedSecretsDigest) {
	}

	public static Decoded decode(byte[] buf, int offset, int length) throws MalformedDatagramException {
		ByteBuffer in = ByteBuffer.wrap(buf, offset, length);
		@Nullable String hostname = null;
		@Nullable ReportTrigger trigger = null;
		int readErrors = 0;
		ClockSample clock = null;
		TcpSecrets secrets = null;
		long secretsDigest = 0;
		boolean hasDigest = false;
		long receivedDigest = 0;
		Sysctls sysctls = Sysctls.NONE;
		TcpCounters counters = TcpCounters.NONE;
		List<InterfaceCounters> interfaces = List.of();
		TcpProfile tcpProfile = TcpProfile.UNKNOWN;
		int seen = 0;
		while (in.hasRemaining()) {
			if (in.remaining() < 3) {
				throw new MalformedDatagramException("element header: truncated at offset " + in.position());
			}
			int tag = in.get() & 0xff;
			int len = in.getShort() & 0xffff;
			if (len > in.remaining()) {
				throw new MalformedDatagramException("element " + tag + ": length " + len + " exceeds the "
						+ in.remaining() + " bytes left");
			}
			if (tag < 32) {
				if ((seen & (1 << tag)) != 0) {
					throw new MalformedDatagramException("element " + tag + ": appears twice");
				}
				seen |= 1 << tag;
			}
			ByteBuffer v = in.slice(in.position(), len);
			in.position(in.position() + len);
			switch (tag) {
				case TAG_HOSTNAME -> hostname = decodeHostname(v);
				case TAG_STATUS -> {
					expectLength("status", v, 5);
					trigger = ReportTrigger.fromCode(v.get() & 0xff);
					if (trigger == null) {
						trigger = ReportTrigger.INTERVAL; // a newer agent's reason: still a report
					}
					readErrors = v.getInt();
				}
				case TAG_CLOCK -> {
					expectLength("clock", v, CLOCK_LENGTH);
					long jiffies = v.getLong();
					int hz = v.getInt();
					long count = v.getInt() & 0xffffffffL;
					long tcpClock = v.getLong();
					long sampledAt = v.getLong();
					if (hz <= 0 || hz > 100_000) {
						throw new MalformedDatagramException("clock.hz: " + hz + " is not a plausible HZ");
					}
					if (tcpClock < ClockSample.ABSENT) {
						throw new MalformedDatagramException("clock.tcp_clock_ms: negative");
					}
					clock = new ClockSample(jiffies, hz, count, tcpClock, sampledAt);
				}
				case TAG_SECRETS -> {
					secrets = decodeSecrets(v);
					receivedDigest = SecretsDigest.of(secrets);
				}
				case TAG_SECRETS_DIGEST -> {
					expectLength("secrets_digest", v, 8);
					secretsDigest = v.getLong();
					hasDigest = true;
				}
				case TAG_SYSCTLS -> sysctls = Sysctls.fromArray(decodeInts(v));
				case TAG_TCP_COUNTERS -> counters = TcpCounters.fromArray(decodeLongs(v));
				case TAG_INTERFACES -> interfaces = decodeInterfaces(v);
				case TAG_TCP_PROFILE -> tcpProfile = decodeTcpProfile(v);
				default -> {
					// unknown element from a newer agent: skipped, length already checked
				}
			}
		}
		if (hostname == null || trigger == null) {
			throw new MalformedDatagramException((hostname == null) ? "hostname: element missing"
					: "status: element missing");
		}
		if (secrets != null && clock == null) {
			throw new MalformedDatagramException("secrets: element sent without a clock element");
		}
		try {
			return new Decoded(new AgentReport(hostname, trigger, clock, secrets, secretsDigest, hasDigest, sysctls,
					counters, interfaces, readErrors, tcpProfile), receivedDigest);
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedDatagramException(ex.getMessage());
		}
	}

	private static void expectLength(String name, ByteBuffer v, int expected) throws MalformedDatagramException {
		if (v.remaining() != expected) {
			throw new MalformedDatagramException(name + ": length " + v.remaining() + ", expected " + expected);
		}
	}

	private static String decodeHostname(ByteBuffer v) throws MalformedDatagramException {
		if (v.remaining() > Protocol.MAX_HOSTNAME) {
			throw new MalformedDatagramException("hostname: longer than " + Protocol.MAX_HOSTNAME + " bytes");
		}
		byte[] bytes = new byte[v.remaining()];
		v.get(bytes);
		var decoder = StandardCharsets.UTF_8.newDecoder();
		try {
			return decoder.decode(ByteBuffer.wrap(bytes)).toString();
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			throw new MalformedDatagramException("hostname: not UTF-8");
		}
	}

	static TcpSecrets decodeSecrets(ByteBuffer v) throws MalformedDatagramException {
		if (v.remaining() < 36) {
			throw new MalformedDatagramException("secrets: length " + v.remaining() + " is below 36");
		}
		int flags = v.get() & 0xff;
		int format = v.get() & 0xff;
		TsOffsetRule rule = TsOffsetRule.fromCode(v.get() & 0xff);
		int reserved = v.get() & 0xff;
		if ((flags & ~(SECRETS_FLAG_IPV6 | SECRETS_FLAG_TS_OFFSET)) != 0 || reserved != 0) {
			throw new MalformedDatagramException("secrets.flags: unknown bits 0x" + Integer.toHexString(flags));
		}
		if (format == 0) {
			// 1 = original 3-line file, 2 = extended; higher values are newer module formats, still valid
			throw new MalformedDatagramException("secrets.format: 0 (expected 1 or more)");
		}
		if (rule == null) {
			throw new MalformedDatagramException("secrets.ts_offset_rule: unknown code");
		}
		int expected = 36 + (((flags & SECRETS_FLAG_IPV6) != 0) ? 32 : 0)
				+ (((flags & SECRETS_FLAG_TS_OFFSET) != 0) ? 16 : 0);
		if (v.remaining() + 4 != expected) {
			throw new MalformedDatagramException("secrets: length " + (v.remaining() + 4) + ", flags say " + expected);
		}
		SipKey s0 = new SipKey(v.getLong(), v.getLong());
		SipKey s1 = new SipKey(v.getLong(), v.getLong());
		SipKey v6a = null;
		SipKey v6b = null;
		if ((flags & SECRETS_FLAG_IPV6) != 0) {
			v6a = new SipKey(v.getLong(), v.getLong());
			v6b = new SipKey(v.getLong(), v.getLong());
		}
		SipKey ts = ((flags & SECRETS_FLAG_TS_OFFSET) != 0) ? new SipKey(v.getLong(), v.getLong()) : null;
		return new TcpSecrets(format, s0, s1, v6a, v6b, rule, ts);
	}

	private static int[] decodeInts(ByteBuffer v) throws MalformedDatagramException {
		int[] values = Sysctls.NONE.toArray();
		int n = countedEntries("sysctls", v, 5);
		for (int i = 0; i < n; i++) {
			int id = v.get() & 0xff;
			int value = v.getInt();
			if (id >= 1 && id <= values.length) {
				values[id - 1] = value;
			}
		}
		return values;
	}

	private static long[] decodeLongs(ByteBuffer v) throws MalformedDatagramException {
		long[] values = TcpCounters.NONE.toArray();
		int n = countedEntries("tcp_counters", v, 9);
		for (int i = 0; i < n; i++) {
			int id = v.get() & 0xff;
			long value = v.getLong();
			if (id >= 1 && id <= values.length) {
				values[id - 1] = value;
			}
		}
		return values;
	}

	private static int countedEntries(String name, ByteBuffer v, int entrySize) throws MalformedDatagramException {
		if (!v.hasRemaining()) {
			throw new MalformedDatagramException(name + ": empty");
		}
		int n = v.get() & 0xff;
		if (v.remaining() != n * entrySize) {
			throw new MalformedDatagramException(name + ": " + n + " entries need " + n * entrySize + " bytes, got "
					+ v.remaining());
		}
		return n;
	}

	static TcpProfile decodeTcpProfile(ByteBuffer v) throws MalformedDatagramException {
		if (v.remaining() < 2) {
			throw new MalformedDatagramException("tcp_profile: length " + v.remaining() + " is below 2");
		}
		int flags = v.get() & 0xff;
		if ((flags & ~PROFILE_FLAG_DEFAULTS) != 0) {
			throw new MalformedDatagramException("tcp_profile.flags: unknown bits 0x" + Integer.toHexString(flags));
		}
		boolean hasDefaults = (flags & PROFILE_FLAG_DEFAULTS) != 0;
		if (hasDefaults && v.remaining() < SYN_ACK_WINDOW_LENGTH + 1) {
			throw new MalformedDatagramException("tcp_profile.defaults: truncated");
		}
		SynAckWindow defaults = hasDefaults ? window("tcp_profile.defaults", v) : null;
		int n = v.get() & 0xff;
		if (n > TcpProfile.MAX_PORTS) {
			throw new MalformedDatagramException("tcp_profile.ports: " + n + " entries, limit " + TcpProfile.MAX_PORTS);
		}
		if (v.remaining() != n * (2 + SYN_ACK_WINDOW_LENGTH)) {
			throw new MalformedDatagramException("tcp_profile.ports: " + n + " entries need " + n * (2
					+ SYN_ACK_WINDOW_LENGTH) + " bytes, got " + v.remaining());
		}
		Map<Integer, SynAckWindow> byPort = new java.util.HashMap<>();
		for (int i = 0; i < n; i++) {
			int port = v.getShort() & 0xffff;
			if (port == 0 || byPort.containsKey(port)) {
				throw new MalformedDatagramException("tcp_profile.ports[" + i + "].port: " + port
						+ ((port == 0) ? " is not a port" : " appears twice"));
			}
			byPort.put(port, window("tcp_profile.ports[" + i + "]", v));
		}
		return new TcpProfile(defaults, byPort);
	}

	private static SynAckWindow window(String field, ByteBuffer v) throws MalformedDatagramException {
		try {
			return new SynAckWindow(v.get() & 0xff, v.getShort() & 0xffff, v.getShort() & 0xffff, v.getShort() & 0xffff,
					v.getShort() & 0xffff);
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedDatagramException(field + "." + ex.getMessage());
		}
	}

	private static List<InterfaceCounters> decodeInterfaces(ByteBuffer v) throws MalformedDatagramException {
		if (!v.hasRemaining()) {
			throw new MalformedDatagramException("interfaces: empty");
		}
		int n = v.get() & 0xff;
		if (n > Protocol.MAX_INTERFACES) {
			throw new MalformedDatagramException("interfaces: " + n + " entries, limit " + Protocol.MAX_INTERFACES);
		}
		List<InterfaceCounters> list = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			if (!v.hasRemaining()) {
				throw new MalformedDatagramException("interfaces[" + i + "]: truncated");
			}
			int nameLen = v.get() & 0xff;
			if (nameLen == 0 || nameLen > Protocol.MAX_INTERFACE_NAME || v.remaining() < nameLen + 24) {
				throw new MalformedDatagramException("interfaces[" + i + "].name: bad length " + nameLen);
			}
			byte[] name = new byte[nameLen];
			v.get(name);
			try {
				list.add(new InterfaceCounters(new String(name, StandardCharsets.US_ASCII), v.getLong(), v.getLong(),
						v.getLong()));
			}
			catch (IllegalArgumentException ex) {
				throw new MalformedDatagramException("interfaces[" + i + "]: " + ex.getMessage());
			}
		}
		if (v.hasRemaining()) {
			throw new MalformedDatagramException("interfaces: " + v.remaining() + " trailing bytes");
		}
		return list;
	}

}

package io.syncookied.dataplane.cookie;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Cross-checks the JNA binding against every real-kernel vector (Debian 6.1.192, see vectors/README.md). */
class SynCookiesVectorTest {

	private static final String VECTORS = "/vectors/linux-6.1-debian.tsv";

	record Vector(int line, Map<String, String> col) {
		String get(String name) {
			String v = col.get(name);
			if (v == null) {
				throw new IllegalStateException("line " + line + ": no column " + name);
			}
			return v;
		}

		long u32(String name) {
			return Long.parseLong(get(name));
		}

		@Override
		public String toString() {
			return "line " + line + " " + get("family") + " " + get("saddr") + ":" + get("sport") + " -> "
					+ get("daddr") + ":" + get("dport");
		}
	}

	static List<Vector> vectors() throws IOException {
		List<Vector> out = new ArrayList<>();
		try (InputStream in = SynCookiesVectorTest.class.getResourceAsStream(VECTORS)) {
			if (in == null) {
				throw new IllegalStateException("test resource " + VECTORS + " missing");
			}
			BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			String[] header = r.readLine().split("\t");
			String line;
			int n = 1;
			while ((line = r.readLine()) != null) {
				n++;
				String[] f = line.split("\t");
				assertEquals(header.length, f.length, "columns on line " + n);
				java.util.HashMap<String, String> m = new java.util.HashMap<>();
				for (int i = 0; i < header.length; i++) {
					m.put(header[i], f[i]);
				}
				out.add(new Vector(n, m));
			}
		}
		return out;
	}

	static Stream<Vector> allVectors() throws IOException {
		return vectors().stream();
	}

	@Test
	void allVectorsPresent() throws IOException {
		assertEquals(580, vectors().size());
	}

	@ParameterizedTest
	@MethodSource("allVectors")
	void reproducesTheKernel(Vector v) throws IOException {
		CookieSecret secret = new CookieSecret(SipKey.parse(v.get("k0")), SipKey.parse(v.get("k1")));
		TcpTuple t = new TcpTuple(InetAddress.getByName(v.get("saddr")), Integer.parseInt(v.get("sport")),
				InetAddress.getByName(v.get("daddr")), Integer.parseInt(v.get("dport")));
		long count = v.u32("count");
		long seq = v.u32("client_seq");
		int mss = v.get("mss_in").equals("none") ? (t.isIpv6() ? 1220 : 536) : Integer.parseInt(v.get("mss_in"));

		Cookie c = SynCookies.make(secret, count, t, seq, mss);
		assertEquals(new Cookie(v.u32("isn"), Integer.parseInt(v.get("mss_index")),
				Integer.parseInt(v.get("mss_encoded"))), c, v.toString());

		long ackSeq = (seq + 1) & 0xffff_ffffL;
		long ackAck = (c.isn() + 1) & 0xffff_ffffL;
		assertEquals(OptionalInt.of(c.mss()), SynCookies.check(secret, count, t, ackSeq, ackAck));
		assertEquals(OptionalInt.of(c.mss()), SynCookies.check(secret, count + 1, t, ackSeq, ackAck));
		assertEquals(OptionalInt.empty(), SynCookies.check(secret, count + 2, t, ackSeq, ackAck));
		assertEquals(OptionalInt.empty(), SynCookies.check(secret, count - 1, t, ackSeq, ackAck));
		assertEquals(OptionalInt.empty(), SynCookies.check(secret, count, t, ackSeq, ackAck ^ (1L << 17)));

		if (!v.get("tsval").equals("none")) {
			OptionalInt ws = v.get("wscale_in").equals("none") ? OptionalInt.empty()
					: OptionalInt.of(Integer.parseInt(v.get("wscale_in")));
			long tsval = SynCookies.tsval(Long.parseLong(v.get("ts_clock_ms")), v.u32("tsoff"), ws,
					v.get("sack_in").equals("1"), v.get("ecn_in").equals("1"));
			assertEquals(v.u32("tsval"), tsval, v.toString());
		}
	}

	@Test
	void legacyRoundTrip() throws IOException {
		int[] s0 = new int[17];
		int[] s1 = new int[17];
		for (int i = 0; i < 17; i++) {
			s0[i] = 0x9e3779b9 * (i + 1);
			s1[i] = 0x7f4a7c15 ^ (i * 0x01000193);
		}
		LegacySecret secret = new LegacySecret(s0, s1);
		for (String[] pair : new String[][] {{"192.0.2.7", "10.0.0.1"}, {"2001:db8::7", "fd00::1"}}) {
			TcpTuple t = new TcpTuple(InetAddress.getByName(pair[0]), 40000, InetAddress.getByName(pair[1]), 443);
			Cookie c = SynCookies.makeLegacy(secret, 1234, t, 0xfffffff0L, 1460);
			long ack = (c.isn() + 1) & 0xffff_ffffL;
			assertEquals(OptionalInt.of(c.mss()), SynCookies.checkLegacy(secret, 1235, t, 0xfffffff1L, ack));
			assertEquals(OptionalInt.empty(), SynCookies.checkLegacy(secret, 1236, t, 0xfffffff1L, ack));
		}
	}

	@Test
	void tsoffRulesDiffer() throws IOException {
		SipKey k = SipKey.parse("0123456789abcdef,fedcba9876543210");
		TcpTuple t = new TcpTuple(InetAddress.getByName("192.0.2.1"), 40000, InetAddress.getByName("10.0.0.1"), 443);
		assertEquals(0, SynCookies.tsoff(TsOffsetRule.UNKNOWN, k, t));
		long a = SynCookies.tsoff(TsOffsetRule.NET_SECRET, k, t);
		long b = SynCookies.tsoff(TsOffsetRule.TS_SECRET, k, t);
		assertTrue(a != b && a >= 0 && b >= 0 && a <= 0xffff_ffffL && b <= 0xffff_ffffL);
		// the 2026 rule depends on the ports, the older one does not
		TcpTuple otherPort = new TcpTuple(t.client(), 40001, t.server(), 443);
		assertTrue(a != SynCookies.tsoff(TsOffsetRule.NET_SECRET, k, otherPort));
		assertEquals(b, SynCookies.tsoff(TsOffsetRule.TS_SECRET, k, otherPort));
	}

	@Test
	void badInputsNameTheField() throws IOException {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SipKey.parse("xyz,1"));
		assertTrue(e.getMessage().startsWith("key:") && !e.getMessage().contains("xyz"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new TcpTuple(InetAddress.getByName("192.0.2.1"), 1,
				InetAddress.getByName("::1"), 2));
		assertTrue(e.getMessage().contains("both IPv4 or both IPv6"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new TcpTuple(InetAddress.getByName("192.0.2.1"),
				70000, InetAddress.getByName("10.0.0.1"), 2));
		assertTrue(e.getMessage().contains("clientPort"), e.getMessage());
		CookieSecret s = new CookieSecret(new SipKey(1, 2), new SipKey(3, 4));
		TcpTuple t = new TcpTuple(InetAddress.getByName("192.0.2.1"), 1, InetAddress.getByName("10.0.0.1"), 2);
		e = assertThrows(IllegalArgumentException.class, () -> SynCookies.make(s, -1, t, 0, 1460));
		assertTrue(e.getMessage().startsWith("count"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new LegacySecret(new int[3], new int[17]));
		assertTrue(e.getMessage().startsWith("slot0"), e.getMessage());
		assertEquals("SipKey[redacted]", new SipKey(1, 2).toString());
	}
}

package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.syncookied.common.SipKey;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;

class ReportCodecTest {

	@Test
	void roundTripsAFullReport() throws Exception {
		AgentReport report = Fixtures.report(true);
		byte[] bytes = Fixtures.encode(report);
		ReportCodec.Decoded decoded = ReportCodec.decode(bytes, 0, bytes.length);
		assertThat(decoded.report()).isEqualTo(report);
		assertThat(decoded.receivedSecretsDigest()).isEqualTo(SecretsDigest.of(report.secrets()));
	}

	@Test
	void roundTripsAMinimalReportFromTheOriginalFormat() throws Exception {
		TcpSecrets v1 = new TcpSecrets(1, new SipKey(1, 2), new SipKey(3, 4), null, null, TsOffsetRule.UNKNOWN, null);
		AgentReport report = new AgentReport("h", ReportTrigger.STARTUP,
				new ClockSample(100, 1000, 2, ClockSample.ABSENT, 5), v1, SecretsDigest.of(v1), true, Sysctls.NONE,
				TcpCounters.NONE, List.of(), AgentReport.ERR_NETSTAT | AgentReport.ERR_SNMP);
		byte[] bytes = Fixtures.encode(report);
		assertThat(ReportCodec.decode(bytes, 0, bytes.length).report()).isEqualTo(report);
	}

	@Test
	void aFullReportWithTheMostInterfacesFitsOneDatagram() throws Exception {
		List<InterfaceCounters> many = new java.util.ArrayList<>();
		for (int i = 0; i < Protocol.MAX_INTERFACES; i++) {
			many.add(new InterfaceCounters(String.format("enp%02ds0f1.40945", i).substring(0, 15), -2, -3, -4));
		}
		AgentReport base = Fixtures.report(true);
		AgentReport big = new AgentReport("x".repeat(64), base.trigger(), base.clock(), base.secrets(),
				base.secretsDigest(), true, base.sysctls(), base.counters(), many, 0, fullProfile());
		// all of it cannot fit: the profile keeps its defaults and as many ports as there is room for
		assertThatThrownBy(() -> Fixtures.encode(big)).hasMessageContaining("does not fit");
		AgentReport fitted = ReportCodec.fitTcpProfile(big, Protocol.MAX_PLAINTEXT);
		assertThat(fitted.tcpProfile().defaults()).isEqualTo(big.tcpProfile().defaults());
		assertThat(fitted.tcpProfile().byPort().keySet()).containsExactly(8000, 8001, 8002, 8003, 8004, 8005);
		byte[] bytes = Fixtures.encode(fitted);
		assertThat(bytes.length).isLessThanOrEqualTo(Protocol.MAX_PLAINTEXT);
		assertThat(ReportCodec.decode(bytes, 0, bytes.length).report()).isEqualTo(fitted);
		// a typical host (a few interfaces) sends every port
		AgentReport typical = new AgentReport(base.hostname(), base.trigger(), base.clock(), base.secrets(),
				base.secretsDigest(), true, base.sysctls(), base.counters(), base.interfaces(), 0, fullProfile());
		assertThat(ReportCodec.fitTcpProfile(typical, Protocol.MAX_PLAINTEXT)).isSameAs(typical);
	}

	@Test
	void roundTripsRandomReports() throws Exception {
		java.util.Random random = new java.util.Random(0xC0DEC);
		for (int round = 0; round < 5_000; round++) {
			TcpSecrets secrets = null;
			if (random.nextBoolean()) {
				boolean v6 = random.nextBoolean();
				boolean ts = random.nextBoolean();
				secrets = new TcpSecrets(1 + random.nextInt(255), key(random), key(random), v6 ? key(random) : null,
						v6 ? key(random) : null, TsOffsetRule.values()[random.nextInt(3)], ts ? key(random) : null);
			}
			List<InterfaceCounters> ifs = new java.util.ArrayList<>();
			for (int i = random.nextInt(Protocol.MAX_INTERFACES + 1); i > 0; i--) {
				ifs.add(new InterfaceCounters("if" + random.nextInt(1_000_000), random.nextLong(), random.nextLong(),
						random.nextLong()));
			}
			long[] c = new long[11];
			for (int i = 0; i < c.length; i++) {
				c[i] = random.nextLong();
			}
			ClockSample clock = (secrets != null || random.nextBoolean()) ? new ClockSample(random.nextLong(),
					1 + random.nextInt(10_000), random.nextInt() & 0xffffffffL,
					random.nextBoolean() ? ClockSample.ABSENT : random.nextLong() >>> 1, random.nextLong()) : null;
			java.util.Map<Integer, SynAckWindow> ports = new java.util.HashMap<>();
			for (int i = random.nextInt(TcpProfile.MAX_PORTS + 1); i > 0; i--) {
				ports.put(1 + random.nextInt(65535), window(random));
			}
			TcpProfile profile = new TcpProfile(random.nextBoolean() ? window(random) : null, ports);
			AgentReport report = new AgentReport("h" + random.nextInt(), ReportTrigger.values()[random.nextInt(5)],
					clock, secrets, random.nextLong(), random.nextBoolean(),
					new Sysctls(random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt(),
							random.nextInt(), random.nextInt(), random.nextInt()),
					TcpCounters.fromArray(c), ifs, random.nextInt(), profile.isKnown() ? profile : TcpProfile.UNKNOWN);
			byte[] bytes = Fixtures.encode(report);
			assertThat(ReportCodec.decode(bytes, 0, bytes.length).report()).as("round %d", round).isEqualTo(report);
		}
	}

	private static SipKey key(java.util.Random random) {
		return new SipKey(random.nextLong(), random.nextLong());
	}

	private static SynAckWindow window(java.util.Random random) {
		return new SynAckWindow(random.nextInt(15), 1 + random.nextInt(65535), 1 + random.nextInt(65535),
				1 + random.nextInt(65535), 1 + random.nextInt(65535));
	}

	/** The largest profile: defaults and the most ports. */
	static TcpProfile fullProfile() {
		java.util.Map<Integer, SynAckWindow> ports = new java.util.HashMap<>();
		for (int i = 0; i < TcpProfile.MAX_PORTS; i++) {
			ports.put(8000 + i, new SynAckWindow(0, 32120, 31856, 31680, 31416));
		}
		return new TcpProfile(new SynAckWindow(7, 64240, 65160, 64800, 64260), ports);
	}

	@Test
	void roundTripsTheTcpProfile() throws Exception {
		AgentReport base = Fixtures.report(false);
		for (TcpProfile p : List.of(fullProfile(), new TcpProfile(new SynAckWindow(5, 64240, 65160, 64800, 64260),
				java.util.Map.of()), new TcpProfile(null, java.util.Map.of(443, new SynAckWindow(2, 65535, 65535, 65535,
						65535))))) {
			AgentReport r = new AgentReport(base.hostname(), base.trigger(), base.clock(), base.secrets(),
					base.secretsDigest(), base.hasSecretsDigest(), base.sysctls(), base.counters(), base.interfaces(),
					base.readErrors(), p);
			byte[] bytes = Fixtures.encode(r);
			assertThat(ReportCodec.decode(bytes, 0, bytes.length).report().tcpProfile()).isEqualTo(p);
		}
		// no profile, no element: a report of an agent that could not compute one decodes as UNKNOWN
		byte[] bytes = Fixtures.encode(base);
		assertThat(ReportCodec.decode(bytes, 0, bytes.length).report().tcpProfile()).isEqualTo(TcpProfile.UNKNOWN);
	}

	@Test
	void rejectsMalformedTcpProfilesNamingTheField() {
		assertThatThrownBy(() -> profile(2, 0)).hasMessageContaining("tcp_profile.flags");
		// one port entry: port 0
		assertThatThrownBy(() -> profile(0, 1, 0, 0, 7, 0xfa, 0xf0, 0xfe, 0x88, 0xfd, 0x20, 0xfb, 0x04))
			.hasMessageContaining("tcp_profile.ports[0].port: 0");
		// defaults with a zero window
		assertThatThrownBy(() -> profile(1, 7, 0, 0, 0xfe, 0x88, 0xfd, 0x20, 0xfb, 0x04, 0))
			.hasMessageContaining("tcp_profile.defaults.window4: 0");
		// two entries announced, one present
		assertThatThrownBy(() -> profile(0, 2, 0x01, 0xbb, 7, 0xfa, 0xf0, 0xfe, 0x88, 0xfd, 0x20, 0xfb, 0x04))
			.hasMessageContaining("2 entries need 22 bytes");
		assertThatThrownBy(() -> profile(0, 17)).hasMessageContaining("17 entries, limit 16");
		assertThatThrownBy(() -> profile(0, 2, 0x01, 0xbb, 7, 0xfa, 0xf0, 0xfe, 0x88, 0xfd, 0x20, 0xfb, 0x04, 0x01, 0xbb, 7,
				0xfa, 0xf0, 0xfe, 0x88, 0xfd, 0x20, 0xfb, 0x04))
			.hasMessageContaining("ports[1].port: 443 appears twice");
	}

	private static TcpProfile profile(int... value) throws MalformedDatagramException {
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(value.length);
		for (int v : value) {
			b.put((byte) v);
		}
		return ReportCodec.decodeTcpProfile(b.flip());
	}

	@Test
	void skipsUnknownElements() throws Exception {
		byte[] known = Fixtures.encode(Fixtures.report(false));
		byte[] withUnknown = new byte[known.length + 6];
		System.arraycopy(known, 0, withUnknown, 0, known.length);
		withUnknown[known.length] = (byte) 200;
		withUnknown[known.length + 2] = 3; // length 3
		assertThat(ReportCodec.decode(withUnknown, 0, withUnknown.length).report()).isEqualTo(Fixtures.report(false));
	}

	@Test
	void rejectsDuplicateTruncatedAndMissingElementsNamingThem() throws Exception {
		byte[] bytes = Fixtures.encode(Fixtures.report(false));
		assertThatThrownBy(() -> ReportCodec.decode(bytes, 0, bytes.length - 1))
			.isInstanceOf(MalformedDatagramException.class)
			.hasMessageContaining("exceeds");
		byte[] doubled = new byte[bytes.length * 2];
		System.arraycopy(bytes, 0, doubled, 0, bytes.length);
		System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);
		assertThatThrownBy(() -> ReportCodec.decode(doubled, 0, doubled.length)).hasMessageContaining("twice");
		assertThatThrownBy(() -> ReportCodec.decode(new byte[0], 0, 0)).hasMessageContaining("hostname");
	}

	@Test
	void rejectsSecretsWhoseLengthDisagreesWithTheirFlags() {
		byte[] el = new byte[3 + 36];
		el[0] = (byte) ReportCodec.TAG_SECRETS;
		el[2] = 36;
		el[3] = 1; // says IPv6 present, but only 36 bytes
		el[4] = 2;
		assertThatThrownBy(() -> ReportCodec.decode(el, 0, el.length)).hasMessageContaining("secrets: length 36");
	}

	@Test
	void refusesAnEncodingThatCannotFitADatagram() {
		java.nio.ByteBuffer small = java.nio.ByteBuffer.allocate(40);
		assertThatThrownBy(() -> ReportCodec.encode(Fixtures.report(true), small))
			.isInstanceOf(MalformedDatagramException.class)
			.hasMessageContaining("does not fit");
	}

}

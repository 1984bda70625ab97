package io.syncookied.telemetry;

import java.util.HexFormat;
import java.util.List;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;

/** Shared test data: keys, a full report, and helpers to seal datagrams. */
final class Fixtures {

	static final byte[] KEY_A = HexFormat.of()
		.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

	static final byte[] KEY_B = HexFormat.of()
		.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");

	static final PresharedKey WEB1 = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY_A);

	static final PresharedKey WEB1_NEXT = new PresharedKey(8, "web1", AeadAlgorithm.AES_256_GCM, KEY_B);

	static final long NOW = 1_790_000_000_000L;

	private Fixtures() {
	}

	static TcpSecrets secrets() {
		return new TcpSecrets(2, new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L),
				new SipKey(0x1111111111111111L, 0x2222222222222222L), new SipKey(3, 4), new SipKey(5, 6),
				TsOffsetRule.NET_SECRET, new SipKey(0x7777777777777777L, 0x8888888888888888L));
	}

	static AgentReport report(boolean withSecrets) {
		TcpSecrets s = secrets();
		return new AgentReport("web1.example.net", withSecrets ? ReportTrigger.SECRETS_CHANGED : ReportTrigger.INTERVAL,
				new ClockSample(4_294_967_296L + 12345, 250, 2, 987_654_321L, NOW), withSecrets ? s : null,
				SecretsDigest.of(s), true, new Sysctls(1, 1, 1, 1, 2, 4096, 4096, 2),
				new TcpCounters(10, 9, 1, 0, 0, 5, 0, 1000, 123456789012L, 3, 0),
				List.of(new InterfaceCounters("eth0", 1000, 64000, 2), new InterfaceCounters("ens1f0.100", 5, 300, 0)),
				0);
	}

	static byte[] encode(AgentReport report) throws MalformedDatagramException {
		java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(Protocol.MAX_PLAINTEXT);
		ReportCodec.encode(report, buf);
		return java.util.Arrays.copyOf(buf.array(), buf.position());
	}

	static byte[] seal(PresharedKey key, MessageType type, int instance, long seq, long ts, byte[] plaintext) {
		Header h = new Header(type, key.algorithm(), key.id(), instance, seq, ts);
		return DatagramSealer.seal(key.algorithm().newCipher(), key, h, plaintext, 0, plaintext.length);
	}

	static byte[] sealReport(PresharedKey key, long seq, long ts, AgentReport report) throws MalformedDatagramException {
		return seal(key, MessageType.REPORT, 0x1234, seq, ts, encode(report));
	}

}

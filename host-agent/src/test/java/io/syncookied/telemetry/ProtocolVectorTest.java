package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The test vectors printed in docs/protocol.md ("Test vectors"). They were produced independently of this code
 * (Python's cryptography package), so they pin the wire format, not just self-consistency.
 */
class ProtocolVectorTest {

	static final HexFormat HEX = HexFormat.of();

	static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

	static final long SEQUENCE = 1_790_000_000_000_000L;

	static final long TIMESTAMP = 1_790_000_000_000L;

	static final byte[] PLAINTEXT = HEX
		.parseHex("0600047765623108000500000000000400130201000000000000000a020000000000000009");

	static final String CHACHA_DATAGRAM = "53434b4401010100000000071234abcd00065bfeda25e000000001a0c4506c00"
			+ "8a2cc5eaea6e8c82e62162f5459f3771d00b8cc70e54beb8010f574284a85cdd0e139ffb7cdc36e6952ae83ad60e8f845c4e95d787";

	static final String GCM_DATAGRAM = "53434b4401010200000000071234abcd00065bfeda25e000000001a0c4506c00"
			+ "5be927ecb468100be18c125532b20e1a191a98867e88f8a7bf6bc82da04f328a5d330e7f6da0b4e44ca99ad80703f7a68909c0f68d";

	static final String RESEND_DATAGRAM = "53434b4401020100000000078000beef00065bfeda25e001000001a0c4506c00"
			+ "3429e2092cc741868fcae492c2a10187";

	@Test
	void sealsTheChaChaVectorExactly() {
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY);
		Header header = new Header(MessageType.REPORT, key.algorithm(), 7, 0x1234abcd, SEQUENCE, TIMESTAMP);
		byte[] sealed = DatagramSealer.seal(key.algorithm().newCipher(), key, header, PLAINTEXT, 0, PLAINTEXT.length);
		assertThat(HEX.formatHex(sealed)).isEqualTo(CHACHA_DATAGRAM);
	}

	@Test
	void sealsTheAesGcmVectorExactly() {
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.AES_256_GCM, KEY);
		Header header = new Header(MessageType.REPORT, key.algorithm(), 7, 0x1234abcd, SEQUENCE, TIMESTAMP);
		byte[] sealed = DatagramSealer.seal(key.algorithm().newCipher(), key, header, PLAINTEXT, 0, PLAINTEXT.length);
		assertThat(HEX.formatHex(sealed)).isEqualTo(GCM_DATAGRAM);
	}

	@Test
	void opensAndDecodesTheVector() throws Exception {
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY);
		DatagramOpener opener = new DatagramOpener(MessageType.REPORT, KeyRing.of(key), Duration.ofSeconds(30),
				() -> TIMESTAMP + 500);
		byte[] datagram = HEX.parseHex(CHACHA_DATAGRAM);
		byte[] out = new byte[Protocol.MAX_DATAGRAM];
		OpenResult.Opened opened = (OpenResult.Opened) opener.open(datagram, datagram.length, out);
		assertThat(opened.header().instance()).isEqualTo(0x1234abcd);
		AgentReport report = ReportCodec.decode(out, 0, opened.plaintextLength()).report();
		assertThat(report.hostname()).isEqualTo("web1");
		assertThat(report.trigger()).isEqualTo(ReportTrigger.INTERVAL);
		assertThat(report.counters().syncookiesSent()).isEqualTo(10);
		assertThat(report.counters().syncookiesRecv()).isEqualTo(9);
		assertThat(report.counters().listenDrops()).isEqualTo(TcpCounters.ABSENT);
		assertThat(report.secrets()).isNull();
		assertThat(report.interfaces()).isEmpty();
	}

	@Test
	void opensTheResendRequestVectorOnTheAgentSide() {
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY);
		DatagramOpener agent = new DatagramOpener(MessageType.RESEND_REQUEST, KeyRing.of(key), Duration.ofSeconds(30),
				() -> TIMESTAMP);
		byte[] datagram = HEX.parseHex(RESEND_DATAGRAM);
		OpenResult r = agent.open(datagram, datagram.length, new byte[Protocol.MAX_DATAGRAM]);
		assertThat(r).isInstanceOf(OpenResult.Opened.class);
		assertThat(((OpenResult.Opened) r).plaintextLength()).isZero();
		assertThat(((OpenResult.Opened) r).header().fromControlPlane()).isTrue();
	}

}

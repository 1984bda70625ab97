package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import io.syncookied.common.SipKey;
import org.junit.jupiter.api.Test;

/** Against a stand-in for the original plaintext server on loopback: any 2+ byte datagram gets the file back. */
class InsecureLegacyPlaintextClientTest {

	private static Thread legacyServer(DatagramSocket socket, byte[] reply) {
		Thread t = new Thread(() -> {
			try {
				byte[] buf = new byte[64];
				DatagramPacket request = new DatagramPacket(buf, buf.length);
				socket.receive(request);
				if (request.getLength() >= 2) {
					socket.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
				}
			}
			catch (java.io.IOException ex) {
				// socket closed by the test
			}
		});
		t.setDaemon(true);
		t.start();
		return t;
	}

	@Test
	void fetchesAndParsesTheOriginalThreeLineReplyPaddedWithNuls() throws Exception {
		byte[] text = TcpSecretsParserTest.ORIGINAL.getBytes(StandardCharsets.US_ASCII);
		byte[] padded = Arrays.copyOf(text, 1024);
		try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			legacyServer(server, padded);
			TcpSecretsFile f = InsecureLegacyPlaintextClient
				.fetch(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), Duration.ofSeconds(5));
			assertThat(f.secrets().secret0()).isEqualTo(new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L));
			assertThat(f.hz()).isEqualTo(1000);
		}
	}

	@Test
	void reportsATimeoutAndAMalformedReplyClearly() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			assertThatThrownBy(() -> InsecureLegacyPlaintextClient.fetch(
					new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), Duration.ofMillis(200)))
				.hasMessageContaining("no reply within 200 ms");
		}
		try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			legacyServer(server, "nope\n".getBytes(StandardCharsets.US_ASCII));
			assertThatThrownBy(() -> InsecureLegacyPlaintextClient.fetch(
					new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), Duration.ofSeconds(5)))
				.hasMessageContaining("reply is not a tcp_secrets file: tcp_secrets line 1");
		}
	}

}

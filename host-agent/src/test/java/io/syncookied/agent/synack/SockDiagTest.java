package io.syncookied.agent.synack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SockDiagTest {

	private static final ByteOrder HOST = ByteOrder.nativeOrder();

	/** One SOCK_DIAG_BY_FAMILY answer as the kernel writes it, with an INET_DIAG_SKMEMINFO attribute. */
	static void diagMessage(ByteBuffer b, int seq, int family, int port, byte[] src, int rcvbuf) {
		int len = SockDiag.NLMSG_HDRLEN + SockDiag.DIAG_MSG_LEN + 4 + 9 * 4;
		int start = b.position();
		b.putInt(len).putShort((short) SockDiag.SOCK_DIAG_BY_FAMILY).putShort((short) 2).putInt(seq).putInt(0);
		b.put((byte) family).put((byte) SockDiag.TCP_LISTEN).put((byte) 0).put((byte) 0);
		b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putShort((short) 0).order(HOST);
		byte[] addr = new byte[16];
		System.arraycopy(src, 0, addr, 0, src.length);
		b.put(addr).put(new byte[16]).putInt(0).putLong(0); // dst, if, cookie
		b.putInt(0).putInt(0).putInt(128).putInt(0).putInt(4242); // expires rqueue wqueue uid inode
		b.putShort((short) (4 + 9 * 4)).putShort((short) SockDiag.INET_DIAG_SKMEMINFO);
		b.putInt(0).putInt(rcvbuf).putInt(0).putInt(16384).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0);
		assertThat(b.position() - start).isEqualTo(len);
	}

	static void done(ByteBuffer b, int seq) {
		b.putInt(20).putShort((short) SockDiag.NLMSG_DONE).putShort((short) 2).putInt(seq).putInt(0).putInt(0);
	}

	@Test
	void parsesListenersUntilDone() throws IOException {
		ByteBuffer b = ByteBuffer.allocate(1024).order(HOST);
		diagMessage(b, 1, SockDiag.AF_INET, 8080, new byte[] { 10, 99, 2, 10 }, 131072);
		diagMessage(b, 1, SockDiag.AF_INET, 25, new byte[] { 127, 0, 0, 1 }, 65536);
		b.flip();
		List<SockDiag.Listener> out = new ArrayList<>();
		assertThat(SockDiag.parse(b, 1, out)).isFalse();
		assertThat(out).extracting(SockDiag.Listener::port, SockDiag.Listener::rcvbuf, SockDiag.Listener::isLoopback)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(8080, 131072L, false),
					org.assertj.core.groups.Tuple.tuple(25, 65536L, true));
		ByteBuffer d = ByteBuffer.allocate(256).order(HOST);
		byte[] v6loop = new byte[16];
		v6loop[15] = 1;
		diagMessage(d, 2, SockDiag.AF_INET6, 443, v6loop, 425984);
		done(d, 2);
		d.flip();
		out.clear();
		assertThat(SockDiag.parse(ByteBuffer.allocate(1024).order(HOST).put(d).flip(), 2, out)).isTrue();
		assertThat(out).singleElement().satisfies(l -> {
			assertThat(l.port()).isEqualTo(443);
			assertThat(l.isLoopback()).isTrue();
		});
	}

	@Test
	void kernelErrorsAndTruncatedMessagesAreErrors() {
		ByteBuffer err = ByteBuffer.allocate(64).order(HOST);
		err.putInt(36).putShort((short) SockDiag.NLMSG_ERROR).putShort((short) 0).putInt(1).putInt(0).putInt(-22)
			.put(new byte[16]).flip();
		assertThatThrownBy(() -> SockDiag.parse(err, 1, new ArrayList<>())).hasMessageContaining("errno 22");
		ByteBuffer cut = ByteBuffer.allocate(64).order(HOST);
		cut.putInt(200).putShort((short) SockDiag.SOCK_DIAG_BY_FAMILY).putShort((short) 0).putInt(1).putInt(0).flip();
		assertThatThrownBy(() -> SockDiag.parse(cut, 1, new ArrayList<>())).hasMessageContaining("length 200");
	}

	@Test
	void theRequestAsksForListenersAndTheirMemory() {
		ByteBuffer r = ByteBuffer.wrap(SockDiag.request(SockDiag.AF_INET6, 7)).order(HOST);
		assertThat(r.getInt(0)).isEqualTo(72);
		assertThat(r.getShort(4)).isEqualTo((short) SockDiag.SOCK_DIAG_BY_FAMILY);
		assertThat(r.get(16)).isEqualTo((byte) SockDiag.AF_INET6);
		assertThat(r.get(17)).isEqualTo((byte) SockDiag.IPPROTO_TCP);
		assertThat(r.get(18)).isEqualTo((byte) (1 << 6)); // INET_DIAG_SKMEMINFO
		assertThat(r.getInt(20)).isEqualTo(1 << 10); // TCPF_LISTEN
	}

	/** The running kernel: a listener with SO_RCVBUF shows the doubled buffer the kernel keeps. */
	@Test
	void findsAListenerOfThisProcessWithItsBuffer() throws IOException {
		assumeTrue(System.getProperty("os.name").equals("Linux"), "sock_diag is Linux's");
		try (ServerSocket s = new ServerSocket()) {
			s.setReceiveBufferSize(40_000);
			s.bind(new InetSocketAddress(0));
			List<SockDiag.Listener> all = SockDiag.listeners();
			assertThat(all).filteredOn(l -> l.port() == s.getLocalPort())
				.singleElement()
				.satisfies(l -> assertThat(l.rcvbuf()).isEqualTo(80_000));
		}
	}

}

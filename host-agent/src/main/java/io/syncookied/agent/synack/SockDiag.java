package io.syncookied.agent.synack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The TCP listeners of this network namespace with their receive buffers, from the kernel's sock_diag netlink
 * interface (what {@code ss -ltm} shows as {@code skmem:(...,rb<rcvbuf>,...)}): one {@code SOCK_DIAG_BY_FAMILY}
 * dump per address family, asking only for sockets in LISTEN and for {@code INET_DIAG_SKMEMINFO}. The message
 * layouts are the kernel's uapi (linux/netlink.h, linux/inet_diag.h, linux/sock_diag.h); the parser is pure, so
 * tests feed it bytes.
 */
public final class SockDiag {

	static final int AF_INET = 2;

	static final int AF_INET6 = 10;

	static final int AF_NETLINK = 16;

	static final int SOCK_RAW = 3;

	static final int SOCK_CLOEXEC = 0x80000;

	static final int NETLINK_SOCK_DIAG = 4;

	static final int SOCK_DIAG_BY_FAMILY = 20;

	static final int NLM_F_REQUEST = 1;

	static final int NLM_F_DUMP = 0x300;

	static final int NLMSG_ERROR = 2;

	static final int NLMSG_DONE = 3;

	static final int NLMSG_HDRLEN = 16;

	static final int IPPROTO_TCP = 6;

	static final int TCP_LISTEN = 10;

	static final int INET_DIAG_SKMEMINFO = 7;

	static final int SK_MEMINFO_RCVBUF = 1;

	/** sizeof(struct inet_diag_msg). */
	static final int DIAG_MSG_LEN = 72;

	/** sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req_v2). */
	static final int REQUEST_LEN = NLMSG_HDRLEN + 56;

	private static final ByteOrder HOST = ByteOrder.nativeOrder();

	/** One listening socket: its family, local address (4 or 16 bytes), port and {@code sk_rcvbuf}. */
	public record Listener(int family, byte[] address, int port, long rcvbuf) {

		/** Bound to a loopback address: no client can reach it. */
		public boolean isLoopback() {
			if (this.family == AF_INET) {
				return (this.address[0] & 0xff) == 127;
			}
			for (int i = 0; i < 15; i++) {
				if (this.address[i] != 0) {
					return false;
				}
			}
			return this.address[15] == 1;
		}

	}

	private static final class LibC {

		static {
			Native.register("c");
		}

		static native int socket(int domain, int type, int protocol) throws LastErrorException;

		static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
				throws LastErrorException;

		static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

		static native int close(int fd);

	}

	private SockDiag() {
	}

	/** Every TCP listener of this network namespace (IPv4 and IPv6). */
	public static List<Listener> listeners() throws IOException {
		List<Listener> all = new ArrayList<>();
		int fd;
		try {
			fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		}
		catch (LastErrorException | UnsatisfiedLinkError ex) {
			throw new IOException("sock_diag: cannot open a NETLINK_SOCK_DIAG socket: " + ex.getMessage(), ex);
		}
		try {
			int seq = 1;
			for (int family : new int[] { AF_INET, AF_INET6 }) {
				byte[] req = request(family, seq);
				byte[] kernel = new byte[12]; // struct sockaddr_nl {AF_NETLINK, 0, pid 0, groups 0}
				ByteBuffer.wrap(kernel).order(HOST).putShort((short) AF_NETLINK);
				LibC.sendto(fd, req, req.length, 0, kernel, kernel.length);
				byte[] buf = new byte[64 * 1024];
				boolean done = false;
				while (!done) {
					long n = LibC.recv(fd, buf, buf.length, 0);
					done = parse(ByteBuffer.wrap(buf, 0, (int) n).order(HOST), seq, all);
				}
				seq++;
			}
		}
		catch (LastErrorException ex) {
			throw new IOException("sock_diag: " + ex.getMessage(), ex);
		}
		finally {
			LibC.close(fd);
		}
		return all;
	}

	/** A dump request for the TCP listeners of one family, with their memory info. */
	static byte[] request(int family, int seq) {
		ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(HOST);
		b.putInt(REQUEST_LEN).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
			.putInt(seq).putInt(0);
		b.put((byte) family).put((byte) IPPROTO_TCP).put((byte) (1 << (INET_DIAG_SKMEMINFO - 1))).put((byte) 0);
		b.putInt(1 << TCP_LISTEN); // then struct inet_diag_sockid, all zero: every socket
		return b.array();
	}

	/**
	 * Parses one datagram of the dump into {@code out}. @return true when it ended the dump (NLMSG_DONE)
	 * @throws IOException on an NLMSG_ERROR from the kernel or a message that does not fit its length
	 */
	static boolean parse(ByteBuffer in, int seq, List<Listener> out) throws IOException {
		while (in.remaining() >= NLMSG_HDRLEN) {
			int start = in.position();
			int len = in.getInt();
			int type = in.getShort() & 0xffff;
			in.getShort(); // flags
			int msgSeq = in.getInt();
			in.getInt(); // port id
			if (len < NLMSG_HDRLEN || len > in.remaining() + NLMSG_HDRLEN) {
				throw new IOException("sock_diag: message length " + len + " does not fit the " + (in.remaining()
						+ NLMSG_HDRLEN) + " bytes left");
			}
			int end = start + len;
			if (msgSeq != seq) {
				in.position(align(end, in.limit()));
				continue; // an answer to an earlier request
			}
			if (type == NLMSG_DONE) {
				return true;
			}
			if (type == NLMSG_ERROR) {
				int errno = (len >= NLMSG_HDRLEN + 4) ? -in.getInt() : 0;
				throw new IOException("sock_diag: the kernel refused the dump (errno " + errno + ")");
			}
			if (type == SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + DIAG_MSG_LEN) {
				out.add(listener(in.slice(in.position(), end - in.position()).order(HOST)));
			}
			in.position(align(end, in.limit()));
		}
		return false;
	}

	private static Listener listener(ByteBuffer m) throws IOException {
		int family = m.get(0) & 0xff;
		ByteBuffer be = m.duplicate().order(ByteOrder.BIG_ENDIAN);
		int port = be.getShort(4) & 0xffff; // inet_diag_sockid.idiag_sport, network order
		byte[] address = new byte[(family == AF_INET6) ? 16 : 4];
		m.get(8, address); // idiag_src
		long rcvbuf = -1;
		int pos = DIAG_MSG_LEN;
		while (pos + 4 <= m.limit()) {
			int rtaLen = m.getShort(pos) & 0xffff;
			int rtaType = m.getShort(pos + 2) & 0xffff;
			if (rtaLen < 4 || pos + rtaLen > m.limit()) {
				throw new IOException("sock_diag: attribute length " + rtaLen + " at " + pos + " overruns the message");
			}
			if (rtaType == INET_DIAG_SKMEMINFO && rtaLen >= 4 + 4 * (SK_MEMINFO_RCVBUF + 1)) {
				rcvbuf = Integer.toUnsignedLong(m.getInt(pos + 4 + 4 * SK_MEMINFO_RCVBUF));
			}
			pos += (rtaLen + 3) & ~3;
		}
		if (rcvbuf < 0) {
			throw new IOException("sock_diag: listener on port " + port + " came without INET_DIAG_SKMEMINFO");
		}
		return new Listener(family, address, port, rcvbuf);
	}

	private static int align(int pos, int limit) {
		return Math.min((pos + 3) & ~3, limit);
	}

}

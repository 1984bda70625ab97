package io.syncookied.agent.synack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncookied.agent.ProcFiles;
import io.syncookied.common.SynAckWindow;

/**
 * Reads what the server's kernel would put in a cookie SYN-ACK: the sysctls and MTUs of {@link TcpStack} under a
 * proc root and a sys root, and the listeners with their own receive buffer. On the live system (proc root
 * {@code /proc}) the listeners come from sock_diag with their buffers; under any other root (a test tree, a mirror
 * of another machine's /proc) sock_diag would describe the wrong machine, so only the default listener is reported.
 */
public final class TcpProfileReader {

	/** The ports a profile carries at most (the dataplane's per-host table). */
	public static final int MAX_PORTS = 16;

	private final Path procRoot;

	private final Path sysRoot;

	private final boolean live;

	public TcpProfileReader(Path procRoot, Path sysRoot) {
		this.procRoot = procRoot;
		this.sysRoot = sysRoot;
		this.live = procRoot.toAbsolutePath().normalize().equals(Path.of("/proc"));
	}

	/** The default listener's SYN-ACKs and, on the live system, those of listeners with their own buffer. */
	public ServerTcpProfile read() throws IOException {
		TcpStack stack = readStack();
		Map<Integer, SynAckWindow> byPort = new LinkedHashMap<>();
		if (this.live) {
			for (SockDiag.Listener l : SockDiag.listeners()) {
				if (l.isLoopback() || l.rcvbuf() == stack.rmemDefault() || byPort.containsKey(l.port())) {
					continue; // the first listener of a port speaks for it (IPv4 is dumped first)
				}
				if (byPort.size() == MAX_PORTS) {
					break;
				}
				byPort.put(l.port(), SynAckWindowModel.forListener(stack, l.rcvbuf()));
			}
		}
		return new ServerTcpProfile(stack, SynAckWindowModel.forDefaultListener(stack), byPort);
	}

	/** The kernel's inputs; a missing or malformed file is an error that names it. */
	public TcpStack readStack() throws IOException {
		WindowRule rule;
		String release = read(this.procRoot.resolve("sys/kernel/osrelease"));
		try {
			rule = WindowRule.forRelease(release);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(this.procRoot.resolve("sys/kernel/osrelease") + ": " + ex.getMessage());
		}
		int[] rmem = ints(this.procRoot.resolve("sys/net/ipv4/tcp_rmem"), 3);
		int advWinScale = ints(this.procRoot.resolve("sys/net/ipv4/tcp_adv_win_scale"), 1)[0];
		int coreRmemMax = ints(this.procRoot.resolve("sys/net/core/rmem_max"), 1)[0];
		boolean windowScaling = ints(this.procRoot.resolve("sys/net/ipv4/tcp_window_scaling"), 1)[0] != 0;
		Path signed = this.procRoot.resolve("sys/net/ipv4/tcp_workaround_signed_windows");
		boolean workaround = ints(signed, 1)[0] != 0;
		int mtu4 = mtu(defaultRouteDevice4());
		String dev6 = defaultRouteDevice6();
		int mtu6 = (dev6 != null) ? mtu(dev6) : mtu4;
		try {
			return new TcpStack(rule, advWinScale, rmem[1], rmem[2], coreRmemMax, windowScaling, workaround, mtu4, mtu6);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("tcp profile: " + ex.getMessage());
		}
	}

	/** The interface of the IPv4 default route (/proc/net/route: destination and mask 00000000). */
	String defaultRouteDevice4() throws IOException {
		Path route = this.procRoot.resolve("net/route");
		List<String> lines = read(route).lines().toList();
		for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
			String[] f = line.trim().split("\\s+");
			if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000")) {
				return f[0];
			}
		}
		throw new IOException(route + ": no IPv4 default route, so no interface towards the clients");
	}

	/** The interface of the IPv6 default route (/proc/net/ipv6_route: ::/0), or null without IPv6 or one. */
	String defaultRouteDevice6() throws IOException {
		Path route = this.procRoot.resolve("net/ipv6_route");
		if (!Files.exists(route)) {
			return null;
		}
		for (String line : read(route).lines().toList()) {
			String[] f = line.trim().split("\\s+");
			if (f.length >= 10 && f[0].equals("00000000000000000000000000000000") && f[1].equals("00")
					&& !f[9].equals("lo")) {
				return f[9];
			}
		}
		return null;
	}

	private int mtu(String device) throws IOException {
		if (device.contains("/") || device.startsWith(".")) {
			throw new IOException("route: interface name '" + device + "' is not a name");
		}
		return ints(this.sysRoot.resolve("class/net").resolve(device).resolve("mtu"), 1)[0];
	}

	private static int[] ints(Path path, int count) throws IOException {
		String[] f = read(path).trim().split("\\s+");
		if (f.length != count) {
			throw new IOException(path + ": expected " + count + " number" + ((count > 1) ? "s" : "") + ", got '"
					+ String.join(" ", f) + "'");
		}
		int[] v = new int[count];
		for (int i = 0; i < count; i++) {
			try {
				v[i] = Integer.parseInt(f[i]);
			}
			catch (NumberFormatException ex) {
				throw new IOException(path + ": '" + f[i] + "' is not an integer");
			}
		}
		return v;
	}

	private static String read(Path path) throws IOException {
		return ProcFiles.read(path);
	}

}

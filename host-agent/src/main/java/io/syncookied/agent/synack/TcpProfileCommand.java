package io.syncookied.agent.synack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncookied.common.SynAckWindow;

/**
 * {@code syncookied-agent tcp-profile}: prints what this server's kernel would put in a cookie SYN-ACK, the same
 * values the agent reports, so an operator (or the QEMU harness) can compare them with a real SYN-ACK.
 * {@code --rcvbuf N} adds a listener with that receive buffer ({@code sk_rcvbuf}, as sock_diag shows it).
 */
public final class TcpProfileCommand {

	public static final String USAGE = """
			usage: syncookied-agent tcp-profile [--proc-root /proc] [--sys-root /sys] [--rcvbuf BYTES]...
			Prints one line per listener: 'default' (default receive buffer), each port with its own buffer, and
			each --rcvbuf: wscale=.. window4=.. window4_ts=.. window6=.. window6_ts=.. (_ts: SYN-ACK with timestamps).""";

	private TcpProfileCommand() {
	}

	/** @return the exit status: 0, or 2 for bad arguments or unreadable kernel state */
	public static int run(List<String> args, PrintStream out, PrintStream err) {
		if (args.size() == 1 && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
			out.println(USAGE);
			return 0;
		}
		Path proc = Path.of("/proc");
		Path sys = Path.of("/sys");
		List<Long> rcvbufs = new ArrayList<>();
		try {
			for (int i = 0; i < args.size(); i += 2) {
				String flag = args.get(i);
				if (i + 1 >= args.size()) {
					throw new IllegalArgumentException(flag + ": missing value");
				}
				String value = args.get(i + 1);
				switch (flag) {
					case "--proc-root" -> proc = Path.of(value);
					case "--sys-root" -> sys = Path.of(value);
					case "--rcvbuf" -> rcvbufs.add(positive("--rcvbuf", value));
					default -> throw new IllegalArgumentException(flag + ": unknown flag");
				}
			}
			ServerTcpProfile profile = new TcpProfileReader(proc, sys).read();
			TcpStack stack = profile.stack();
			out.println("stack rule=" + stack.rule().name().toLowerCase(java.util.Locale.ROOT) + " tcp_rmem[1]="
					+ stack.rmemDefault() + " tcp_rmem[2]=" + stack.rmemMax() + " rmem_max=" + stack.coreRmemMax()
					+ " mtu4=" + stack.mtu4() + " mtu6=" + stack.mtu6());
			out.println("default " + text(profile.defaults()));
			for (Map.Entry<Integer, SynAckWindow> e : profile.byPort().entrySet()) {
				out.println("port=" + e.getKey() + " " + text(e.getValue()));
			}
			for (long rcvbuf : rcvbufs) {
				out.println("rcvbuf=" + rcvbuf + " " + text(SynAckWindowModel.forListener(stack, rcvbuf)));
			}
			return 0;
		}
		catch (IllegalArgumentException | IOException ex) {
			err.println("syncookied-agent tcp-profile: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
	}

	static String text(SynAckWindow w) {
		return "wscale=" + w.wscale() + " window4=" + w.window4() + " window4_ts=" + w.window4Ts() + " window6="
				+ w.window6() + " window6_ts=" + w.window6Ts();
	}

	private static long positive(String flag, String value) {
		try {
			long v = Long.parseLong(value);
			if (v > 0 && v <= Integer.MAX_VALUE) {
				return v;
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw new IllegalArgumentException(flag + ": '" + value + "' is not a positive byte count");
	}

}

package io.syncookied.agent.synack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.syncookied.common.SynAckWindow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A copy of a 6.1 guest's files (256 MB RAM, the QEMU harness's "current" row), edited per case. */
class TcpProfileReaderTest {

	@TempDir
	Path dir;

	Path proc;

	Path sys;

	@BeforeEach
	void guest() throws IOException {
		this.proc = this.dir.resolve("proc");
		this.sys = this.dir.resolve("sys");
		write("proc/sys/kernel/osrelease", "6.1.0-57-amd64\n");
		write("proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t1585088\n");
		write("proc/sys/net/ipv4/tcp_adv_win_scale", "1\n");
		write("proc/sys/net/ipv4/tcp_window_scaling", "1\n");
		write("proc/sys/net/ipv4/tcp_workaround_signed_windows", "0\n");
		write("proc/sys/net/core/rmem_max", "212992\n");
		write("proc/net/route", """
				Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
				eth0	00000000	0102630A	0003	0	0	0	00000000	0	0	0
				eth0	0002630A	00000000	0001	0	0	0	00FFFFFF	0	0	0
				""");
		write("proc/net/ipv6_route", """
				fd990002000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
				00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd990002000000000000000000000001 00000400 00000001 00000000 00000003     eth1
				00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
				""");
		write("sys/class/net/eth0/mtu", "1500\n");
		write("sys/class/net/eth1/mtu", "9000\n");
	}

	private void write(String file, String content) throws IOException {
		Path p = this.dir.resolve(file);
		Files.createDirectories(p.getParent());
		Files.writeString(p, content);
	}

	@Test
	void readsTheGuestsStack() throws IOException {
		TcpProfileReader reader = new TcpProfileReader(this.proc, this.sys);
		TcpStack stack = reader.readStack();
		assertThat(stack).isEqualTo(new TcpStack(WindowRule.ADV_WIN_SCALE, 1, 131072, 1585088, 212992, true, false,
				1500, 9000));
		ServerTcpProfile profile = reader.read();
		// not the live /proc: no listener buffers, the default listener only
		assertThat(profile.byPort()).isEmpty();
		assertThat(profile.defaults().wscale()).isEqualTo(5);
		assertThat(profile.defaults().window4Ts()).isEqualTo(65160);
		assertThat(profile.defaults().window6Ts()).isEqualTo(65536 - 65536 % (9000 - 60 - 12));
	}

	@Test
	void withoutAnIpv6DefaultRouteBothFamiliesUseTheIpv4Interface() throws IOException {
		Files.delete(this.proc.resolve("net/ipv6_route"));
		assertThat(new TcpProfileReader(this.proc, this.sys).readStack().mtu6()).isEqualTo(1500);
	}

	@Test
	void errorsNameTheFile() throws IOException {
		write("proc/sys/net/ipv4/tcp_rmem", "4096 131072\n");
		assertThatThrownBy(() -> new TcpProfileReader(this.proc, this.sys).read())
			.hasMessageContaining("tcp_rmem: expected 3 numbers");
		write("proc/sys/net/ipv4/tcp_rmem", "4096 131072 1585088\n");
		write("proc/net/route", "Iface\tDestination\n");
		assertThatThrownBy(() -> new TcpProfileReader(this.proc, this.sys).read())
			.hasMessageContaining("no IPv4 default route");
		write("proc/net/route", "Iface\tDestination\neth9\t00000000\t0102630A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
		assertThatThrownBy(() -> new TcpProfileReader(this.proc, this.sys).read())
			.hasMessageContaining("class/net/eth9/mtu");
		write("proc/net/route", "Iface\tDestination\neth0\t00000000\t0102630A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
		write("proc/sys/kernel/osrelease", "unknown\n");
		assertThatThrownBy(() -> new TcpProfileReader(this.proc, this.sys).read()).hasMessageContaining("osrelease");
	}

	@Test
	void theCommandPrintsWhatTheAgentReports() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int rc = TcpProfileCommand.run(List.of("--proc-root", this.proc.toString(), "--sys-root", this.sys.toString(),
				"--rcvbuf", "65536"), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(rc).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains(
				"default wscale=5 window4=64240 window4_ts=65160 window6=62580 window6_ts=62496",
				"rcvbuf=65536 wscale=0 window4=32120 window4_ts=31856 ");
		rc = TcpProfileCommand.run(List.of("--rcvbuf", "-1"), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(rc).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rcvbuf: '-1' is not a positive byte count");
	}

	@Test
	void theLiveSystemReportsListenersWithTheirOwnBuffer() throws IOException {
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/route")),
				"no /proc/net/route: not a Linux host");
		try (java.net.ServerSocket own = new java.net.ServerSocket()) {
			own.setReceiveBufferSize(48 * 1024);
			own.bind(new java.net.InetSocketAddress("0.0.0.0", 0));
			ServerTcpProfile live;
			try {
				live = new TcpProfileReader(Path.of("/proc"), Path.of("/sys")).read();
			}
			catch (IOException ex) {
				org.junit.jupiter.api.Assumptions.assumeTrue(!ex.getMessage().contains("no IPv4 default route"),
						"this host has no IPv4 default route: " + ex.getMessage());
				throw ex;
			}
			Map<Integer, SynAckWindow> byPort = live.byPort();
			assertThat(byPort).containsKey(own.getLocalPort());
			assertThat(byPort.get(own.getLocalPort()))
				.isEqualTo(SynAckWindowModel.forListener(live.stack(), 2L * 48 * 1024));
		}
	}

}

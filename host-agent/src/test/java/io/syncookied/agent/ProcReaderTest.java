package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.TcpCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcReaderTest {

	@TempDir
	Path dir;

	@Test
	void readsCountersSysctlsAndInterfacesFromARealKernelsFiles() throws Exception {
		FakeProc proc = FakeProc.create(this.dir);
		proc.setCounter("net/netstat", "TcpExt", "SyncookiesSent", 1234);
		proc.setCounter("net/netstat", "TcpExt", "TCPReqQFullDoCookies", 77);
		proc.setCounter("net/snmp", "Tcp", "PassiveOpens", 4321);
		HostSnapshot s = new ProcReader(this.dir, proc.sysRoot, List.of(), () -> 5).read();
		assertThat(s.readErrors()).isZero();
		assertThat(s.errors()).isEmpty();
		assertThat(s.counters().syncookiesSent()).isEqualTo(1234);
		assertThat(s.counters().tcpReqQFullDoCookies()).isEqualTo(77);
		assertThat(s.counters().passiveOpens()).isEqualTo(4321);
		assertThat(s.counters().inSegs()).isPositive();
		assertThat(s.sysctls().tcpSyncookies()).isEqualTo(1);
		assertThat(s.sysctls().tcpEcn()).isEqualTo(2);
		assertThat(s.sysctls().somaxconn()).isEqualTo(4096);
		assertThat(s.sysctls().overflowHook()).isEqualTo(2);
		assertThat(s.interfaces()).extracting(InterfaceCounters::name).containsExactly("eth0", "ifb0", "ifb1");
		assertThat(s.interfaces().get(0)).isEqualTo(new InterfaceCounters("eth0", 6281, 258867102, 0));
		assertThat(s.secretsFile()).isNotNull();
		assertThat(s.tcpProfile()).isNotNull();
		assertThat(s.tcpProfile().defaults().window4Ts()).isEqualTo(65160);
		assertThat(s.tcpProfile().defaults().wscale()).isEqualTo(7);
	}

	@Test
	void readsThisMachinesLiveKernelFiles() {
		// the real /proc of the machine running the tests: every counter and sysctl the agent needs is there
		// (tcp_secrets only exists with the tcpsecrets module loaded, which this host kernel cannot do)
		HostSnapshot s = new ProcReader(Path.of("/proc"), Path.of("/sys"), List.of(), System::currentTimeMillis).read();
		assertThat(s.readErrors() & ~AgentReport.ERR_TCP_SECRETS).as("%s", s.errors()).isZero();
		assertThat(java.util.Arrays.stream(s.counters().toArray()).min().getAsLong()).isGreaterThanOrEqualTo(0);
		assertThat(s.sysctls().tcpSyncookies()).isBetween(0, 2);
		assertThat(s.sysctls().somaxconn()).isPositive();
		assertThat(s.interfaces()).noneMatch(i -> i.name().equals("lo"));
	}

	@Test
	void keepsReadingTheOtherSourcesWhenOneFails() throws Exception {
		FakeProc proc = FakeProc.create(this.dir);
		Files.delete(this.dir.resolve("net/netstat"));
		Files.writeString(this.dir.resolve("tcp_secrets"), "garbage\n");
		Files.delete(proc.sysRoot.resolve("class/net/eth0/mtu"));
		HostSnapshot s = new ProcReader(this.dir, proc.sysRoot, List.of("eth0"), () -> 5).read();
		assertThat(s.readErrors()).isEqualTo(AgentReport.ERR_NETSTAT | AgentReport.ERR_TCP_SECRETS
				| AgentReport.ERR_TCP_PROFILE);
		assertThat(s.errors().get("tcp_profile")).endsWith("class/net/eth0/mtu: missing");
		assertThat(s.tcpProfile()).isNull();
		assertThat(s.errors().get("netstat")).endsWith("net/netstat: missing");
		assertThat(s.errors().get("tcp_secrets")).contains("tcp_secrets line 1");
		assertThat(s.counters().syncookiesSent()).isEqualTo(TcpCounters.ABSENT);
		assertThat(s.counters().passiveOpens()).isNotEqualTo(TcpCounters.ABSENT);
		assertThat(s.interfaces()).extracting(InterfaceCounters::name).containsExactly("eth0");
	}

	@Test
	void netDevParserHandlesNamesGluedToNumbersAndRejectsShortLines() {
		String text = "h1\nh2\n  eth0:1 2 3 4 5\nveth-a.100: 10 20 30 40\n";
		assertThat(ProcCounters.parseNetDev(text)).containsExactly(new InterfaceCounters("eth0", 2, 1, 4),
				new InterfaceCounters("veth-a.100", 20, 10, 40));
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcCounters.parseNetDev("h\nh\neth0: 1 2\n"))
			.hasMessageContaining("net/dev line 3, eth0");
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> ProcCounters.parsePairs("netstat", "TcpExt: A B\nTcpExt: 1\n"))
			.hasMessageContaining("netstat line 2: 1 values for 2 names");
	}

}

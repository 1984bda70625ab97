package io.syncookied.router.junos;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.SshKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Junos over NETCONF against a Junos-shaped sshd-core NETCONF server that records every RPC. */
class JunosNetconfTest {

	static final InetAddress IP = IpAddresses.parse("ip", "10.0.2.10");

	static final MacAddress FW = MacAddress.parse("mac", "02:00:00:00:02:03");

	static final String SET = "<load-configuration action=\"set\" format=\"text\"><configuration-set>"
			+ "set interfaces irb.0 family inet address 10.0.2.1/24 arp 10.0.2.10 mac 02:00:00:00:02:03"
			+ "</configuration-set></load-configuration>";

	static final String GET = "<get-configuration database=\"committed\"><configuration><interfaces><interface>"
			+ "<name>irb</name><unit><name>0</name><family><inet><address><name>10.0.2.1/24</name></address></inet>"
			+ "</family></unit></interface></interfaces></configuration></get-configuration>";

	static final OverrideTag TAG = new OverrideTag("control-plane", "syn flood 180kpps", "m-42");

	@TempDir
	Path dir;

	FakeJunos device;

	KeyPair key;

	Path keyFile;

	ResilientDiversionAdapter adapter;

	@BeforeEach
	void start() throws Exception {
		this.key = SshKeys.generate();
		this.keyFile = SshKeys.write(this.key, this.dir, "id_ecdsa");
		this.device = new FakeJunos(this.key.getPublic());
		this.adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry());
	}

	@AfterEach
	void stop() throws Exception {
		this.device.close();
		this.adapter.close();
	}

	RouterTarget target(String... extra) throws Exception {
		Map<String, String> m = new HashMap<>(Map.of("adapter", "junos", "host", "127.0.0.1:" + this.device.port(),
				"user", "syncookied", "key", this.keyFile.toString(), "host-key-sha256", this.device.hostKeySha256(),
				"interface", "irb.0", "subnet", "10.0.2.1/24", "confirm-timeout", "2m", "backoff", "10ms",
				"timeout", "5s"));
		for (int i = 0; i < extra.length; i += 2) {
			m.put(extra[i], extra[i + 1]);
		}
		return DiversionVendors.load().parse("test", m);
	}

	@Test
	void divertSendsTheExactSequenceAndConfigurationText() throws Exception {
		Diversion o = this.adapter.divert(IP, FW, target(), TAG);

		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(this.device.rpcs).containsExactly(GET, "<lock><target><candidate/></target></lock>", SET,
				"<commit-configuration><confirmed/><confirm-timeout>2</confirm-timeout>"
						+ "<log>syncookied owner=control-plane mitigation=m-42 reason=syn flood 180kpps</log>"
						+ "</commit-configuration>",
				GET,
				"<commit-configuration><log>syncookied owner=control-plane mitigation=m-42 reason=syn flood 180kpps</log>"
						+ "</commit-configuration>",
				"<unlock><target><candidate/></target></unlock>", "<close-session/>");
		assertThat(this.device.committed).containsExactly(Map.entry("10.0.2.10", "02:00:00:00:02:03"));
		assertThat(this.device.confirmPending).isFalse();
		assertThat(this.device.lastSessionChunked).isTrue();
		assertThat(this.adapter.listDiversions(target())).containsExactly(o);
	}

	@Test
	void divertIsIdempotentAndRestoreSendsTheMatchingDelete() throws Exception {
		this.adapter.divert(IP, FW, target(), TAG);
		this.device.rpcs.clear();
		this.adapter.divert(IP, FW, target(), TAG);
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "close-session");

		this.device.rpcs.clear();
		assertThat(this.adapter.restore(IP, target())).isTrue();
		assertThat(this.device.rpcs).contains("<load-configuration action=\"set\" format=\"text\"><configuration-set>"
				+ "delete interfaces irb.0 family inet address 10.0.2.1/24 arp 10.0.2.10"
				+ "</configuration-set></load-configuration>");
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "lock", "load-configuration",
				"commit-configuration", "get-configuration", "commit-configuration", "unlock", "close-session");
		assertThat(this.device.committed).isEmpty();
		assertThat(this.adapter.listDiversions(target())).isEmpty();
		assertThat(this.adapter.restore(IP, target())).isFalse();
	}

	@Test
	void ipv6GetsAStaticNdpEntryUnderTheInet6Address() throws Exception {
		InetAddress v6 = IpAddresses.parse("ip", "2001:db8:2::10");
		RouterTarget t = target("subnet6", "2001:0db8:0002::1/64");
		Diversion o = this.adapter.divert(v6, FW, t, TAG);
		assertThat(o).isEqualTo(Diversion.neighbour(v6, FW, null));
		String get = "<get-configuration database=\"committed\"><configuration><interfaces><interface><name>irb</name>"
				+ "<unit><name>0</name><family><inet><address><name>10.0.2.1/24</name></address></inet><inet6><address>"
				+ "<name>2001:db8:2::1/64</name></address></inet6></family></unit></interface>"
				+ "</interfaces></configuration></get-configuration>";
		assertThat(this.device.rpcs).startsWith(get, "<lock><target><candidate/></target></lock>",
				"<load-configuration action=\"set\" format=\"text\"><configuration-set>set interfaces irb.0 family inet6 "
						+ "address 2001:db8:2::1/64 ndp 2001:db8:2::10 mac 02:00:00:00:02:03</configuration-set>"
						+ "</load-configuration>");
		assertThat(this.device.committed).containsExactly(Map.entry("ndp 2001:db8:2::10", "02:00:00:00:02:03"));

		this.adapter.divert(IP, FW, t, TAG);
		assertThat(this.adapter.listDiversions(t)).containsExactly(Diversion.neighbour(IP, FW, null), o);
		assertThat(this.adapter.restore(v6, t)).isTrue();
		assertThat(this.device.committed).containsOnlyKeys("10.0.2.10");
		assertThat(this.adapter.restore(v6, t)).isFalse();
	}

	@Test
	void ipv6WithoutAnInet6AddressIsRefusedBeforeConnecting() throws Exception {
		InetAddress v6 = IpAddresses.parse("ip", "2001:db8:2::10");
		assertThatThrownBy(() -> this.adapter.divert(v6, FW, target(), TAG))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("subnet6 is not configured");
		assertThat(this.device.rpcs).isEmpty();
		this.device.address6Configured = false;
		assertThatThrownBy(() -> this.adapter.divert(v6, FW, target("subnet6", "2001:db8:2::1/64"), TAG))
			.isInstanceOf(DiversionException.Rejected.class)
			.hasMessageContaining("is not configured on irb.0; refusing to create it");
		assertThat(this.device.committed).isEmpty();
	}

	@Test
	void netconf10OnlyDeviceUsesEndOfMessageFraming() throws Exception {
		this.device.base11 = false;
		this.adapter.divert(IP, FW, target(), TAG);
		assertThat(this.device.lastSessionChunked).isFalse();
		assertThat(this.device.committed).containsKey("10.0.2.10");
	}

	@Test
	void lockHeldByAnotherSessionIsRetriedThenReportedWithTheDevicesText() throws Exception {
		this.device.lockHeldByOther = true;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target("attempts", "2"), TAG))
			.isInstanceOfSatisfying(DiversionException.Rejected.class, ex -> {
				assertThat(ex.deviceMessage()).startsWith("configuration database locked by: noc-admin terminal pts/1");
				assertThat(ex.isTransient()).isTrue();
			});
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "lock", "close-session",
				"get-configuration", "lock", "close-session");
		assertThat(this.device.committed).isEmpty();
		assertThat(this.adapter.listDiversions(target())).isEmpty();
	}

	@Test
	void commitFailureIsSurfacedAndTheCandidateDiscarded() throws Exception {
		this.device.commitError = "mgd: arp entry 10.0.2.10 conflicts with a dynamic entry";
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(), TAG))
			.isInstanceOfSatisfying(DiversionException.Rejected.class, ex -> assertThat(ex.deviceMessage())
				.isEqualTo("mgd: arp entry 10.0.2.10 conflicts with a dynamic entry at "
						+ "[edit interfaces irb unit 0 family inet address 10.0.2.1/24]"));
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "lock", "load-configuration",
				"commit-configuration", "discard-changes", "unlock", "close-session");
		assertThat(this.device.committed).isEmpty();
		assertThat(this.adapter.listDiversions(target())).isEmpty();
	}

	@Test
	void loadErrorIsSurfaced() throws Exception {
		this.device.rejectLoad = true;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(), TAG))
			.isInstanceOf(DiversionException.Rejected.class)
			.hasMessageContaining("rejected by device: syntax error");
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "lock", "load-configuration",
				"discard-changes", "unlock", "close-session");
	}

	@Test
	void readBackMismatchIsNotConfirmedSoJunosRollsBack() throws Exception {
		this.device.commitIsNoOp = true;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(), TAG))
			.isInstanceOf(DiversionException.VerificationFailed.class)
			.hasMessageContaining("committed configuration has no arp entry")
			.hasMessageContaining("rolls back in 2 min");
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "lock", "load-configuration",
				"commit-configuration", "get-configuration", "unlock", "close-session");
		assertThat(this.device.confirmPending).isTrue();
		assertThat(this.adapter.listDiversions(target())).isEmpty();
	}

	@Test
	void refusesToCreateAnAddressThatIsNotConfigured() throws Exception {
		this.device.addressConfigured = false;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(), TAG))
			.isInstanceOf(DiversionException.Rejected.class)
			.hasMessageContaining("address 10.0.2.1/24 is not configured on irb.0");
		assertThat(this.device.rpcNames()).containsExactly("get-configuration", "close-session");
	}

	@Test
	void wrongKeyIsAnAuthFailure() throws Exception {
		Path other = SshKeys.write(SshKeys.generate(), this.dir, "other");
		assertThatThrownBy(() -> this.adapter.listDiversions(target("key", other.toString())))
			.isInstanceOf(DiversionException.AuthFailed.class);
		assertThat(this.adapter.health(target("key", other.toString())).healthy()).isFalse();
	}

	@Test
	void unknownHostKeyIsAnAuthFailure() throws Exception {
		Path knownHosts = Files.writeString(this.dir.resolve("known_hosts"), "");
		Map<String, String> m = new HashMap<>(Map.of("adapter", "junos", "host", "127.0.0.1:" + this.device.port(),
				"user", "syncookied", "key", this.keyFile.toString(), "known-hosts", knownHosts.toString(), "interface",
				"irb.0", "subnet", "10.0.2.1/24"));
		assertThatThrownBy(() -> this.adapter.listDiversions(DiversionVendors.load().parse("t", m)))
			.isInstanceOf(DiversionException.AuthFailed.class);
		assertThatThrownBy(() -> this.adapter.listDiversions(target("host-key-sha256", "SHA256:AAAA")))
			.isInstanceOf(DiversionException.AuthFailed.class);
	}

	@Test
	void closedPortIsUnreachable() throws Exception {
		int port;
		try (ServerSocket s = new ServerSocket(0)) {
			port = s.getLocalPort();
		}
		assertThatThrownBy(() -> this.adapter.listDiversions(target("host", "127.0.0.1:" + port, "attempts", "2")))
			.isInstanceOf(DiversionException.Unreachable.class)
			.hasMessageContaining("127.0.0.1:" + port);
	}

	@Test
	void hungDeviceTimesOutThenTheBreakerOpensAndRecovers() throws Exception {
		RouterTarget t = target("timeout", "3s", "attempts", "1", "minimum-calls", "2", "failure-rate", "50",
				"open-wait", "1s");
		this.device.hang = true;
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> this.adapter.listDiversions(t)).isInstanceOf(DiversionException.TimedOut.class)
				.hasMessageContaining("no answer within PT3S");
		}
		assertThat(this.adapter.breakerState(t)).isEqualTo(CircuitBreaker.State.OPEN);
		int before = this.device.rpcs.size();
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, t, TAG)).isInstanceOf(DiversionException.CircuitOpen.class);
		assertThat(this.device.rpcs).hasSize(before);
		assertThat(this.device.committed).isEmpty();

		this.device.hang = false;
		Thread.sleep(1100);
		Diversion o = this.adapter.divert(IP, FW, t, TAG);
		assertThat(this.adapter.breakerState(t)).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.adapter.listDiversions(t)).containsExactly(o);
		assertThat(this.device.committed).containsExactly(Map.entry("10.0.2.10", "02:00:00:00:02:03"));
	}

	@Test
	void healthReportsDiversionCount() throws Exception {
		this.adapter.divert(IP, FW, target(), TAG);
		assertThat(this.adapter.health(target()).detail()).isEqualTo("1 diversions");
		assertThat(List.of(this.adapter.health(target()).healthy())).containsExactly(true);
	}

}

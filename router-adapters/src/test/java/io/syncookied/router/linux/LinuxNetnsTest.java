package io.syncookied.router.linux;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.RouterLab;
import io.syncookied.router.testing.Shell;
import io.syncookied.router.testing.SshKeys;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real Linux router in a netns: the neighbour table changes, and traffic really moves. */
class LinuxNetnsTest {

	static final InetAddress SERVER = IpAddresses.parse("ip", RouterLab.SERVER_IP);

	static final MacAddress FIREWALL = MacAddress.parse("mac", "02:00:00:00:02:03");

	static RouterLab lab;

	static ResilientDiversionAdapter adapter;

	@BeforeAll
	static void lab() {
		Shell.requireRoot("Linux router netns tests");
		Shell.requireCommand("Linux router netns tests", "busybox");
		lab = RouterLab.create();
		adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry());
	}

	@AfterAll
	static void teardown() {
		if (lab != null) {
			lab.close();
		}
		if (adapter != null) {
			adapter.close();
		}
	}

	RouterTarget target() {
		return DiversionVendors.load().parse("test", Map.of("adapter", "linux", "netns", lab.router, "dev", "r1"));
	}

	@Test
	void divertMovesTrafficToTheFirewallAndRestoreMovesItBack() {
		RouterTarget t = target();
		assertThat(lab.whoAnswers()).isEqualTo("server");
		assertThat(adapter.listDiversions(t)).isEmpty();

		Diversion o = adapter.divert(SERVER, FIREWALL, t, new OverrideTag("control-plane", "syn flood", "m-1"));
		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(o.owner()).isEqualTo("syncookied");
		assertThat(lab.neigh()).contains("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
		assertThat(adapter.listDiversions(t)).containsExactly(o);

		// Traffic moves: TCP reaches the firewall's listener, and pings land in the firewall netns.
		assertThat(lab.whoAnswers()).isEqualTo("firewall");
		long fwEchos = lab.inEchos(lab.fw);
		long srvEchos = lab.inEchos(lab.srv);
		assertThat(lab.pingFromClient()).isTrue();
		assertThat(lab.inEchos(lab.fw)).isGreaterThanOrEqualTo(fwEchos + 2);
		assertThat(lab.inEchos(lab.srv)).isEqualTo(srvEchos);

		// Idempotent: a second divert is a no-op that reports the same state.
		assertThat(adapter.divert(SERVER, FIREWALL, t)).isEqualTo(o);

		assertThat(adapter.restore(SERVER, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(lab.whoAnswers()).isEqualTo("server");
		srvEchos = lab.inEchos(lab.srv);
		assertThat(lab.pingFromClient()).isTrue();
		assertThat(lab.inEchos(lab.srv)).isGreaterThanOrEqualTo(srvEchos + 2);

		assertThat(adapter.restore(SERVER, t)).isFalse();
	}

	@Test
	void ipv6GetsAPermanentNdpEntryAndTrafficMoves() {
		RouterTarget t = target();
		InetAddress server6 = IpAddresses.parse("ip", RouterLab.SERVER_IP6);
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("server");

		Diversion o = adapter.divert(server6, FIREWALL, t, new OverrideTag("control-plane", "syn flood", "m-6"));
		assertThat(o).isEqualTo(Diversion.neighbour(server6, FIREWALL, "syncookied"));
		assertThat(lab.neigh()).contains("fd00:2::10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
		assertThat(adapter.listDiversions(t)).containsExactly(o);
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("firewall");
		assertThat(lab.whoAnswers()).as("the IPv4 address is not diverted").isEqualTo("server");
		assertThat(adapter.divert(server6, FIREWALL, t)).isEqualTo(o);

		assertThat(adapter.restore(server6, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("server");
		assertThat(adapter.restore(server6, t)).isFalse();
	}

	@Test
	void divertOverAnotherOwnersStaticEntryReplacesItAndMarksItOurs() {
		RouterTarget t = target();
		Shell.ok("ip -n " + lab.router + " neigh replace 10.0.2.77 lladdr 02:00:00:00:00:77 nud permanent dev r1");
		try {
			assertThat(adapter.listDiversions(t)).extracting(Diversion::owner).containsExactly((String) null);
			InetAddress ip = IpAddresses.parse("ip", "10.0.2.77");
			Diversion o = adapter.divert(ip, FIREWALL, t);
			assertThat(o.owner()).isEqualTo("syncookied");
			assertThat(lab.neigh()).contains("10.0.2.77 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
			assertThat(adapter.restore(ip, t)).isTrue();
		}
		finally {
			Shell.sh("ip -n " + lab.router + " neigh del 10.0.2.77 dev r1");
		}
	}

	@Test
	void aMissingDeviceIsRejectedWithTheKernelsMessage() {
		RouterTarget t = DiversionVendors.load().parse("test", Map.of("adapter", "linux", "netns", lab.router, "dev", "nosuch0",
				"attempts", "1"));
		assertThatThrownBy(() -> adapter.divert(SERVER, FIREWALL, t))
			.isInstanceOf(DiversionException.Rejected.class)
			.hasMessageContaining("Cannot find device \"nosuch0\"");
		assertThat(adapter.health(t).healthy()).isFalse();
	}

	@Test
	void overSshWithKeyAuth(@TempDir Path dir) throws Exception {
		KeyPair kp = SshKeys.generate();
		Path key = SshKeys.write(kp, dir, "id_ecdsa");
		SshServer sshd = SshServer.setUpDefaultServer();
		sshd.setHost("127.0.0.1");
		sshd.setPort(0);
		sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
		sshd.setPublickeyAuthenticator((user, k, session) -> user.equals("netops") && KeyUtils.compareKeys(k, kp.getPublic()));
		sshd.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
		sshd.start();
		try {
			String fp = KeyUtils.getFingerPrint(BuiltinDigests.sha256,
					sshd.getKeyPairProvider().loadKeys(null).iterator().next().getPublic());
			RouterTarget t = DiversionVendors.load().parse("test", Map.of("name", "ssh-rt", "adapter", "linux", "netns", lab.router,
					"dev", "r1", "host", "127.0.0.1:" + sshd.getPort(), "user", "netops", "key", key.toString(),
					"host-key-sha256", fp));
			Diversion o = adapter.divert(SERVER, FIREWALL, t);
			assertThat(o.owner()).isEqualTo("syncookied");
			assertThat(lab.neigh()).contains("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
			assertThat(lab.whoAnswers()).isEqualTo("firewall");
			assertThat(adapter.listDiversions(t)).containsExactly(o);
			assertThat(adapter.restore(SERVER, t)).isTrue();
			assertThat(lab.neigh()).doesNotContain("PERMANENT");

			Path wrong = SshKeys.write(SshKeys.generate(), dir, "wrong");
			RouterTarget bad = DiversionVendors.load().parse("test", Map.of("name", "ssh-rt-bad", "adapter", "linux", "dev", "r1",
					"host", "127.0.0.1:" + sshd.getPort(), "user", "netops", "key", wrong.toString(), "host-key-sha256",
					fp));
			assertThatThrownBy(() -> adapter.divert(SERVER, FIREWALL, bad))
				.isInstanceOf(DiversionException.AuthFailed.class);
			assertThat(lab.neigh()).doesNotContain("PERMANENT");
		}
		finally {
			sshd.stop(true);
		}
	}

	@Test
	void aMissingNamespaceIsRejected() {
		LinuxTarget t = (LinuxTarget) DiversionVendors.load().parse("test", Map.of("adapter", "linux", "netns", "srnonexistent",
				"dev", "r1"));
		assertThatThrownBy(() -> adapter.listDiversions(t)).isInstanceOf(DiversionException.Rejected.class)
			.hasMessageContaining("srnonexistent");
	}

}

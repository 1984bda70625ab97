package io.syncookied.router.snmp;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.testing.RouterLab;
import io.syncookied.router.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A REAL net-snmp snmpd running in the router namespace, with deploy/router/snmp-arp-pass.sh as the
 * pass handler, so SNMP SETs change the router's real ARP table and traffic really moves.
 */
class SnmpNetSnmpdTest {

	static final InetAddress SERVER = IpAddresses.parse("ip", RouterLab.SERVER_IP);

	static final MacAddress FIREWALL = MacAddress.parse("mac", "02:00:00:00:02:03");

	static RouterLab lab;

	static Process snmpd;

	static String agent;

	static int ifIndex;

	static Path dir;

	static ResilientDiversionAdapter adapter;

	@BeforeAll
	static void start() throws Exception {
		Shell.requireRoot("real snmpd tests");
		Shell.requireCommand("real snmpd tests", "snmpd");
		Shell.requireCommand("real snmpd tests", "busybox");
		dir = Files.createTempDirectory("sr-snmpd");
		Path pass = dir.resolve("snmp-arp-pass.sh");
		Files.copy(Path.of("..", "deploy", "router", "snmp-arp-pass.sh"), pass, StandardCopyOption.REPLACE_EXISTING);
		Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rwxr-xr-x"));
		lab = RouterLab.create();
		agent = lab.addManagementLink();
		ifIndex = lab.ifIndex(lab.router, "r1");
		StringBuilder conf = new StringBuilder();
		conf.append("agentAddress udp:").append(agent).append(":1161\n")
			.append("rwcommunity private 169.254.0.0/16\n")
			.append("rocommunity public 169.254.0.0/16\n")
			.append("createUser syncookied SHA \"auth-pass-123\" AES \"priv-pass-123\"\n")
			.append("rwuser syncookied priv\n");
		for (int c = 1; c <= 4; c++) {
			conf.append("pass -p 10 .1.3.6.1.2.1.4.22.1.").append(c).append(' ').append(pass).append('\n');
		}
		for (int c : new int[] { 4, 6, 7, 8 }) {
			conf.append("pass -p 10 .1.3.6.1.2.1.4.35.1.").append(c).append(' ').append(pass).append('\n');
		}
		Files.writeString(dir.resolve("snmpd.conf"), conf);
		ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", lab.router, "snmpd", "-f", "-Lo", "-C", "-c",
				dir.resolve("snmpd.conf").toString(), "-p", dir.resolve("snmpd.pid").toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("snmpd.log").toFile())
			.redirectInput(new File("/dev/null"));
		pb.environment().put("MIBS", "");
		pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("persist").toString());
		snmpd = pb.start();
		adapter = DiversionVendors.load().resilient(new SimpleMeterRegistry());
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!adapter.health(v2c()).healthy()) {
			if (System.nanoTime() > deadline || !snmpd.isAlive()) {
				throw new AssertionError("snmpd did not come up: " + Files.readString(dir.resolve("snmpd.log")));
			}
			Thread.sleep(200);
		}
	}

	@AfterAll
	static void stop() throws Exception {
		if (snmpd != null) {
			snmpd.destroy();
			snmpd.waitFor(5, TimeUnit.SECONDS);
		}
		if (lab != null) {
			lab.close();
		}
		if (adapter != null) {
			adapter.close();
		}
	}

	static RouterTarget target(String... kv) {
		Map<String, String> m = new HashMap<>(Map.of("adapter", "snmp", "host", agent + ":1161", "mode", "media",
				"ifindex", Integer.toString(ifIndex), "request-timeout", "3s", "backoff", "50ms"));
		for (int i = 0; i < kv.length; i += 2) {
			m.put(kv[i], kv[i + 1]);
		}
		return DiversionVendors.load().parse("test", m);
	}

	static RouterTarget v2c() {
		return target("name", "snmpd-v2c", "community", "private");
	}

	static RouterTarget v3(String authPassword) {
		return target("name", "snmpd-v3-" + authPassword, "version", "v3", "user", "syncookied", "auth-protocol", "sha",
				"auth-password", authPassword, "priv-protocol", "aes128", "priv-password", "priv-pass-123");
	}

	@Test
	void v2cDivertChangesTheRealArpTableAndMovesTraffic() {
		RouterTarget t = v2c();
		assertThat(lab.whoAnswers()).isEqualTo("server");

		Diversion o = adapter.divert(SERVER, FIREWALL, t);
		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(lab.neigh()).contains("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
		assertThat(adapter.listDiversions(t)).containsExactly(o);
		assertThat(lab.whoAnswers()).isEqualTo("firewall");
		assertThat(adapter.divert(SERVER, FIREWALL, t)).isEqualTo(o);

		assertThat(adapter.restore(SERVER, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(lab.whoAnswers()).isEqualTo("server");
		assertThat(adapter.restore(SERVER, t)).isFalse();
	}

	@Test
	void physicalModeRowStatusCreateAndGoAndDestroy() {
		RouterTarget t = target("name", "snmpd-physical", "community", "private", "mode", "physical");
		Diversion o = adapter.divert(SERVER, FIREWALL, t);
		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(lab.neigh()).contains("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
		assertThat(adapter.listDiversions(t)).containsExactly(o);
		assertThat(lab.whoAnswers()).isEqualTo("firewall");
		assertThat(adapter.restore(SERVER, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(lab.whoAnswers()).isEqualTo("server");
	}

	@Test
	void ipv6RowsOfTheRealPhysicalTableChangeTheRealNdpTable() {
		RouterTarget t = target("name", "snmpd-physical6", "community", "private", "mode", "physical");
		InetAddress server6 = IpAddresses.parse("ip", RouterLab.SERVER_IP6);
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("server");
		Diversion o = adapter.divert(server6, FIREWALL, t);
		assertThat(o).isEqualTo(Diversion.neighbour(server6, FIREWALL, null));
		assertThat(lab.neigh()).contains("fd00:2::10 lladdr 02:00:00:00:02:03 PERMANENT proto 197");
		assertThat(adapter.listDiversions(t)).containsExactly(o);
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("firewall");
		assertThat(adapter.divert(server6, FIREWALL, t)).isEqualTo(o);

		adapter.divert(SERVER, FIREWALL, t);
		assertThat(adapter.listDiversions(t)).containsExactly(Diversion.neighbour(SERVER, FIREWALL, null), o);
		assertThat(adapter.restore(SERVER, t)).isTrue();

		assertThat(adapter.restore(server6, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
		assertThat(adapter.listDiversions(t)).isEmpty();
		assertThat(lab.whoAnswers(RouterLab.SERVER_IP6)).isEqualTo("server");
		assertThat(adapter.restore(server6, t)).isFalse();
	}

	@Test
	void ipv6OnAMediaTargetIsRefusedNamingTheMode() {
		InetAddress server6 = IpAddresses.parse("ip", RouterLab.SERVER_IP6);
		assertThatThrownBy(() -> adapter.divert(server6, FIREWALL, v2c()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("ipNetToMediaTable has IPv4 rows only")
			.hasMessageContaining("mode physical");
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
	}

	@Test
	void v3AuthPrivDivertAndRestore() {
		RouterTarget t = v3("auth-pass-123");
		adapter.divert(SERVER, FIREWALL, t);
		assertThat(lab.neigh()).contains("10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT");
		assertThat(adapter.listDiversions(t)).extracting(Diversion::toLine)
			.containsExactly("10.0.2.10 02:00:00:00:02:03");
		assertThat(adapter.restore(SERVER, t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
	}

	@Test
	void wrongV3PasswordIsAnAuthFailureAndLeavesTheTableAlone() {
		RouterTarget wrong = DiversionVendors.load().parse("test", Map.of("adapter", "snmp", "host", agent + ":1161", "mode",
				"media", "ifindex", Integer.toString(ifIndex), "request-timeout", "1s", "request-retries", "0", "user",
				"syncookied", "auth-password", "wrong-pass-99", "priv-password", "priv-pass-123"));
		assertThatThrownBy(() -> adapter.divert(SERVER, FIREWALL, wrong)).isInstanceOf(DiversionException.AuthFailed.class)
			.hasMessageContaining("usmStatsWrongDigests (wrong auth password)");
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
	}

	@Test
	void readOnlyCommunityIsAnAuthFailure() {
		assertThatThrownBy(() -> adapter.divert(SERVER, FIREWALL, target("name", "snmpd-ro", "community", "public")))
			.isInstanceOf(DiversionException.AuthFailed.class);
		assertThat(lab.neigh()).doesNotContain("PERMANENT");
	}

	@Test
	void aStaticEntryAddedByHandIsListedAndRestorable() {
		Shell.ok("ip -n " + lab.router + " neigh replace 10.0.2.99 lladdr 02:00:00:00:00:99 nud permanent dev r1");
		RouterTarget t = v2c();
		assertThat(adapter.listDiversions(t)).extracting(Diversion::toLine)
			.containsExactly("10.0.2.99 02:00:00:00:00:99");
		assertThat(adapter.restore(IpAddresses.parse("ip", "10.0.2.99"), t)).isTrue();
		assertThat(lab.neigh()).doesNotContain("10.0.2.99 lladdr");
	}

}

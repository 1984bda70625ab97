package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.common.KernelSecrets;
import io.syncookied.common.SynAckWindow;
import io.syncookied.common.TcpProfile;

/**
 * The Java side of the one hosts schema against the real worker: {@link DpHostBuilder} accepts and refuses exactly
 * what the worker's parser does, with the same reasons; every host key the control plane sends arrives (the worker's
 * HOST_GET gives back the record sent); the secrets' age and the agent's window report reach the worker.
 */
class HostRecordsTest {

	@TempDir
	static Path dir;

	static DataplaneWorker worker;

	static SocketDataplane dp;

	@BeforeAll
	static void startWorker() {
		assertTrue(Files.isExecutable(DataplaneWorkerTest.BINARY));
		worker = DataplaneWorker.start(WorkerConfig.of(dir.resolve("w.sock"), "memory", "mem0", dir.resolve("w.log"))
			.withBinary(DataplaneWorkerTest.BINARY), Clock.systemUTC(), d -> {
			});
		dp = (SocketDataplane) worker.dataplane();
	}

	@AfterAll
	static void stopWorker() {
		worker.stop(Duration.ofSeconds(2));
	}

	/** Values at, inside and past every key's limits, in both spellings where a key has two. */
	static List<String[]> cases() {
		List<String[]> c = new ArrayList<>();
		for (String ip : List.of("10.0.0.1", "2001:db8::1", "0.0.0.0", "224.0.0.5", "255.255.255.255", "::", "ff02::1",
				"fe80::1", "::ffff:10.0.0.1", "10.0.0.0/24", "010.0.0.1", "host.example", "fe80::1%eth0", "")) {
			c.add(new String[] { "ip", ip });
		}
		for (String mac : List.of("02:00:00:00:00:01", "0C:C4:7A:6A:FA:BF", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
				"01:00:5e:00:00:01", "33:33:00:00:00:01", "02:00:00:00:00", "02-00-00-00-00-01")) {
			c.add(new String[] { "mac", mac });
		}
		for (HostKey k : HostKey.values()) {
			if (k.scope() != HostKey.Scope.DATAPLANE || k == HostKey.IP || k == HostKey.MAC || k == HostKey.FILTERS) {
				continue;
			}
			List<String> values = switch (k.type()) {
				case BOOL -> List.of("true", "False", "YES", "no", "on", "Off", "maybe", "1", "");
				case UINT -> List.of(Long.toString(k.min()), Long.toString(k.max()), Long.toString(k.max() + 1),
						k.min() > 0 ? Long.toString(k.min() - 1) : "-1", "+5", "0x10", "12a", "");
				case CHOICE -> List.of(k.choices().get(0), k.choices().get(1), k.choices().get(0).toUpperCase(), "x", "");
				default -> List.of();
			};
			values.forEach(v -> c.add(new String[] { k.key(), v }));
		}
		return c;
	}

	@Test
	void javaAndTheWorkerAcceptAndRefuseTheSameValuesForTheSameReasons() {
		List<String> differ = new ArrayList<>();
		for (String[] kv : cases()) {
			HostKey key = HostKey.byKey(kv[0]).orElseThrow();
			String ip = key == HostKey.IP ? kv[1] : "10.0.0.1";
			String mac = key == HostKey.MAC ? kv[1] : "02:00:00:00:00:01";
			String java;
			try {
				DpHostBuilder b = new DpHostBuilder().set(HostKey.IP, ip).set(HostKey.MAC, mac);
				if (key != HostKey.IP && key != HostKey.MAC) {
					b.set(key, kv[1]);
				}
				b.build();
				java = "OK";
			}
			catch (IllegalArgumentException ex) {
				java = kv[0] + ": " + ex.getMessage();
			}
			String record = "ip=" + ip + "\nmac=" + mac + "\n"
					+ (key == HostKey.IP || key == HostKey.MAC ? "" : kv[0] + "=" + kv[1] + "\n");
			String c;
			try {
				dp.request("HOST_SET", record);
				c = "OK";
			}
			catch (DataplaneException ex) {
				c = ex.getMessage().replaceFirst("^request:\\d+: ", "");
			}
			if (!java.equals(c)) {
				differ.add(kv[0] + "=" + kv[1] + "  java: " + java + "  worker: " + c);
			}
		}
		assertEquals(List.of(), differ);
	}

	@Test
	void everyHostKeyReachesTheWorker() throws Exception {
		DpHost full = new DpHostBuilder().set(HostKey.IP, "2001:db8::10")
			.set(HostKey.MAC, "0C:C4:7A:6A:FA:BF")
			.set(HostKey.PASSTHROUGH, "yes")
			.rule("tcp and dst port 53", "drop")
			.rule("udp", "pass")
			.rule("default", "drop")
			.set(HostKey.NO_SECRETS, "pass")
			.set(HostKey.MSS, "1400")
			.set(HostKey.WINDOW, "29200")
			.set(HostKey.WSCALE, "6")
			.set(HostKey.TIMESTAMPS, "false")
			.set(HostKey.SACK, "off")
			.set(HostKey.WINDOW_SCALING, "no")
			.set(HostKey.ECN, "false")
			.set(HostKey.MD5, "pass")
			.set(HostKey.TTL, "61")
			.set(HostKey.SYN_REFRESH_MS, "55000")
			.set(HostKey.PICKUP_S, "3600")
			.set(HostKey.COOKIE, "sha1")
			.build();
		Set<HostKey> sent = EnumSetOfLines.keys(WorkerRecords.host(new StringBuilder(), full).toString());
		for (HostKey k : HostKey.values()) {
			assertTrue(k.scope() == HostKey.Scope.CONTROL_PLANE || sent.contains(k), k + " is never sent");
		}
		dp.setHost(full);
		assertEquals(WorkerRecords.host(new StringBuilder(), full).toString(),
				DataplaneWorkerTest.hostGet(dp, full.ip()), "the worker holds exactly the host sent");
		dp.setHost(DpHost.of(full.ip(), full.mac()));
		assertEquals("ip=2001:db8::10\nmac=0c:c4:7a:6a:fa:bf\n", DataplaneWorkerTest.hostGet(dp, full.ip()),
				"a re-set replaces every key");
	}

	@Test
	void secretsWithTheirAgeAndTheAgentsWindowReportReachTheWorker() throws Exception {
		InetAddress ip = InetAddress.getByName("10.0.2.20");
		Instant now = Instant.parse("2026-01-01T00:00:10Z");
		KernelSecrets s = ProcSecrets.parse(ProcSecrets.TEXT, now.minusMillis(2500))
			.withTcpProfile(new TcpProfile(new SynAckWindow(6, 64240, 65160, 64800, 64260),
					Map.of(443, new SynAckWindow(0, 32120, 31856, 31680, 31416))));
		String record = WorkerRecords.secrets(new StringBuilder(), ip, s, now).toString();
		assertTrue(record.contains("\nage_ms=2500\n"), record);
		// an IPv4 host gets the IPv4 windows, without and with timestamps
		assertTrue(record.contains("\nwindow=64240\nwindow_ts=65160\nwscale=6\nport=443:32120:31856:0\n"), record);
		String v6 = WorkerRecords.secrets(new StringBuilder(), InetAddress.getByName("2001:db8::20"), s, now).toString();
		assertTrue(v6.contains("\nwindow=64800\nwindow_ts=64260\nwscale=6\nport=443:31680:31416:0\n"), v6);
		assertTrue(record.contains("\nsecret0=0123456789abcdef.fedcba9876543210.\n"), record);
		Set<SecretsKey> keys = EnumSetOfLines.secretsKeys(record);
		for (SecretsKey k : SecretsKey.values()) {
			assertTrue(!k.required() || keys.contains(k), k + " is required but not sent");
		}
		dp.setHost(DpHost.of(ip, "02:00:00:00:00:0a"));
		dp.request("SECRETS", record);
		assertEquals(1, dp.health().hostsWithSecrets(), "no other host of this worker has secrets");
	}

	/** The keys of record lines. */
	static final class EnumSetOfLines {

		static Set<HostKey> keys(String record) {
			Set<HostKey> k = java.util.EnumSet.noneOf(HostKey.class);
			record.lines().forEach(l -> k.add(HostKey.byKey(l.substring(0, l.indexOf('='))).orElseThrow()));
			return k;
		}

		static Set<SecretsKey> secretsKeys(String record) {
			Set<SecretsKey> k = java.util.EnumSet.noneOf(SecretsKey.class);
			record.lines().forEach(l -> {
				String name = l.substring(0, l.indexOf('='));
				for (SecretsKey s : SecretsKey.values()) {
					if (s.key().equals(name)) {
						k.add(s);
					}
				}
			});
			return k;
		}

	}

}

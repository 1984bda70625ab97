package io.syncookied.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.syncookied.common.KernelSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java binding drives a real worker process with the AF_PACKET backend inside the lab's firewall namespace: a
 * client kernel's handshake goes through it; killing the worker is detected and reported; a new worker is
 * re-synced and forwards again.
 */
class NetnsWorkerTest {

	@TempDir
	Path dir;

	String lab;

	DataplaneWorker worker;

	@AfterEach
	void tearDown() throws Exception {
		if (this.worker != null && this.worker.isAlive()) {
			this.worker.stop(Duration.ofSeconds(2));
		}
		if (this.lab != null) {
			NetnsSupport.run(30, List.of("bash", NetnsSupport.NETNS_DIR.resolve("lab-ctl.sh").toString(), "down",
					this.lab));
		}
	}

	Map<String, String> labUp() throws Exception {
		this.lab = "jw" + ProcessHandle.current().pid() % 100000;
		NetnsSupport.Result r = NetnsSupport.run(60,
				List.of("bash", NetnsSupport.NETNS_DIR.resolve("lab-ctl.sh").toString(), "up", this.lab));
		assertEquals(0, r.exit(), r.output());
		Map<String, String> env = new HashMap<>();
		r.output().lines().filter(l -> l.matches("[A-Z0-9_]+=.*")).forEach(l -> {
			int eq = l.indexOf('=');
			env.put(l.substring(0, eq), l.substring(eq + 1));
		});
		return env;
	}

	boolean clientConnects(Map<String, String> env, String ip) throws Exception {
		NetnsSupport.Result r = NetnsSupport.run(10, List.of("ip", "netns", "exec", env.get("NS_C"), "timeout", "3",
				"bash", "-c", "exec 3<>/dev/tcp/" + ip + "/80 && echo connected"));
		return r.output().contains("connected");
	}

	@Test
	void javaDrivesAWorkerInTheFirewallNamespaceAndReportsItsDeath() throws Exception {
		NetnsSupport.assumeNetns();
		Map<String, String> env = labUp();
		// the worker binary runs inside the firewall namespace; ip netns exec keeps the pid (setns + exec)
		Path wrapper = this.dir.resolve("dp-in-fw");
		Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + env.get("NS_FW") + " "
				+ DataplaneWorkerTest.BINARY + " \"$@\"\n");
		Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
		Path secretsFile = this.dir.resolve("secrets");
		NetnsSupport.run(10,
				List.of("bash", NetnsSupport.NETNS_DIR.resolve("lab-ctl.sh").toString(), "secrets", secretsFile.toString()));
		KernelSecrets secrets = ProcSecrets.parse(Files.readString(secretsFile), Instant.now());
		InetAddress srv = InetAddress.getByName(env.get("SRV4"));
		DpHost host = DpHost.of(srv, env.get("SRV_MAC"));
		WorkerConfig cfg = WorkerConfig.of(this.dir.resolve("w.sock"), "afpacket", "f0", this.dir.resolve("w.log"))
			.withBinary(wrapper);

		CompletableFuture<WorkerDeath> died = new CompletableFuture<>();
		this.worker = DataplaneWorker.start(cfg, Clock.systemUTC(), died::complete);
		this.worker.dataplane().resync(List.of(host), Map.of(srv, secrets));
		assertTrue(clientConnects(env, env.get("SRV4")), "client handshake through the Java-driven worker");
		DpStats s = this.worker.dataplane().stats();
		assertTrue(s.get("rx_syn") >= 1, s.toString());
		assertTrue(s.get("rx_forwarded") >= 1, s.toString());
		DpHostCounters perIp = s.host(srv);
		assertTrue(perIp.get("rx_syn") >= 1 && perIp.get("rx_forwarded") >= 1 && perIp.get("rx_pps") >= 2, perIp.toString());
		assertTrue(this.worker.dataplane().health().healthy());

		long pid = this.worker.pid();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		WorkerDeath d = died.get(10, TimeUnit.SECONDS);
		assertTrue(d.description().contains("pid " + pid + " killed by signal 9 (SIGKILL)"), d.description());
		assertFalse(clientConnects(env, env.get("SRV4")), "with the worker dead nobody answers the SYN");

		// the control plane (this JVM) is unharmed: it starts a new worker and re-syncs it
		this.worker = DataplaneWorker.start(cfg, Clock.systemUTC(), x -> {
		});
		assertFalse(this.worker.adopted());
		this.worker.dataplane().resync(List.of(host), Map.of(srv, secrets));
		assertTrue(clientConnects(env, env.get("SRV4")), "the re-synced worker forwards again");
	}
}

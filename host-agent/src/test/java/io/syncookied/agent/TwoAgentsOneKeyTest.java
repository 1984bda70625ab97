package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.HostTelemetry;
import io.syncookied.telemetry.KeyRing;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReceiverConfig;
import io.syncookied.telemetry.RejectReason;
import io.syncookied.telemetry.TelemetryReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real agents holding one key, against the real receiver over loopback UDP: a second agent started by mistake
 * takes over while it runs and never locks the first one out; a restarted agent is accepted with its first report.
 * Agents are told apart by their source port.
 */
class TwoAgentsOneKeyTest {

	static final byte[] KEY = HexFormat.of().parseHex("8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0");

	static final Duration INSTANCE_TIMEOUT = Duration.ofMillis(600);

	@TempDir
	Path dir;

	FakeProc proc;

	Path keyFile;

	TelemetryReceiver receiver;

	InetSocketAddress receiverAddress;

	final List<HostTelemetry> reports = new CopyOnWriteArrayList<>();

	final List<HostAgent> agents = new CopyOnWriteArrayList<>();

	@BeforeEach
	void setUp() throws Exception {
		this.proc = FakeProc.create(this.dir.resolve("proc"));
		this.proc.startClock();
		this.keyFile = this.dir.resolve("agent.key");
		Files.writeString(this.keyFile, HexFormat.of().formatHex(KEY) + "\n");
		Files.setPosixFilePermissions(this.keyFile, PosixFilePermissions.fromString("rw-------"));
		this.receiver = new TelemetryReceiver(ReceiverConfig
			.defaults(new InetSocketAddress("127.0.0.1", 0),
					KeyRing.of(new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY)))
			.withInstanceTimeout(INSTANCE_TIMEOUT));
		this.receiverAddress = this.receiver.start();
		this.receiver.events().subscribe(e -> {
			if (e instanceof HostTelemetry t) {
				this.reports.add(t);
			}
		});
	}

	@AfterEach
	void tearDown() throws Exception {
		for (HostAgent a : this.agents) {
			a.close();
		}
		this.receiver.close();
		this.proc.stopClock();
	}

	private HostAgent startAgent() throws Exception {
		HostAgent agent = AgentMain.create(AgentConfigLoader.load(new String[] { "--proc-root",
				this.proc.root.toString(), "--control-plane", "127.0.0.1:" + this.receiverAddress.getPort(), "--key-id",
				"7", "--key-file", this.keyFile.toString(), "--interval", "100ms", "--bind", "127.0.0.1:0" }));
		this.agents.add(agent);
		return agent;
	}

	private void stop(HostAgent agent) throws Exception {
		agent.close();
		this.agents.remove(agent);
	}

	/** Waits for {@code n} more reports from the agent bound to {@code port}, at most 10 s. */
	private void awaitReports(int port, int n) throws InterruptedException {
		long start = count(port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (count(port) < start + n) {
			assertThat(System.nanoTime()).as("%d reports from port %d; receiver %s", n, port, this.receiver.stats())
				.isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private long count(int port) {
		return this.reports.stream().filter(r -> r.source().getPort() == port).count();
	}

	@Test
	void aSecondAgentWithTheSameKeyTakesOverWhileItRunsAndNeverLocksTheFirstOut() throws Exception {
		HostAgent first = startAgent();
		int firstPort = first.start().getPort();
		awaitReports(firstPort, 5);

		HostAgent second = startAgent();
		int secondPort = second.start().getPort();
		awaitReports(secondPort, 10);
		long firstWhileBoth = count(firstPort);
		awaitReports(secondPort, 10);
		assertThat(count(firstPort)).as("the older agent's reports are refused while the newer one runs")
			.isEqualTo(firstWhileBoth);
		assertThat(this.receiver.stats().rejected(RejectReason.SUPERSEDED)).isPositive();

		stop(second);
		awaitReports(firstPort, 10); // within the instance timeout plus an interval, the first agent is back
		assertThat(this.receiver.stats().rejected(RejectReason.REPLAY)).isZero();
		long superseded = this.receiver.stats().rejected(RejectReason.SUPERSEDED);
		awaitReports(firstPort, 10);
		assertThat(this.receiver.stats().rejected(RejectReason.SUPERSEDED)).as("for good").isEqualTo(superseded);
	}

	@Test
	void aRestartedAgentIsAcceptedWithItsFirstReport() throws Exception {
		HostAgent old = startAgent();
		awaitReports(old.start().getPort(), 5);
		stop(old);
		HostAgent restarted = startAgent();
		int port = restarted.start().getPort();
		awaitReports(port, 1);
		HostTelemetry firstReport = this.reports.stream().filter(r -> r.source().getPort() == port).findFirst()
			.orElseThrow();
		assertThat(firstReport.trigger()).as("its startup report, not a later one")
			.isEqualTo(io.syncookied.telemetry.ReportTrigger.STARTUP);
		assertThat(this.receiver.stats().rejectedTotal()).isZero();
	}

}

package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.DatagramSealer;
import io.syncookied.telemetry.MessageType;
import io.syncookied.telemetry.SequenceSource;
import io.syncookied.telemetry.HostSecrets;
import io.syncookied.telemetry.HostTelemetry;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.KeyRing;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReceiverConfig;
import io.syncookied.telemetry.ReportTrigger;
import io.syncookied.common.SipKey;
import io.syncookied.common.SynAckWindow;
import io.syncookied.telemetry.TelemetryEvent;
import io.syncookied.telemetry.TelemetryReceiver;
import io.syncookied.common.TsOffsetRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * The real agent (config loader, key file, proc reader, Netty sender) against the real receiver over loopback UDP,
 * with a fake proc root.
 */
class AgentToReceiverEndToEndTest {

	static final byte[] KEY = HexFormat.of().parseHex("8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0");

	static final Duration INTERVAL = Duration.ofMillis(100);

	static final long TIMEOUT_S = 10;

	@TempDir
	Path dir;

	FakeProc proc;

	Path keyFile;

	TelemetryReceiver receiver;

	HostAgent agent;

	final BlockingQueue<TelemetryEvent> events = new LinkedBlockingQueue<>();

	Disposable subscription;

	@BeforeEach
	void setUp() throws Exception {
		this.proc = FakeProc.create(this.dir.resolve("proc"));
		this.keyFile = this.dir.resolve("agent.key");
		Files.writeString(this.keyFile, HexFormat.of().formatHex(KEY) + "\n");
		Files.setPosixFilePermissions(this.keyFile, PosixFilePermissions.fromString("rw-------"));
		this.proc.startClock();
	}

	@AfterEach
	void tearDown() throws Exception {
		this.proc.stopClock();
		if (this.agent != null) {
			this.agent.close();
		}
		if (this.subscription != null) {
			this.subscription.dispose();
		}
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	static final byte[] NEXT_KEY = HexFormat.of()
		.parseHex("11223344556677889900aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978");

	private InetSocketAddress startReceiver(int port) throws Exception {
		return startReceiver(port, KeyRing.of(new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY)));
	}

	private InetSocketAddress startReceiver(int port, KeyRing ring) throws Exception {
		this.receiver = new TelemetryReceiver(ReceiverConfig.defaults(new InetSocketAddress("127.0.0.1", port), ring));
		InetSocketAddress bound = this.receiver.start();
		this.subscription = this.receiver.events().subscribe(this.events::add);
		return bound;
	}

	private InetSocketAddress agentAddress;

	private void startAgent(int port, String... extra) throws Exception {
		String[] base = { "--proc-root", this.proc.root.toString(), "--sys-root", this.proc.sysRoot.toString(),
				"--control-plane", "127.0.0.1:" + port, "--key-id",
				"7", "--key-file", this.keyFile.toString(), "--interval", INTERVAL.toMillis() + "ms", "--bind",
				"127.0.0.1:0" };
		String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
		System.arraycopy(extra, 0, args, base.length, extra.length);
		this.agent = AgentMain.create(AgentConfigLoader.load(args));
		this.agentAddress = this.agent.start();
	}

	@SuppressWarnings("unchecked")
	private <T extends TelemetryEvent> T next(Class<T> type, Predicate<T> match) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
		while (System.nanoTime() < deadline) {
			TelemetryEvent e = this.events.poll(100, TimeUnit.MILLISECONDS);
			if (type.isInstance(e) && match.test((T) e)) {
				return (T) e;
			}
		}
		throw new AssertionError("no matching " + type.getSimpleName() + " within " + TIMEOUT_S + " s; receiver "
				+ this.receiver.stats());
	}

	@Test
	void secretsAndCountersArriveIntactAndACounterChangeShowsUpWithinOneInterval() throws Exception {
		startAgent(startReceiver(0).getPort());

		HostSecrets secrets = next(HostSecrets.class, e -> true);
		assertThat(secrets.host()).isEqualTo("web1");
		assertThat(secrets.secrets().secret0()).isEqualTo(new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L));
		assertThat(secrets.secrets().secret1()).isEqualTo(new SipKey(0x1111111111111111L, 0x2222222222222222L));
		assertThat(secrets.secrets().secret6x1()).isEqualTo(new SipKey(0x5555555555555555L, 0x6666666666666666L));
		assertThat(secrets.secrets().tsOffsetRule()).isEqualTo(TsOffsetRule.NET_SECRET);
		assertThat(secrets.secrets().tsOffsetSecret()).isEqualTo(new SipKey(0x7777777777777777L, 0x8888888888888888L));
		assertThat(secrets.clock().tcpClockMs()).isGreaterThanOrEqualTo(123456789);
		assertThat(secrets.clock().hz()).isEqualTo(250);
		assertThat(secrets.source().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));

		HostTelemetry first = next(HostTelemetry.class, e -> true);
		assertThat(first.trigger()).isEqualTo(ReportTrigger.STARTUP);
		assertThat(first.reportedHostname()).isEqualTo("web1-test");
		assertThat(first.readErrors()).isZero();
		assertThat(first.secretsKnown()).isTrue();
		assertThat(first.counters().inSegs()).isPositive();
		assertThat(first.sysctls().tcpEcn()).isEqualTo(2);
		assertThat(first.interfaces()).contains(new InterfaceCounters("eth0", 6281, 258867102, 0));
		// the fake server (6 MB tcp_rmem[2], 1500 MTU, 6.1 rules): a stock kernel's SYN-ACK
		assertThat(first.tcpProfile().defaults()).isEqualTo(new SynAckWindow(7, 64240, 65160, 64800, 64260));

		// interval reports follow, without secrets
		HostTelemetry periodic = next(HostTelemetry.class, e -> e.trigger() == ReportTrigger.INTERVAL);
		assertThat(periodic.counters()).isEqualTo(first.counters());

		long changedAt = System.currentTimeMillis();
		this.proc.setCounter("net/netstat", "TcpExt", "SyncookiesSent", 987654321);
		// every report sampled after the change carries it, and reports are sampled every interval
		HostTelemetry sampledAfter = next(HostTelemetry.class, e -> e.clock().sampledAtMs() > changedAt + 5);
		assertThat(sampledAfter.counters().syncookiesSent()).isEqualTo(987654321);
		assertThat(this.receiver.stats().rejectedTotal()).isZero();
	}

	@Test
	void everyControlPlaneOfAClusterGetsEveryReportAndAnyOfThemMayAskForTheSecrets() throws Exception {
		int first = startReceiver(0).getPort();
		TelemetryReceiver second = new TelemetryReceiver(ReceiverConfig.defaults(new InetSocketAddress("127.0.0.1", 0),
				KeyRing.of(new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY))));
		BlockingQueue<TelemetryEvent> secondEvents = new LinkedBlockingQueue<>();
		Disposable secondSubscription = second.events().subscribe(secondEvents::add);
		try {
			int secondPort = second.start().getPort();
			this.agent = AgentMain.create(AgentConfigLoader.load("--proc-root", this.proc.root.toString(), "--sys-root",
					this.proc.sysRoot.toString(), "--control-plane", "127.0.0.1:" + first + ",127.0.0.1:" + secondPort,
					"--key-id", "7", "--key-file", this.keyFile.toString(), "--interval", "10s", "--bind", "127.0.0.1:0"));
			this.agent.start();

			HostSecrets atFirst = next(HostSecrets.class, e -> true);
			HostSecrets atSecond = nextFrom(secondEvents, HostSecrets.class);
			assertThat(atSecond.secrets()).isEqualTo(atFirst.secrets());

			assertThat(second.requestResend("web1")).isTrue();
			assertThat(nextFrom(secondEvents, HostSecrets.class).secrets()).isEqualTo(atFirst.secrets());
			assertThat(next(HostSecrets.class, e -> true).secrets()).isEqualTo(atFirst.secrets());
			assertThat(second.stats().rejectedTotal()).isZero();
			assertThat(this.receiver.stats().rejectedTotal()).isZero();
		}
		finally {
			secondSubscription.dispose();
			second.close();
		}
	}

	private static <T extends TelemetryEvent> T nextFrom(BlockingQueue<TelemetryEvent> events, Class<T> type)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
		while (System.nanoTime() < deadline) {
			TelemetryEvent e = events.poll(100, TimeUnit.MILLISECONDS);
			if (type.isInstance(e)) {
				return type.cast(e);
			}
		}
		throw new AssertionError("no " + type.getSimpleName() + " within " + TIMEOUT_S + " s");
	}

	@Test
	void sendsSecretsAtOnceWhenTheyChangeAndAgainOnRequest() throws Exception {
		startAgent(startReceiver(0).getPort(), "--interval", "10s");
		next(HostSecrets.class, e -> true);

		long before = System.nanoTime();
		this.proc.editSecrets(text -> text.replace("0123456789abcdef.", "00000000000000aa."));
		HostSecrets update = next(HostSecrets.class, e -> true);
		assertThat(update.secrets().secret0().w0()).isEqualTo(0xaa);
		// well before the 10 s interval: the secrets poll (100 ms) caught it
		assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
		HostTelemetry why = next(HostTelemetry.class, e -> true);
		assertThat(why.trigger()).isEqualTo(ReportTrigger.SECRETS_CHANGED);

		assertThat(this.receiver.requestResend("web1")).isTrue();
		HostSecrets resent = next(HostSecrets.class, e -> true);
		assertThat(resent.secrets()).isEqualTo(update.secrets());
		assertThat(next(HostTelemetry.class, e -> true).trigger()).isEqualTo(ReportTrigger.RESEND_REQUESTED);
		assertThat(this.receiver.requestResend("nobody")).isFalse();
	}

	@Test
	void reportsAtOnceWhenTheHostClockSteps() throws Exception {
		startAgent(startReceiver(0).getPort(), "--interval", "10s");
		next(HostSecrets.class, e -> true);
		next(HostTelemetry.class, e -> true);
		Thread.sleep(300); // let the poller take its baseline
		// the TCP clock jumps 10 s against the wall clock (a suspend/resume, or a stepped wall clock)
		long before = System.currentTimeMillis();
		this.proc.stepClock(10_000);
		HostTelemetry stepped = next(HostTelemetry.class, e -> e.trigger() == ReportTrigger.CLOCK_CHANGED);
		assertThat(stepped.clock().sampledAtMs() - stepped.clock().tcpClockMs())
			.isGreaterThan(before - 123456789 + 9_000);
	}

	@Test
	void setsTcpSyncookiesToTwoWhileRunningAndRestoresItOnExit() throws Exception {
		startAgent(startReceiver(0).getPort(), "--set-syncookies", "true");
		assertThat(this.proc.read("sys/net/ipv4/tcp_syncookies").trim()).isEqualTo("2");
		HostTelemetry t = next(HostTelemetry.class, e -> true);
		assertThat(t.sysctls().tcpSyncookies()).isEqualTo(2);
		this.agent.close();
		this.agent = null;
		assertThat(this.proc.read("sys/net/ipv4/tcp_syncookies").trim()).isEqualTo("1");
	}

	@Test
	void keepsReportingThroughAControlPlaneOutage() throws Exception {
		int port;
		try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
			port = probe.getLocalPort();
		}
		startAgent(port);
		Thread.sleep(5 * INTERVAL.toMillis()); // nobody listening: sends fail or vanish
		assertThat(this.agent.reportsSent()).isPositive();
		startReceiver(port);
		HostTelemetry t = next(HostTelemetry.class, e -> true);
		assertThat(t.host()).isEqualTo("web1");
		// the missed secrets are noticed through the digest and fetched by an automatic resend request
		HostSecrets s = next(HostSecrets.class, e -> true);
		assertThat(s.secrets().format()).isEqualTo(2);
		assertThat(this.receiver.stats().resendRequestsSent()).isPositive();
	}

	@Test
	void rollsOverToANewKeyWithoutLosingReportsOrResendRequests() throws Exception {
		Path nextKey = this.dir.resolve("next.key");
		Files.write(nextKey, NEXT_KEY);
		Files.setPosixFilePermissions(nextKey, PosixFilePermissions.fromString("r--------"));
		PresharedKey oldKey = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, KEY);
		PresharedKey newKey = new PresharedKey(8, "web1", AeadAlgorithm.CHACHA20_POLY1305, NEXT_KEY);
		// step 1: the control plane accepts both; step 2: the agent moves to the new key, keeping the old one
		startAgent(startReceiver(0, KeyRing.of(oldKey, newKey)).getPort(), "--key-id", "8", "--key-file",
				nextKey.toString(), "--previous-key-id", "7", "--previous-key-file", this.keyFile.toString(),
				"--interval", "10s");
		HostSecrets first = next(HostSecrets.class, e -> true);
		assertThat(first.host()).isEqualTo("web1");
		assertThat(first.keyId()).isEqualTo(8);
		// a control plane still on the old key can ask for a resend
		byte[] request = new DatagramSealer(new SequenceSource(true), System::currentTimeMillis)
			.seal(oldKey, MessageType.RESEND_REQUEST, new byte[0], 0, 0);
		try (DatagramChannel cp = DatagramChannel.open()) {
			cp.send(ByteBuffer.wrap(request), this.agentAddress);
		}
		assertThat(next(HostTelemetry.class, e -> e.trigger() == ReportTrigger.RESEND_REQUESTED).keyId()).isEqualTo(8);
		// step 3: the old key is retired at the control plane; reports keep coming under the new one
		this.receiver.setKeys(KeyRing.of(newKey));
		assertThat(this.receiver.requestResend("web1")).isTrue();
		assertThat(next(HostTelemetry.class, e -> e.trigger() == ReportTrigger.RESEND_REQUESTED).keyId()).isEqualTo(8);
		assertThat(this.receiver.stats().rejectedTotal()).isZero();
	}

	@Test
	void refusesAWorldReadableKeyFile() throws Exception {
		Files.setPosixFilePermissions(this.keyFile, PosixFilePermissions.fromString("rw-r--r--"));
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> startAgent(9))
			.hasMessageContaining("lets group or others access it");
	}

}

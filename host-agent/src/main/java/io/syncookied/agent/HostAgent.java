package io.syncookied.agent;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.syncookied.common.TcpProfile;
import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.DatagramOpener;
import io.syncookied.telemetry.DatagramSealer;
import io.syncookied.telemetry.KeyRing;
import io.syncookied.telemetry.MalformedDatagramException;
import io.syncookied.telemetry.MessageType;
import io.syncookied.telemetry.OpenResult;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.Protocol;
import io.syncookied.telemetry.RateLimitedLog;
import io.syncookied.telemetry.ReportTrigger;
import io.syncookied.telemetry.SecretsDigest;
import io.syncookied.telemetry.SequenceSource;
import io.syncookied.telemetry.TcpSecrets;
import org.jspecify.annotations.Nullable;

/**
 * The agent: a collector thread reads the host every interval (and polls /proc/tcp_secrets faster to send at once
 * on a secrets or clock change), seals a REPORT and hands it to a Netty UDP channel, whose event loop only does I/O
 * and opens incoming RESEND_REQUESTs. Nothing waits on the network: an unreachable control plane costs a
 * rate-limited log line, and a full socket buffer drops the report rather than queueing it.
 */
public final class HostAgent implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(HostAgent.class.getName());

	/** A burst of valid resend requests is served at most this often. */
	private static final long MIN_RESEND_GAP_NANOS = Duration.ofMillis(200).toNanos();

	/**
	 * A change of (wall clock - host TCP clock) beyond max(this, two secrets polls) is a clock step worth an
	 * immediate report. Two polls, because a proc root fed by a relay (the lab's guest mirror) is up to a poll
	 * period stale; smaller drifts reach the receiver with the next interval report anyway.
	 */
	static final long MIN_CLOCK_STEP_MS = 100;

	private final AgentConfig config;

	private final PresharedKey sendKey;

	private final ProcReader reader;

	private final String hostname;

	private final DatagramSealer sealer = new DatagramSealer(new SequenceSource(false), System::currentTimeMillis);

	private final DatagramOpener resendOpener;

	private final SecretsPoller poller = new SecretsPoller();

	private final long clockStepMs;

	private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(60));

	private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "syncookied-agent-collector");
		t.setDaemon(true);
		return t;
	});

	private final @Nullable SyncookiesSetting syncookies;

	private final AtomicLong reportsSent = new AtomicLong();

	private final AtomicLong reportsDropped = new AtomicLong();

	private final AtomicLong resendsServed = new AtomicLong();

	private @Nullable EventLoopGroup group;

	private volatile @Nullable Channel channel;

	/** The resolved address of each control plane, by index in the config (null until resolved). */
	private final @Nullable InetSocketAddress[] destinations;

	private long lastResolveNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);

	private volatile long lastResendNanos = System.nanoTime() - MIN_RESEND_GAP_NANOS;

	/** Set on the event loop, cleared by the collector: a resend report is already scheduled. */
	private volatile boolean resendPending;

	// collector-thread state
	private boolean secretsSent;

	private long lastSentDigest;

	private boolean clockKnown;

	private long lastClockOffsetMs;

	private int lastHz;

	public HostAgent(AgentConfig config, PresharedKey sendKey, @Nullable PresharedKey previousKey, String hostname) {
		this.config = config;
		this.destinations = new InetSocketAddress[config.controlPlanes().size()];
		this.sendKey = sendKey;
		this.hostname = hostname;
		this.reader = new ProcReader(config.procRoot(), config.sysRoot(), config.interfaces(), System::currentTimeMillis);
		this.clockStepMs = Math.max(MIN_CLOCK_STEP_MS, 2 * config.secretsPoll().toMillis());
		KeyRing accepted = (previousKey != null) ? KeyRing.of(sendKey, previousKey) : KeyRing.of(sendKey);
		this.resendOpener = new DatagramOpener(MessageType.RESEND_REQUEST, accepted, config.maxClockSkew(),
				System::currentTimeMillis);
		this.syncookies = config.setSyncookies()
				? new SyncookiesSetting(this.reader.sysctlPath("tcp_syncookies")) : null;
	}

	/** Binds the local socket and starts reporting. @return the local address */
	public synchronized InetSocketAddress start() throws InterruptedException {
		if (this.syncookies != null) {
			this.syncookies.apply();
		}
		this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		Bootstrap b = new Bootstrap().group(this.group)
			.channel(NioDatagramChannel.class)
			.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Protocol.MAX_DATAGRAM + 1))
			.handler(new ResendRequestHandler());
		Channel ch = b.bind(this.config.bind().host(), this.config.bind().port()).sync().channel();
		this.channel = ch;
		InetSocketAddress local = (InetSocketAddress) ch.localAddress();
		LOG.log(Level.INFO, "syncookied-agent: reporting " + this.config.procRoot() + " to "
				+ this.config.controlPlanes() + " every " + this.config.interval().toMillis() + " ms from " + local
				+ " with key " + this.sendKey);
		long interval = this.config.interval().toMillis();
		this.collector.execute(() -> safely(ReportTrigger.STARTUP));
		this.collector.scheduleAtFixedRate(() -> safely(ReportTrigger.INTERVAL), interval, interval,
				TimeUnit.MILLISECONDS);
		long poll = this.config.secretsPoll().toMillis();
		this.collector.scheduleWithFixedDelay(this::pollSafely, poll, poll, TimeUnit.MILLISECONDS);
		return local;
	}

	public long reportsSent() {
		return this.reportsSent.get();
	}

	public long resendsServed() {
		return this.resendsServed.get();
	}

	private void safely(ReportTrigger trigger) {
		try {
			report(trigger);
		}
		catch (RuntimeException ex) {
			// a failed pass must not cancel the schedule
			this.log.log(Level.ERROR, "report", "syncookied-agent: report failed: " + ex);
		}
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			this.log.log(Level.ERROR, "poll", "syncookied-agent: secrets poll failed: " + ex);
		}
	}

	/** Fast check between reports: a change in the secrets file or a clock step sends a report at once. */
	private void poll() {
		byte[] raw;
		long now = System.currentTimeMillis();
		boolean changed;
		try {
			raw = ProcFiles.readBytes(this.reader.tcpSecretsPath());
			changed = this.poller.poll(raw);
		}
		catch (java.io.IOException | RuntimeException ex) {
			this.poller.reset();
			return; // reported (rate-limited) by the next interval report
		}
		if (changed) {
			report(ReportTrigger.SECRETS_CHANGED);
		}
		else if (this.clockKnown && (this.poller.hz != this.lastHz
				|| Math.abs(this.poller.clockOffset(now) - this.lastClockOffsetMs) > this.clockStepMs)) {
			report(ReportTrigger.CLOCK_CHANGED);
		}
	}

	/** Wall clock minus the host's TCP clock (or jiffies in ms for the original format). */
	static long clockOffset(TcpSecretsFile f, long wallMs) {
		long hostMs = (f.tcpClockMs() >= 0) ? f.tcpClockMs() : f.jiffies() * 1000 / f.hz();
		return wallMs - hostMs;
	}

	private void report(ReportTrigger trigger) {
		HostSnapshot s = this.reader.read();
		s.errors().forEach((source, message) -> this.log.log(Level.WARNING, "read:" + source,
				"syncookied-agent: cannot read " + message));
		TcpSecretsFile f = s.secretsFile();
		ClockSample clock = null;
		TcpSecrets secrets = null;
		long digest = 0;
		ReportTrigger why = trigger;
		if (f != null) {
			clock = new ClockSample(f.jiffies(), f.hz(), f.count(), f.tcpClockMs(), s.sampledAtMs());
			digest = digestOf(f.secrets());
			boolean changed = !this.secretsSent || digest != this.lastSentDigest;
			if (changed || trigger == ReportTrigger.STARTUP || trigger == ReportTrigger.RESEND_REQUESTED) {
				secrets = f.secrets();
				if (changed && trigger != ReportTrigger.STARTUP && trigger != ReportTrigger.RESEND_REQUESTED) {
					why = ReportTrigger.SECRETS_CHANGED;
				}
			}
			else if (trigger == ReportTrigger.SECRETS_CHANGED) {
				why = ReportTrigger.INTERVAL; // the file changed in a sysctl line, not in its keys
			}
		}
		AgentReport report = new AgentReport(this.hostname, why, clock, secrets, digest, f != null, s.sysctls(),
				s.counters(), s.interfaces(), s.readErrors(),
				(s.tcpProfile() != null) ? s.tcpProfile().toTcpProfile() : TcpProfile.UNKNOWN);
		if (send(report) && f != null) {
			if (secrets != null) {
				this.secretsSent = true;
				this.lastSentDigest = digest;
			}
			this.clockKnown = true;
			this.lastClockOffsetMs = clockOffset(f, s.sampledAtMs());
			this.lastHz = f.hz();
		}
	}

	private @Nullable TcpSecrets digestedSecrets;

	private long digestedValue;

	/** SHA-256 once per distinct secrets, not once per report. */
	private long digestOf(TcpSecrets secrets) {
		if (!secrets.equals(this.digestedSecrets)) {
			this.digestedValue = SecretsDigest.of(secrets);
			this.digestedSecrets = secrets;
		}
		return this.digestedValue;
	}

	/** Seals the report once and sends the same datagram to every control plane; false when none could be sent. */
	private boolean send(AgentReport report) {
		Channel ch = this.channel;
		List<InetSocketAddress> destinations = resolveDestinations();
		if (ch == null || destinations.isEmpty()) {
			return false;
		}
		if (!ch.isWritable()) {
			this.reportsDropped.incrementAndGet();
			this.log.log(Level.WARNING, "unwritable", "syncookied-agent: socket buffer full, dropping a report");
			return false;
		}
		ByteBuffer plain = ByteBuffer.allocate(Protocol.MAX_PLAINTEXT);
		try {
			AgentReport fitted = io.syncookied.telemetry.ReportCodec.fitTcpProfile(report, plain.capacity());
			if (fitted != report) {
				this.log.log(Level.WARNING, "profile-trimmed", "syncookied-agent: the report has room for "
						+ fitted.tcpProfile().byPort().size() + " of the " + report.tcpProfile().byPort().size()
						+ " listener ports with their own buffer (fewer interfaces or a shorter hostname make room);"
						+ " the others get the default listener's SYN-ACK");
			}
			io.syncookied.telemetry.ReportCodec.encode(fitted, plain);
		}
		catch (MalformedDatagramException ex) {
			this.log.log(Level.ERROR, "encode", "syncookied-agent: cannot encode a report: " + ex.getMessage());
			return false;
		}
		// one sequence number for all: each control plane keeps its own replay window and accepts it once
		byte[] datagram = this.sealer.seal(this.sendKey, MessageType.REPORT, plain.array(), 0, plain.position());
		for (InetSocketAddress dest : destinations) {
			ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), dest)).addListener(future -> {
				if (future.isSuccess()) {
					this.reportsSent.incrementAndGet();
				}
				else {
					this.log.log(Level.WARNING, "send:" + dest, "syncookied-agent: sending to " + dest + " failed: "
							+ future.cause() + " (control plane down or unreachable; will keep trying)");
				}
			});
		}
		return true;
	}

	/**
	 * Resolves the control planes' names on the collector thread, again every minute (DNS may move them); a name that
	 * does not resolve keeps its last address, and one never resolved is skipped until it does.
	 */
	private List<InetSocketAddress> resolveDestinations() {
		long now = System.nanoTime();
		if (now - this.lastResolveNanos >= TimeUnit.MINUTES.toNanos(1)) {
			this.lastResolveNanos = now;
			List<AgentConfig.HostPort> configured = this.config.controlPlanes();
			for (int i = 0; i < configured.size(); i++) {
				AgentConfig.HostPort cp = configured.get(i);
				InetSocketAddress fresh = new InetSocketAddress(cp.host(), cp.port());
				if (fresh.isUnresolved()) {
					this.log.log(Level.WARNING, "resolve:" + cp, "syncookied-agent: cannot resolve control plane " + cp
							+ "; keeping " + this.destinations[i]);
				}
				else {
					this.destinations[i] = fresh;
				}
			}
		}
		List<InetSocketAddress> resolved = new ArrayList<>(this.destinations.length);
		for (InetSocketAddress d : this.destinations) {
			if (d != null) {
				resolved.add(d);
			}
		}
		return resolved;
	}

	/** Runs on the event loop: opens RESEND_REQUESTs and hands the work to the collector thread. */
	private final class ResendRequestHandler extends SimpleChannelInboundHandler<DatagramPacket> {

		private final byte[] datagram = new byte[Protocol.MAX_DATAGRAM];

		private final byte[] plaintext = new byte[Protocol.MAX_DATAGRAM];

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
			int length = packet.content().readableBytes();
			OpenResult result;
			if (length > Protocol.MAX_DATAGRAM) {
				result = new OpenResult.Rejected(io.syncookied.telemetry.RejectReason.OVERSIZE, "datagram: too long");
			}
			else {
				packet.content().getBytes(packet.content().readerIndex(), this.datagram, 0, length);
				result = HostAgent.this.resendOpener.open(this.datagram, length, this.plaintext);
			}
			if (result instanceof OpenResult.Rejected rejected) {
				HostAgent.this.log.log(Level.WARNING, "resend:" + rejected.reason(), "syncookied-agent: ignored datagram from "
						+ packet.sender() + ": " + rejected.reason().tag() + " (" + rejected.detail() + ")");
				return;
			}
			// requests closer together than the gap are coalesced into one report at the end of the gap
			if (HostAgent.this.resendPending) {
				return;
			}
			long wait = HostAgent.this.lastResendNanos + MIN_RESEND_GAP_NANOS - System.nanoTime();
			HostAgent.this.resendPending = true;
			try {
				HostAgent.this.collector.schedule(() -> {
					HostAgent.this.resendPending = false;
					HostAgent.this.lastResendNanos = System.nanoTime();
					safely(ReportTrigger.RESEND_REQUESTED);
					HostAgent.this.resendsServed.incrementAndGet();
				}, Math.max(0, wait), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// shutting down
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			HostAgent.this.log.log(Level.WARNING, "channel", "syncookied-agent: channel error " + cause);
		}

	}

	/** Stops reporting, restores tcp_syncookies, closes the socket. */
	@Override
	public synchronized void close() {
		this.collector.shutdownNow();
		try {
			this.collector.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.syncookies != null) {
			this.syncookies.restore();
		}
		Channel ch = this.channel;
		if (ch != null) {
			ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
			this.channel = null;
		}
		if (this.group != null) {
			this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
			this.group = null;
		}
	}

}

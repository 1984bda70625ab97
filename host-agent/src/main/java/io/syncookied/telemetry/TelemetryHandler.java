package io.syncookied.telemetry;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * The receiving pipeline for REPORT datagrams: size, per-source rate limit, open (authenticate, replay, decrypt),
 * decode, publish. Holds reusable buffers, so it is one per channel (not {@code @Sharable}). Nothing a datagram
 * contains can make it throw: every failure is counted by source and reason and logged at a limited rate.
 */
final class TelemetryHandler extends SimpleChannelInboundHandler<DatagramPacket> {

	private static final System.Logger LOG = System.getLogger(TelemetryHandler.class.getName());

	private static final long AUTO_RESEND_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	/** What the receiver remembers per authenticated host (bounded by the key ring). */
	static final class HostState {

		volatile int keyId;

		volatile InetSocketAddress source;

		volatile long secretsDigest;

		volatile boolean hasSecrets;

		volatile long lastResendNanos;

		HostState(int keyId, InetSocketAddress source) {
			this.keyId = keyId;
			this.source = source;
		}

	}

	/** Sends a RESEND_REQUEST for a host; returns false when it could not. */
	interface Resender {

		boolean requestResend(String host);

	}

	private final DatagramOpener opener;

	private final SourceRateLimiter limiter;

	private final ReceiverStats stats;

	private final Predicate<TelemetryEvent> publisher;

	private final ConcurrentHashMap<String, HostState> hosts;

	private final boolean autoResend;

	private final Resender resender;

	private final LongSupplier nanoTime;

	private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(10));

	private final byte[] datagram = new byte[Protocol.MAX_DATAGRAM];

	private final byte[] plaintext = new byte[Protocol.MAX_DATAGRAM];

	TelemetryHandler(DatagramOpener opener, SourceRateLimiter limiter, ReceiverStats stats,
			Predicate<TelemetryEvent> publisher, ConcurrentHashMap<String, HostState> hosts, boolean autoResend,
			Resender resender, LongSupplier nanoTime) {
		super(false); // we release in channelRead0 ourselves: see finally
		this.opener = opener;
		this.limiter = limiter;
		this.stats = stats;
		this.publisher = publisher;
		this.hosts = hosts;
		this.autoResend = autoResend;
		this.resender = resender;
		this.nanoTime = nanoTime;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
		InetSocketAddress sender = packet.sender();
		InetAddress ip = (sender != null) ? sender.getAddress() : InetAddress.getLoopbackAddress();
		try {
			handle(packet.content(), (sender != null) ? sender : new InetSocketAddress(ip, 0), ip);
		}
		catch (RuntimeException ex) {
			// a bug, not bad input (bad input is handled above); still, the pipeline must keep running
			this.stats.rejected(ip, RejectReason.MALFORMED);
			this.log.log(Level.ERROR, "bug", "telemetry: unexpected " + ex + " for a datagram from " + sender);
		}
		finally {
			packet.release();
		}
	}

	private void handle(ByteBuf content, InetSocketAddress sender, InetAddress ip) {
		int length = content.readableBytes();
		if (length > Protocol.MAX_DATAGRAM) {
			reject(ip, sender, RejectReason.OVERSIZE, "datagram: more than " + Protocol.MAX_DATAGRAM + " bytes");
			return;
		}
		if (!this.limiter.tryAcquire(ip, this.nanoTime.getAsLong())) {
			this.stats.rejected(ip, RejectReason.RATE_LIMITED);
			this.log.log(Level.WARNING, "rate:" + ip.getHostAddress(),
					"telemetry: " + ip.getHostAddress() + " exceeds its datagram rate, dropping");
			return;
		}
		content.getBytes(content.readerIndex(), this.datagram, 0, length);
		OpenResult result = this.opener.open(this.datagram, length, this.plaintext);
		if (result instanceof OpenResult.Rejected rejected) {
			reject(ip, sender, rejected.reason(), rejected.detail());
			return;
		}
		OpenResult.Opened opened = (OpenResult.Opened) result;
		ReportCodec.Decoded decoded;
		try {
			decoded = ReportCodec.decode(this.plaintext, 0, opened.plaintextLength());
		}
		catch (MalformedDatagramException ex) {
			reject(ip, sender, RejectReason.MALFORMED, "authenticated payload: " + ex.getMessage());
			return;
		}
		this.stats.accepted(ip);
		this.limiter.trust(ip);
		publish(opened, decoded.report(), sender);
	}

	private void publish(OpenResult.Opened opened, AgentReport report, InetSocketAddress sender) {
		Header header = opened.header();
		String host = opened.key().host();
		Instant sentAt = Instant.ofEpochMilli(header.timestampMs());
		Instant receivedAt = Instant.now();
		HostState state = this.hosts.computeIfAbsent(host, h -> new HostState(header.keyId(), sender));
		state.keyId = header.keyId();
		state.source = sender;
		TcpSecrets secrets = report.secrets();
		ClockSample clock = report.clock();
		if (secrets != null && clock != null) {
			state.secretsDigest = SecretsDigest.of(secrets);
			state.hasSecrets = true;
			emit(new HostSecrets(host, header.keyId(), sender, header.sequence(), sentAt, receivedAt, clock,
					secrets, report.sysctls()));
		}
		emit(new HostTelemetry(host, header.keyId(), sender, header.sequence(), sentAt, receivedAt,
				report.hostname(), report.trigger(), report.clock(), report.sysctls(), report.counters(),
				report.interfaces(), report.hasSecretsDigest(), report.readErrors(), report.tcpProfile()));
		if (this.autoResend && report.hasSecretsDigest()
				&& (!state.hasSecrets || state.secretsDigest != report.secretsDigest())) {
			long now = this.nanoTime.getAsLong();
			if (now - state.lastResendNanos >= AUTO_RESEND_INTERVAL_NANOS || state.lastResendNanos == 0) {
				state.lastResendNanos = now;
				this.resender.requestResend(host);
			}
		}
	}

	private void emit(TelemetryEvent event) {
		if (!this.publisher.test(event)) {
			this.stats.eventDropped();
			this.log.log(Level.WARNING, "dropped", "telemetry: event subscribers are not keeping up, dropping events");
		}
	}

	private void reject(InetAddress ip, InetSocketAddress sender, RejectReason reason, String detail) {
		this.stats.rejected(ip, reason);
		this.log.log(Level.WARNING, reason.tag() + ":" + ip.getHostAddress(),
				"telemetry: dropped datagram from " + sender + ": " + reason.tag() + " (" + detail + ")");
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		// a UDP channel survives a failed read: log and keep it open
		this.log.log(Level.WARNING, "exception", "telemetry: channel error " + cause);
	}

}

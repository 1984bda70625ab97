package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The control plane's end of the telemetry protocol: a Netty UDP socket on one event loop thread that turns
 * authenticated REPORT datagrams into {@link HostTelemetry} and {@link HostSecrets} events on a hot
 * {@link Flux}, and sends authenticated RESEND_REQUESTs back. See docs/protocol.md.
 */
public final class TelemetryReceiver implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(TelemetryReceiver.class.getName());

	private final ReceiverConfig config;

	private final ReceiverStats stats;

	private final DatagramOpener opener;

	private final Sinks.Many<TelemetryEvent> sink;

	private final ConcurrentHashMap<String, TelemetryHandler.HostState> hosts = new ConcurrentHashMap<>();

	private final DatagramSealer sealer = new DatagramSealer(new SequenceSource(true), System::currentTimeMillis);

	private @Nullable EventLoopGroup group;

	private volatile @Nullable Channel channel;

	public TelemetryReceiver(ReceiverConfig config) {
		this.config = config;
		this.stats = new ReceiverStats(config.maxSources());
		this.opener = new DatagramOpener(MessageType.REPORT, config.keys(), config.maxClockSkew(),
				config.instanceTimeout(), System::currentTimeMillis);
		this.sink = Sinks.many().multicast().onBackpressureBuffer(config.eventBuffer(), false);
	}

	/** Binds the UDP socket. Blocks until bound; call once, at startup, off any event loop. */
	public synchronized InetSocketAddress start() throws InterruptedException {
		if (this.channel != null) {
			throw new IllegalStateException("telemetry receiver already started");
		}
		this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		Bootstrap bootstrap = new Bootstrap().group(this.group)
			.channel(NioDatagramChannel.class)
			// one byte more than the limit: the JDK silently truncates a datagram to the buffer, so a datagram
			// that fills the buffer is known to be oversize
			.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Protocol.MAX_DATAGRAM + 1))
			.option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
			.handler(newHandler());
		try {
			Channel ch = bootstrap.bind(this.config.bind()).sync().channel();
			this.channel = ch;
			InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
			LOG.log(System.Logger.Level.INFO, "telemetry receiver listening on " + bound + " with "
					+ this.opener.keys().size() + " keys");
			return bound;
		}
		catch (RuntimeException | InterruptedException ex) {
			this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			this.group = null;
			throw ex;
		}
	}

	/** A fresh handler sharing this receiver's state; the channel pipeline and tests use it. */
	// VisibleForTesting
	TelemetryHandler newHandler() {
		return new TelemetryHandler(this.opener,
				new SourceRateLimiter(this.config.ratePerSecond(), this.config.burst(), this.config.maxSources(),
						this.config.untrustedRatePerSecond(), this.config.untrustedBurst()),
				this.stats, event -> this.sink.tryEmitNext(event).isSuccess(), this.hosts, this.config.autoResend(),
				this::requestResend, System::nanoTime);
	}

	/** Hot stream of events; never errors, completes on {@link #close()}. */
	public Flux<TelemetryEvent> events() {
		return this.sink.asFlux();
	}

	public ReceiverStats stats() {
		return this.stats;
	}

	/** Replaces the key ring (rotation). Replay windows of keys that stay are kept. */
	public void setKeys(KeyRing keys) {
		this.opener.setKeys(keys);
	}

	/**
	 * Asks the agent of {@code host} to send a full report with secrets now. It goes to the address the host's
	 * last authenticated datagram came from, sealed with the key that datagram used.
	 * @return false if the host has not been heard from, or its key is gone, or the receiver is not started
	 */
	public boolean requestResend(String host) {
		TelemetryHandler.HostState state = this.hosts.get(host);
		Channel ch = this.channel;
		if (state == null || ch == null) {
			return false;
		}
		PresharedKey key = this.opener.keys().get(state.keyId);
		if (key == null || !key.host().equals(host)) {
			return false;
		}
		byte[] datagram = this.sealer.seal(key, MessageType.RESEND_REQUEST, new byte[0], 0, 0);
		ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), state.source));
		this.stats.resendSent();
		return true;
	}

	@Override
	public synchronized void close() {
		Channel ch = this.channel;
		if (ch != null) {
			ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
			this.channel = null;
		}
		if (this.group != null) {
			this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
			this.group = null;
		}
		this.sink.tryEmitComplete();
	}

}

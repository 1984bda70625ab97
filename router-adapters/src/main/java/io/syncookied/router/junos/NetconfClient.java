package io.syncookied.router.junos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.SshEndpoint;
import io.syncookied.router.ssh.SshSessions;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.channel.ClientChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NETCONF session over the SSH {@code netconf} subsystem: hello exchange, then RPCs one at a
 * time. Chunked framing is used when both sides announce base:1.1.
 */
final class NetconfClient implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(NetconfClient.class);

	private final String target;

	private final SshSessions.Connection conn;

	private final ChannelSubsystem channel;

	private final OutputStream out;

	private final InputStream in;

	private final boolean chunked;

	private int messageId;

	/** Closes sessions that outlive their call, so a hung device cannot pin a blocked reader thread. */
	private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "netconf-watchdog");
		t.setDaemon(true);
		return t;
	});

	private volatile ScheduledFuture<?> watchdog;

	private NetconfClient(String target, SshSessions.Connection conn, ChannelSubsystem channel, boolean chunked) {
		this.target = target;
		this.conn = conn;
		this.channel = channel;
		this.out = channel.getInvertedIn();
		this.in = channel.getInvertedOut();
		this.chunked = chunked;
	}

	static NetconfClient open(String target, SshEndpoint ep, Duration timeout) {
		SshSessions.Connection conn = SshSessions.open(target, ep, timeout);
		ChannelSubsystem ch = null;
		try {
			ch = conn.session().createSubsystemChannel("netconf");
			ch.setStreaming(ClientChannel.Streaming.Sync);
			ch.open().verify(timeout);
			OutputStream o = ch.getInvertedIn();
			o.write(NetconfFraming.encode(JunosRpcs.hello(), false));
			o.flush();
			String serverHello = NetconfFraming.read(ch.getInvertedOut(), false);
			if (!serverHello.contains("urn:ietf:params:netconf:base:1.")) {
				throw new DiversionException.Rejected(target, "NETCONF server hello without a base capability", false);
			}
			boolean chunked = serverHello.contains("urn:ietf:params:netconf:base:1.1");
			log.debug("{}: NETCONF session up, framing {}", target, chunked ? "1.1 chunked" : "1.0 end-of-message");
			NetconfClient nc = new NetconfClient(target, conn, ch, chunked);
			ChannelSubsystem channel = ch;
			nc.watchdog = WATCHDOG.schedule(() -> {
				log.warn("{}: NETCONF session still open after {}, closing it", target, timeout);
				channel.close(true);
				conn.close();
			}, timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
			return nc;
		}
		catch (Exception ex) {
			if (ch != null) {
				ch.close(true);
			}
			conn.close();
			throw SshSessions.classify(target, ep, ex);
		}
	}

	boolean chunked() {
		return this.chunked;
	}

	/** Sends one RPC and returns the raw reply; throws {@link DiversionException.Rejected} on rpc-error. */
	String rpc(String body) {
		String reply = rpcRaw(body);
		List<JunosRpcs.RpcError> errors = JunosRpcs.errors(reply);
		if (!errors.isEmpty()) {
			JunosRpcs.RpcError first = errors.get(0);
			boolean lockHeld = first.tag().equals("lock-denied") || first.message().contains("database locked")
					|| first.message().contains("configuration database modified");
			throw new DiversionException.Rejected(this.target, first.message(), lockHeld);
		}
		return reply;
	}

	String rpcRaw(String body) {
		int id = ++this.messageId;
		try {
			this.out.write(NetconfFraming.encode(JunosRpcs.rpc(id, body), this.chunked));
			this.out.flush();
			return NetconfFraming.read(this.in, this.chunked);
		}
		catch (IOException ex) {
			throw new DiversionException.Unreachable(this.target, "NETCONF session broke: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		ScheduledFuture<?> w = this.watchdog;
		if (w != null) {
			w.cancel(false);
		}
		try {
			this.out.write(NetconfFraming.encode(JunosRpcs.rpc(++this.messageId, "<close-session/>"), this.chunked));
			this.out.flush();
			NetconfFraming.read(this.in, this.chunked);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("{}: close-session: {}", this.target, ex.toString());
		}
		this.channel.close(true);
		this.conn.close();
	}

}

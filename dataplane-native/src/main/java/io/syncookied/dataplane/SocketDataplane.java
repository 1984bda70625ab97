package io.syncookied.dataplane;

import io.syncookied.common.IpText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Dataplane} over the worker process's Unix domain socket (protocol version 1,
 * docs/dataplane-worker-protocol.md). One request at a time; each waits at most the timeout.
 */
public final class SocketDataplane implements Dataplane {

	/** The protocol version this client speaks. */
	public static final int PROTOCOL = 1;

	private final Path socket;

	private final Duration timeout;

	private final SocketChannel channel;

	private final Selector selector;

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private final Map<String, String> hello;

	private SocketDataplane(Path socket, Duration timeout) throws IOException {
		this.socket = socket;
		this.timeout = timeout;
		this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			this.channel.connect(UnixDomainSocketAddress.of(socket));
			this.channel.configureBlocking(false);
			this.selector = Selector.open();
			this.channel.register(this.selector, SelectionKey.OP_READ);
		}
		catch (IOException e) {
			this.channel.close();
			throw e;
		}
		this.hello = fields(request("HELLO " + PROTOCOL, null));
	}

	/**
	 * Connects to a running worker and checks its protocol version.
	 *
	 * @throws DataplaneException {@code ECONNREFUSED}/{@code ENOENT} when no worker listens there, {@code EPROTO} on a
	 * version mismatch
	 */
	public static SocketDataplane connect(Path socket, Duration timeout) {
		try {
			return new SocketDataplane(socket, timeout);
		}
		catch (IOException e) {
			String errno = e.getMessage() != null && e.getMessage().contains("No such file") ? "ENOENT" : "ECONNREFUSED";
			throw new DataplaneException(errno, "no dataplane worker listens on " + socket + ": " + e.getMessage(), e);
		}
	}

	/** The worker's process id (from its HELLO reply). */
	public long pid() {
		return Long.parseLong(this.hello.getOrDefault("pid", "-1"));
	}

	/** Which backends the worker's build has ({@code memory=yes afpacket=yes afxdp=yes netmap=yes}). */
	public String backends() {
		return this.hello.getOrDefault("backends", "");
	}

	@Override
	public void setHost(DpHost host) {
		request("HOST_SET", host.toYaml());
	}

	@Override
	public void removeHost(InetAddress ip) {
		request("HOST_DEL ip=" + IpText.of(ip), null);
	}

	@Override
	public void setSecrets(InetAddress ip, DpSecrets secrets) {
		request("SECRETS ip=" + IpText.of(ip) + " age_ms=" + secrets.sampleAgeMillis(), secrets.text());
	}

	@Override
	public void resync(Collection<DpHost> hosts, Map<InetAddress, DpSecrets> secrets) {
		StringBuilder yaml = new StringBuilder();
		for (DpHost h : hosts) {
			yaml.append(h.toYaml());
		}
		request("HOSTS_SET", yaml.length() == 0 ? "[]\n" : yaml.toString());
		secrets.forEach(this::setSecrets);
	}

	@Override
	public DpStats stats() {
		Map<String, Long> counters = new LinkedHashMap<>();
		fields(request("STATS", null)).forEach((k, v) -> counters.put(k, Long.parseUnsignedLong(v)));
		// per protected IP: "ip rx syn fwd drop" lines, keyed like the totals with "@ip"
		String table = requestWithPayload("HOST_STATS");
		for (String line : table.split("\n")) {
			String[] f = line.strip().split(" ");
			if (f.length == 5) {
				counters.put("rx_pps@" + f[0], Long.parseUnsignedLong(f[1]));
				counters.put("rx_syn@" + f[0], Long.parseUnsignedLong(f[2]));
				counters.put("rx_forwarded@" + f[0], Long.parseUnsignedLong(f[3]));
				counters.put("rx_drop@" + f[0], Long.parseUnsignedLong(f[4]));
			}
		}
		return new DpStats(counters);
	}

	/** A request whose OK reply announces {@code len=N} bytes of payload after the line; returns the payload. */
	synchronized String requestWithPayload(String line) {
		Map<String, String> f = fields(request(line, null));
		int len = Integer.parseInt(f.getOrDefault("len", "0"));
		try {
			long deadline = System.nanoTime() + this.timeout.toNanos();
			ByteBuffer in = ByteBuffer.allocate(8192);
			while (this.pending.size() < len) {
				waitUntil(deadline, line);
				in.clear();
				int n = this.channel.read(in);
				if (n < 0) {
					throw new IOException("the worker closed the connection");
				}
				this.pending.write(in.array(), 0, n);
			}
			byte[] buf = this.pending.toByteArray();
			this.pending.reset();
			this.pending.write(buf, len, buf.length - len);
			return new String(buf, 0, len, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new DataplaneException("EIO", "dataplane worker on " + this.socket + " unreachable during " + line
					+ ": " + e.getMessage(), e);
		}
	}

	@Override
	public DpHealth health() {
		Map<String, String> f = fields(request("HEALTH", null));
		return new DpHealth(f.getOrDefault("state", "unknown"), intOf(f, "workers"), intOf(f, "workers_alive"),
				intOf(f, "hosts"), intOf(f, "hosts_with_secrets"), longOf(f, "generation"), longOf(f, "uptime_ms"),
				longOf(f, "pid"), f.getOrDefault("error", ""));
	}

	/** Starts the workers (a worker process starts them itself; this is for after {@link #stopWorkers()}). */
	public void startWorkers() {
		request("START", null);
	}

	/** Stops the packet workers; the process keeps its configuration and socket. */
	public void stopWorkers() {
		request("STOP", null);
	}

	/** Asks the worker process to exit cleanly. */
	public void quit() {
		request("QUIT", null);
	}

	@Override
	public synchronized void close() {
		try {
			this.selector.close();
			this.channel.close();
		}
		catch (IOException ignored) {
			// closing a Unix socket cannot lose data we care about
		}
	}

	/** Sends one request and returns the text after "OK", or throws the worker's ERR as a DataplaneException. */
	synchronized String request(String line, String payload) {
		try {
			byte[] body = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
			String head = payload == null ? line : line + " len=" + body.length;
			ByteBuffer out = ByteBuffer.allocate(head.length() * 3 + 1 + body.length);
			out.put((head + "\n").getBytes(StandardCharsets.UTF_8)).put(body).flip();
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (out.hasRemaining()) {
				if (this.channel.write(out) == 0) {
					waitUntil(deadline, "sending " + line);
					Thread.onSpinWait();
				}
			}
			String reply = readLine(deadline, line);
			if (reply.startsWith("OK")) {
				return reply.substring(2).strip();
			}
			if (reply.startsWith("ERR ")) {
				String rest = reply.substring(4);
				int sp = rest.indexOf(' ');
				String errno = sp < 0 ? rest : rest.substring(0, sp);
				String msg = sp < 0 ? "" : rest.substring(sp + 1);
				throw new DataplaneException(errno, msg);
			}
			throw new DataplaneException("EPROTO", "unexpected reply to " + line + ": " + reply);
		}
		catch (IOException e) {
			throw new DataplaneException("EIO",
					"dataplane worker on " + this.socket + " unreachable during " + verb(line) + ": " + e.getMessage(), e);
		}
	}

	private String readLine(long deadline, String line) throws IOException {
		ByteBuffer in = ByteBuffer.allocate(8192);
		for (;;) {
			byte[] buf = this.pending.toByteArray();
			for (int i = 0; i < buf.length; i++) {
				if (buf[i] == '\n') {
					this.pending.reset();
					this.pending.write(buf, i + 1, buf.length - i - 1);
					return new String(buf, 0, i, StandardCharsets.UTF_8);
				}
			}
			waitUntil(deadline, verb(line));
			in.clear();
			int n = this.channel.read(in);
			if (n < 0) {
				throw new IOException("the worker closed the connection");
			}
			this.pending.write(in.array(), 0, n);
		}
	}

	private void waitUntil(long deadline, String what) throws IOException {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			throw new IOException("no reply within " + this.timeout.toMillis() + " ms (" + what + ")");
		}
		this.selector.select(Math.max(1, left / 1_000_000));
		this.selector.selectedKeys().clear();
	}

	private static String verb(String line) {
		int sp = line.indexOf(' ');
		return sp < 0 ? line : line.substring(0, sp);
	}

	/** Parses "k=v k=v ... error=free text" (error, when present, is last and runs to the end). */
	static Map<String, String> fields(String s) {
		Map<String, String> f = new LinkedHashMap<>();
		int i = 0;
		while (i < s.length()) {
			int eq = s.indexOf('=', i);
			if (eq < 0) {
				break;
			}
			String key = s.substring(i, eq);
			if (key.equals("error")) {
				f.put(key, s.substring(eq + 1));
				break;
			}
			int sp = s.indexOf(' ', eq);
			f.put(key, s.substring(eq + 1, sp < 0 ? s.length() : sp));
			i = sp < 0 ? s.length() : sp + 1;
		}
		return f;
	}

	private static int intOf(Map<String, String> f, String k) {
		return (int) longOf(f, k);
	}

	private static long longOf(Map<String, String> f, String k) {
		String v = f.get(k);
		return v == null ? -1 : Long.parseLong(v);
	}
}

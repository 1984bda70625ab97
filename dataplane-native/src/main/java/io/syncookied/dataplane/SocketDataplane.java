package io.syncookied.dataplane;

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
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncookied.common.IpText;
import io.syncookied.common.KernelSecrets;

/**
 * {@link Dataplane} over the worker process's Unix domain socket (protocol version 2,
 * docs/dataplane-worker-protocol.md): hosts and secrets travel as typed records ({@link WorkerRecords}). One request at
 * a time; each waits at most the timeout.
 */
public final class SocketDataplane implements Dataplane {

	/** The protocol version this client speaks. */
	public static final int PROTOCOL = 2;

	private final Path socket;

	private final Duration timeout;

	private final Clock clock;

	private final SocketChannel channel;

	private final Selector selector;

	private final SelectionKey key;

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private final Map<String, String> hello;

	private SocketDataplane(Path socket, Duration timeout, Clock clock) throws IOException {
		this.socket = socket;
		this.timeout = timeout;
		this.clock = clock;
		this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			this.channel.connect(UnixDomainSocketAddress.of(socket));
			this.channel.configureBlocking(false);
			this.selector = Selector.open();
			this.key = this.channel.register(this.selector, SelectionKey.OP_READ);
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
	 * @param clock the clock of the {@link KernelSecrets#sampledAt()} instants, to tell the worker their age
	 * @throws DataplaneException {@code ECONNREFUSED}/{@code ENOENT} when no worker listens there, {@code EPROTO} on a
	 * version mismatch
	 */
	public static SocketDataplane connect(Path socket, Duration timeout, Clock clock) {
		try {
			return new SocketDataplane(socket, timeout, clock);
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

	/**
	 * The backends the worker's build has ({@code memory}, {@code afpacket}, {@code afxdp}, {@code xdp}, {@code netmap}).
	 */
	List<String> backends() {
		String b = this.hello.getOrDefault("backends", "");
		return b.isEmpty() ? List.of() : List.of(b.split(","));
	}

	@Override
	public void setHost(DpHost host) {
		request("HOST_SET", WorkerRecords.host(new StringBuilder(128), host).toString());
	}

	@Override
	public void removeHost(InetAddress ip) {
		request("HOST_DEL ip=" + IpText.of(ip), null);
	}

	@Override
	public void setSecrets(InetAddress ip, KernelSecrets secrets) {
		request("SECRETS", WorkerRecords.secrets(new StringBuilder(640), ip, secrets, this.clock.instant()).toString());
	}

	@Override
	public void resync(Collection<DpHost> hosts, Map<InetAddress, KernelSecrets> secrets) {
		StringBuilder h = new StringBuilder(64 * hosts.size() + 16);
		hosts.forEach(host -> WorkerRecords.host(h, host));
		request("HOSTS_SET", h.toString());
		if (!secrets.isEmpty()) {
			StringBuilder s = new StringBuilder(640 * secrets.size());
			secrets.forEach((ip, k) -> WorkerRecords.secrets(s, ip, k, this.clock.instant()));
			request("SECRETS", s.toString());
		}
	}

	@Override
	public DpStats stats() {
		Map<String, Long> totals = new LinkedHashMap<>();
		fields(request("STATS", null)).forEach((k, v) -> totals.put(k, Long.parseUnsignedLong(v)));
		Map<InetAddress, DpHostCounters> hosts = new HashMap<>();
		for (String line : requestWithPayload("HOST_STATS").split("\n")) {
			if (line.isEmpty()) {
				continue;
			}
			Map<String, String> f = fields(line);
			String ip = f.remove("ip");
			if (ip == null) {
				throw new DataplaneException("EPROTO", "HOST_STATS: a line without ip=: " + line);
			}
			Map<String, Long> c = new LinkedHashMap<>();
			f.forEach((k, v) -> c.put(k, Long.parseUnsignedLong(v)));
			hosts.put(DpHostBuilder.literal(ip), new DpHostCounters(c));
		}
		return new DpStats(totals, hosts);
	}

	@Override
	public DpHealth health() {
		Map<String, String> f = fields(request("HEALTH", null));
		return new DpHealth(f.getOrDefault("state", "unknown"), intOf(f, "workers"), intOf(f, "workers_alive"),
				intOf(f, "hosts"), intOf(f, "hosts_with_secrets"), longOf(f, "generation"), longOf(f, "uptime_ms"),
				longOf(f, "pid"), f.getOrDefault("error", ""));
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

	/** A request whose OK reply announces {@code len=N} bytes of payload after the line; returns the payload. */
	synchronized String requestWithPayload(String line) {
		Map<String, String> f = fields(request(line, null));
		int len = Integer.parseInt(f.getOrDefault("len", "0"));
		try {
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (this.pending.size() < len) {
				readSome(deadline, line);
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

	/** Sends one request (with its records, if any) and returns the text after "OK", or throws the worker's ERR. */
	synchronized String request(String line, String records) {
		try {
			byte[] body = records == null ? new byte[0] : records.getBytes(StandardCharsets.UTF_8);
			byte[] head = ((records == null ? line : line + " len=" + body.length) + "\n")
				.getBytes(StandardCharsets.UTF_8);
			ByteBuffer out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (out.hasRemaining()) {
				if (this.channel.write(out) == 0) {
					await(SelectionKey.OP_WRITE, deadline, "sending " + verb(line));
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
			throw new DataplaneException("EPROTO", "unexpected reply to " + verb(line) + ": " + reply);
		}
		catch (IOException e) {
			throw new DataplaneException("EIO",
					"dataplane worker on " + this.socket + " unreachable during " + verb(line) + ": " + e.getMessage(), e);
		}
	}

	private String readLine(long deadline, String line) throws IOException {
		int scanned = 0;
		for (;;) {
			byte[] buf = this.pending.toByteArray();
			for (int i = scanned; i < buf.length; i++) {
				if (buf[i] == '\n') {
					this.pending.reset();
					this.pending.write(buf, i + 1, buf.length - i - 1);
					return new String(buf, 0, i, StandardCharsets.UTF_8);
				}
			}
			scanned = buf.length;
			readSome(deadline, verb(line));
		}
	}

	private void readSome(long deadline, String what) throws IOException {
		ByteBuffer in = ByteBuffer.allocate(65536);
		int n;
		while ((n = this.channel.read(in)) == 0) {
			await(SelectionKey.OP_READ, deadline, what);
		}
		if (n < 0) {
			throw new IOException("the worker closed the connection");
		}
		this.pending.write(in.array(), 0, n);
	}

	private void await(int ops, long deadline, String what) throws IOException {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			throw new IOException("no reply within " + this.timeout.toMillis() + " ms (" + what + ")");
		}
		this.key.interestOps(ops);
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

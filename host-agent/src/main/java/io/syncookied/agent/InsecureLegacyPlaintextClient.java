package io.syncookied.agent;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * INSECURE, read-only migration aid: fetches /proc/tcp_secrets from a server still running the ORIGINAL
 * {@code syncookied server} (UDP mode), which answers any datagram of two or more bytes with the file in
 * plaintext. Anyone on the path sees the secrets; anyone who can send to that port gets them. Use it only to
 * check a host during the move to syncookied-agent, then switch the original daemon off. It never sends
 * anything but the two-byte request, and nothing in syncookied uses it implicitly.
 */
public final class InsecureLegacyPlaintextClient {

	private static final System.Logger LOG = System.getLogger(InsecureLegacyPlaintextClient.class.getName());

	/** The original client sent "YO"; its server accepted any two bytes. */
	private static final byte[] REQUEST = "YO".getBytes(StandardCharsets.US_ASCII);

	private static final int MAX_REPLY = 4096;

	private InsecureLegacyPlaintextClient() {
	}

	/**
	 * @return the parsed reply (strictly, like the agent parses its own file)
	 * @throws IOException on timeout or a reply that is not a tcp_secrets file
	 */
	public static TcpSecretsFile fetch(InetSocketAddress server, Duration timeout) throws IOException {
		LOG.log(System.Logger.Level.WARNING, "INSECURE: fetching tcp_secrets IN PLAINTEXT from the original syncookied"
				+ " server at " + server + "; migrate that host to syncookied-agent");
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
			socket.connect(server);
			socket.send(new DatagramPacket(REQUEST, REQUEST.length));
			byte[] buf = new byte[MAX_REPLY];
			DatagramPacket reply = new DatagramPacket(buf, buf.length);
			try {
				socket.receive(reply);
			}
			catch (SocketTimeoutException ex) {
				throw new IOException("legacy server " + server + ": no reply within " + timeout.toMillis() + " ms", ex);
			}
			// the original padded its reply with NULs up to its buffer size
			int len = reply.getLength();
			while (len > 0 && buf[len - 1] == 0) {
				len--;
			}
			try {
				return TcpSecretsParser.parse(new String(buf, 0, len, StandardCharsets.US_ASCII));
			}
			catch (IllegalArgumentException ex) {
				throw new IOException("legacy server " + server + ": reply is not a tcp_secrets file: " + ex.getMessage(),
						ex);
			}
		}
	}

	/**
	 * {@code java -cp syncookied-agent.jar io.syncookied.agent.InsecureLegacyPlaintextClient HOST:PORT}: prints
	 * the fetched file, re-rendered in the extended format, to stdout (for a dataplane secrets file).
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 1) {
			System.err.println("usage: InsecureLegacyPlaintextClient HOST:PORT   (INSECURE: the reply is plaintext)");
			System.exit(2);
		}
		AgentConfig.HostPort hp = AgentConfig.HostPort.parse("server", args[0]);
		TcpSecretsFile f = fetch(new InetSocketAddress(hp.host(), hp.port()), Duration.ofSeconds(3));
		System.out.print(io.syncookied.telemetry.TcpSecretsText.render(f.secrets(),
				new io.syncookied.telemetry.ClockSample(f.jiffies(), f.hz(), f.count(), f.tcpClockMs(),
						System.currentTimeMillis()),
				null));
	}

}

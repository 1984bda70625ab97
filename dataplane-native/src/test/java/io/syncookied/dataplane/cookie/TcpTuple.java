package io.syncookied.dataplane.cookie;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The connection a SYN opens: the client (sender of the SYN) and the protected server, both of one family.
 */
public record TcpTuple(InetAddress client, int clientPort, InetAddress server, int serverPort) {

	public TcpTuple {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(server, "server");
		if (client.getClass() != server.getClass()
				|| !(client instanceof Inet4Address || client instanceof Inet6Address)) {
			throw new IllegalArgumentException("client " + client.getHostAddress() + " and server "
					+ server.getHostAddress() + " must be both IPv4 or both IPv6");
		}
		checkPort("clientPort", clientPort);
		checkPort("serverPort", serverPort);
	}

	private static void checkPort(String name, int port) {
		if (port < 0 || port > 0xffff) {
			throw new IllegalArgumentException(name + " " + port + ": expected 0..65535");
		}
	}

	public boolean isIpv6() {
		return client instanceof Inet6Address;
	}
}

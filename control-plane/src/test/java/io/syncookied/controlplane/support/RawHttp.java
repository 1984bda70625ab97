package io.syncookied.controlplane.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client that sends the request target byte for byte as given: no URI parsing, no encoding, no
 * normalisation. Clients such as WebTestClient or java.net.http re-encode or refuse the spellings an attacker sends,
 * so security tests of the real server use this one. One request per connection ({@code Connection: close}).
 */
public final class RawHttp {

	/** The status line's code and the response as text (headers and body). */
	public record Response(int status, String text) {

		public String body() {
			int at = this.text.indexOf("\r\n\r\n");
			return (at < 0) ? "" : this.text.substring(at + 4);
		}

	}

	private final int port;

	public RawHttp(int port) {
		this.port = port;
	}

	public Response send(String method, String target, String... headers) {
		StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
			.append("Host: 127.0.0.1:").append(this.port).append("\r\n")
			.append("Connection: close\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		boolean hasBody = method.equals("POST") || method.equals("PUT");
		if (hasBody) {
			request.append("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
		}
		else {
			request.append("\r\n");
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return parse(readHead(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(method + " " + target, ex);
		}
	}

	/** Reads until the peer closes, or until the head and some body arrived on a stream that stays open (SSE). */
	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) > 0;) {
				all.write(buffer, 0, n);
				if (all.size() > 1 << 20) {
					break;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			if (all.size() == 0) {
				throw ex;
			}
		}
		return all.toString(StandardCharsets.ISO_8859_1);
	}

	private static Response parse(String text) {
		if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
			throw new IllegalStateException("not an HTTP/1.1 response: " + text);
		}
		return new Response(Integer.parseInt(text.substring(9, 12)), text);
	}

}

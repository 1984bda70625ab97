package io.syncookied.controlplane.api;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API serves one request per connection ({@code server.netty.max-keep-alive-requests: 1}). Reactor Netty 1.3.7
 * sometimes never read the next request of a kept-alive HTTP/1.1 connection, and the client waited for its own
 * timeout: 16 of 100 rounds of {@link ApiTest}'s requests on one pooled client hung (with the JDK's client too),
 * none once the server closes each connection after its response.
 */
class ApiKeepAliveTest extends ApiTestBase {

	@Autowired
	WebServerApplicationContext server;

	@Test
	void theServerClosesTheConnectionAfterEachResponse() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.server.getWebServer().getPort())) {
			socket.setSoTimeout(15_000); // a connection left open fails here instead of hanging
			OutputStream out = socket.getOutputStream();
			out.write(("GET /api/v1/dataplane HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + READ
					+ "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			in.transferTo(response); // returns only when the server closes the connection
			String text = response.toString(StandardCharsets.US_ASCII);
			assertThat(text).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
		}
	}

}

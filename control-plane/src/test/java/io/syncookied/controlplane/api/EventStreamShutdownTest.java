package io.syncookied.controlplane.api;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.syncookied.controlplane.ControlPlaneApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop with an SSE client connected: the stream ends and the web server's graceful shutdown completes instead of
 * waiting its timeout for a response that never ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventStreamShutdownTest {

	@TempDir
	Path dir;

	@Test
	void anOpenEventStreamDoesNotHoldUpTheShutdown(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext app = SpringApplication.run(ControlPlaneApplication.class, "--server.port=0",
				"--syncookied.api.read-tokens[0]=read-token-0123456789abcdef",
				"--syncookied.protection.journal=" + this.dir.resolve("state.journal"),
				"--syncookied.hosts.file=" + this.dir.resolve("hosts.yml"),
				"--logging.level.org.springframework.boot.reactor.netty=info");
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		try (Socket client = new Socket("127.0.0.1", port)) {
			client.setSoTimeout(60_000);
			client.getOutputStream().write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
					+ "Authorization: Bearer read-token-0123456789abcdef\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			InputStream in = client.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			while (!received.toString(StandardCharsets.US_ASCII).contains(":connected")) {
				received.write(in.read());
			}
			app.close();
			// the stream ended: the chunked response's last chunk, and the server closes the connection
			received.write(in.readAllBytes());
			assertThat(received.toString(StandardCharsets.US_ASCII)).endsWith("\r\n0\r\n\r\n");
		}
		finally {
			app.close();
		}
		assertThat(output.getAll()).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted");
		assertThat(Files.exists(this.dir.resolve("state.journal"))).isTrue();
	}

}

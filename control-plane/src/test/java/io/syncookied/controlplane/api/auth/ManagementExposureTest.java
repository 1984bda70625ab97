package io.syncookied.controlplane.api.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.syncookied.controlplane.api.ApiTestBase;
import io.syncookied.controlplane.support.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management endpoints share the API's port and its tokens: every endpoint the actuator lists needs a read token
 * except health, and the server listens on loopback only unless an address is configured.
 */
class ManagementExposureTest extends ApiTestBase {

	@LocalServerPort
	int port;

	@Test
	void everyListedEndpointButHealthNeedsAToken() {
		RawHttp http = new RawHttp(this.port);
		RawHttp.Response index = http.send("GET", "/actuator", "Authorization: Bearer " + READ);
		assertThat(index.status()).isEqualTo(200);
		Matcher href = Pattern.compile("\"href\":\"http://[^/\"]+(/actuator[^\"{]*)\"").matcher(index.body());
		List<String> paths = new ArrayList<>();
		while (href.find()) {
			paths.add(href.group(1));
		}
		assertThat(paths).contains("/actuator/prometheus", "/actuator/metrics", "/actuator/health");
		for (String path : paths) {
			int anonymous = http.send("GET", path).status();
			if (path.startsWith("/actuator/health")) {
				assertThat(anonymous).as(path).isEqualTo(200);
			}
			else {
				assertThat(anonymous).as(path).isEqualTo(401);
				assertThat(http.send("GET", path, "Authorization: Bearer " + READ).status()).as(path).isEqualTo(200);
			}
		}
		assertThat(http.send("GET", "/actuator").status()).isEqualTo(401);
	}

	@Test
	void theServerListensOnLoopbackOnly() throws IOException {
		List<InetAddress> listeners = listenersOn(this.port);
		assertThat(listeners).as("listening sockets on port " + this.port).isNotEmpty()
			.allMatch(InetAddress::isLoopbackAddress);
	}

	/** Local addresses of the TCP sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
	private static List<InetAddress> listenersOn(int port) throws IOException {
		String hexPort = String.format(Locale.ROOT, "%04X", port);
		List<InetAddress> out = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path file = Path.of(table);
			if (!Files.exists(file)) {
				continue;
			}
			List<String> lines = Files.readAllLines(file);
			for (String line : lines.subList(1, lines.size())) {
				String[] f = line.trim().split("\\s+");
				String[] local = f[1].split(":");
				if (local[1].equals(hexPort) && f[3].equals("0A")) {
					out.add(kernelHexAddress(local[0]));
				}
			}
		}
		return out;
	}

	/** The kernel prints an address as 32-bit words, each in host (little-endian) byte order. */
	private static InetAddress kernelHexAddress(String hex) throws IOException {
		byte[] bytes = new byte[hex.length() / 2];
		for (int word = 0; word < bytes.length; word += 4) {
			for (int i = 0; i < 4; i++) {
				bytes[word + i] = (byte) Integer.parseInt(hex.substring((word + 3 - i) * 2, (word + 4 - i) * 2), 16);
			}
		}
		return InetAddress.getByAddress(bytes);
	}

}

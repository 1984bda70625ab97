package io.syncookied.controlplane.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTP(S) listener on loopback that records every request and answers as the test says: a status, after a
 * delay. HTTPS uses a self-signed certificate for 127.0.0.1 made by the JDK's keytool.
 */
final class Listener implements AutoCloseable {

	/** One request as it arrived. */
	record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {

		/** The first value of a header, its name in any case; null if absent. */
		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
				.map(e -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

	}

	/** What the listener answers. */
	record Answer(int status, String body, long delayMillis) {
	}

	final List<Request> requests = new CopyOnWriteArrayList<>();

	final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(204, "", 0));

	private final HttpServer server;

	private Listener(HttpServer server) {
		this.server = server;
		server.createContext("/", this::handle);
		server.setExecutor(Executors.newCachedThreadPool());
		server.start();
	}

	static Listener http() throws IOException {
		return new Listener(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
	}

	/** An HTTPS listener with the key and certificate of {@code keystore} (PKCS12, password "changeit"). */
	static Listener https(Path keystore) throws Exception {
		KeyStore ks = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keystore)) {
			ks.load(in, "changeit".toCharArray());
		}
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(ks, "changeit".toCharArray());
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(kmf.getKeyManagers(), null, null);
		HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(tls));
		return new Listener(server);
	}

	/**
	 * Makes a self-signed certificate for 127.0.0.1 with keytool: {@code dir/server.p12} and its certificate as PEM,
	 * {@code dir/ca.pem}.
	 */
	static void makeCertificate(Path dir) throws IOException, InterruptedException {
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		run(keytool, "-genkeypair", "-alias", "hook", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
				"-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
				dir.resolve("server.p12").toString(), "-storepass", "changeit", "-keypass", "changeit");
		run(keytool, "-exportcert", "-rfc", "-alias", "hook", "-keystore", dir.resolve("server.p12").toString(),
				"-storepass", "changeit", "-file", dir.resolve("ca.pem").toString());
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes());
		if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + ": " + out);
		}
	}

	URI uri(String path) {
		String scheme = (this.server instanceof HttpsServer) ? "https" : "http";
		return URI.create(scheme + "://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] body = exchange.getRequestBody().readAllBytes();
		this.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
				Map.copyOf(exchange.getRequestHeaders()), body));
		Answer a = this.answer.get();
		try {
			Thread.sleep(a.delayMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		byte[] out = a.body().getBytes();
		if (a.status() / 100 == 3) {
			exchange.getResponseHeaders().add("Location", "/elsewhere");
		}
		exchange.sendResponseHeaders(a.status(), (out.length == 0) ? -1 : out.length);
		if (out.length > 0) {
			exchange.getResponseBody().write(out);
		}
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}

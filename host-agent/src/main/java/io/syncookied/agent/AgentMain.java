package io.syncookied.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;

import io.syncookied.agent.synack.TcpProfileCommand;
import io.syncookied.telemetry.KeyFiles;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.Protocol;

/** Entry point of {@code syncookied-agent}: exit 0 on a clean stop, 2 on a configuration error. */
public final class AgentMain {

	private AgentMain() {
	}

	public static void main(String[] args) throws Exception {
		if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
			// one line per record: journald adds its own time stamp
			System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%6$s%n");
		}
		if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
			System.out.println(AgentConfigLoader.USAGE);
			System.out.println(TcpProfileCommand.USAGE);
			System.out.println("       syncookied-agent --help | --version");
			return;
		}
		if (args.length == 1 && args[0].equals("--version")) {
			System.out.println(version());
			return;
		}
		if (args.length >= 1 && args[0].equals("tcp-profile")) {
			System.exit(TcpProfileCommand.run(java.util.List.of(args).subList(1, args.length), System.out, System.err));
			return;
		}
		HostAgent agent;
		try {
			AgentConfig config = AgentConfigLoader.load(args);
			agent = create(config);
		}
		catch (IllegalArgumentException | IOException ex) {
			System.err.println("syncookied-agent: " + ex.getMessage());
			System.err.println(AgentConfigLoader.USAGE);
			System.exit(2);
			return;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			agent.close();
			stopped.countDown();
		}, "syncookied-agent-shutdown"));
		try {
			agent.start();
		}
		catch (Exception ex) { // Netty rethrows a BindException undeclared
			System.err.println("syncookied-agent: cannot start: " + ex);
			System.exit(1);
		}
		stopped.await();
	}

	/** "syncookied-agent VERSION" and the wire protocol it speaks; the version is the jar's Implementation-Version. */
	static String version() {
		String v = AgentMain.class.getPackage().getImplementationVersion();
		return "syncookied-agent " + ((v != null) ? v : "(development build)") + "\ntelemetry protocol version "
				+ Protocol.VERSION;
	}

	/** Loads the keys (checking their files' permissions) and builds the agent. */
	public static HostAgent create(AgentConfig config) throws IOException {
		PresharedKey send = new PresharedKey((int) config.keyId(), "control-plane", config.algorithm(),
				KeyFiles.load(config.keyFile()));
		PresharedKey previous = null;
		if (config.previousKeyId() != null && config.previousKeyFile() != null) {
			previous = new PresharedKey((int) config.previousKeyId().longValue(), "control-plane", config.algorithm(),
					KeyFiles.load(config.previousKeyFile()));
		}
		return new HostAgent(config, send, previous, hostname(config));
	}

	private static String hostname(AgentConfig config) {
		String name = config.hostname();
		if (name == null) {
			try {
				name = ProcFiles.read(config.procRoot().resolve("sys/kernel/hostname")).trim();
			}
			catch (IOException | RuntimeException ex) {
				try {
					name = InetAddress.getLocalHost().getHostName();
				}
				catch (IOException ex2) {
					name = "unknown";
				}
			}
		}
		byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		return (utf8.length <= Protocol.MAX_HOSTNAME) ? name : name.substring(0, Protocol.MAX_HOSTNAME / 4);
	}

}

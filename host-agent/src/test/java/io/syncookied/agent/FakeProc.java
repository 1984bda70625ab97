package io.syncookied.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A fake /proc tree in a temp dir, copied from test resources (netstat/snmp/dev are from a real 6.18 kernel), and a
 * fake /sys beside it in {@code fake-sys} (the interface MTU the SYN-ACK window needs).
 */
final class FakeProc {

	static final List<String> FILES = List.of("tcp_secrets", "net/netstat", "net/snmp", "net/dev",
			"sys/net/ipv4/tcp_syncookies", "sys/net/ipv4/tcp_timestamps", "sys/net/ipv4/tcp_sack",
			"sys/net/ipv4/tcp_window_scaling", "sys/net/ipv4/tcp_ecn", "sys/net/ipv4/tcp_max_syn_backlog",
			"sys/net/core/somaxconn", "sys/kernel/hostname", "sys/kernel/osrelease", "sys/net/ipv4/tcp_rmem",
			"sys/net/ipv4/tcp_adv_win_scale", "sys/net/ipv4/tcp_workaround_signed_windows", "sys/net/core/rmem_max",
			"net/route");

	static final List<String> SYS_FILES = List.of("class/net/eth0/mtu");

	final Path root;

	final Path sysRoot;

	private String secretsTemplate;

	private long clockStepMs;

	private Thread ticker;

	private FakeProc(Path root) {
		this.root = root;
		this.sysRoot = root.resolve("fake-sys");
	}

	/**
	 * Makes tcp_secrets behave like the kernel's: jiffies (HZ 250) and tcp_clock_ms advance with real time, every
	 * 20 ms. Edit the file through {@link #editSecrets} from then on.
	 */
	synchronized void startClock() throws IOException {
		this.secretsTemplate = read("tcp_secrets");
		long base = System.nanoTime();
		this.ticker = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				try {
					long elapsedMs = (System.nanoTime() - base) / 1_000_000;
					synchronized (this) {
						String text = this.secretsTemplate
							.replace("tcp_clock_ms 123456789", "tcp_clock_ms " + (123456789 + elapsedMs - this.clockStepMs))
							.replaceFirst("^4294967296 ", (4294967296L + elapsedMs / 4) + " ");
						write("tcp_secrets", text);
					}
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}
		}, "fake-proc-clock");
		this.ticker.setDaemon(true);
		this.ticker.start();
	}

	synchronized void editSecrets(java.util.function.UnaryOperator<String> edit) {
		this.secretsTemplate = edit.apply(this.secretsTemplate);
	}

	/** Steps the host TCP clock back against the wall clock, as a suspend/resume or a wall-clock step would look. */
	synchronized void stepClock(long ms) {
		this.clockStepMs += ms;
	}

	void stopClock() throws InterruptedException {
		if (this.ticker != null) {
			this.ticker.interrupt();
			this.ticker.join();
		}
	}

	static FakeProc create(Path dir) throws IOException {
		FakeProc proc = new FakeProc(dir);
		for (String f : FILES) {
			copy("/fakeproc/" + f, dir.resolve(f));
		}
		for (String f : SYS_FILES) {
			copy("/fakesys/" + f, proc.sysRoot.resolve(f));
		}
		return proc;
	}

	private static void copy(String resource, Path target) throws IOException {
		Files.createDirectories(target.getParent());
		try (InputStream in = FakeProc.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IOException("test resource " + resource + " missing");
			}
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	String read(String file) throws IOException {
		return Files.readString(this.root.resolve(file));
	}

	/** Replaces the file atomically, as the kernel's files never show a half-written state. */
	void write(String file, String content) throws IOException {
		Path tmp = this.root.resolve(file + ".tmp");
		Files.writeString(tmp, content, StandardCharsets.US_ASCII);
		Files.move(tmp, this.root.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/** Sets {@code prefix.name} in a netstat/snmp style file. */
	void setCounter(String file, String prefix, String name, long value) throws IOException {
		String[] lines = read(file).split("\n");
		for (int i = 0; i + 1 < lines.length; i += 2) {
			String[] names = lines[i].trim().split("\\s+");
			if (!names[0].equals(prefix + ":")) {
				continue;
			}
			String[] values = lines[i + 1].trim().split("\\s+");
			for (int j = 1; j < names.length; j++) {
				if (names[j].equals(name)) {
					values[j] = Long.toString(value);
					lines[i + 1] = String.join(" ", values);
					write(file, String.join("\n", lines) + "\n");
					return;
				}
			}
		}
		throw new IllegalArgumentException(prefix + "." + name + " not in " + file);
	}

}

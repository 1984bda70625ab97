package io.syncookied.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sets net.ipv4.tcp_syncookies=2 (always answer with cookies, which keeps the host's own cookie secrets in use
 * and lets the firewall's cookies be checked) and puts the previous value back on a clean exit. The original
 * syncookied did the same, but set 1 on exit whatever was there before.
 */
final class SyncookiesSetting {

	private static final System.Logger LOG = System.getLogger(SyncookiesSetting.class.getName());

	private final Path path;

	private int previous = -1;

	SyncookiesSetting(Path path) {
		this.path = path;
	}

	/** @return true if the value is 2 now */
	boolean apply() {
		try {
			this.previous = Integer.parseInt(ProcReader.read(this.path).trim());
			if (this.previous != 2) {
				write(2);
				LOG.log(Level.INFO, "set " + this.path + " from " + this.previous + " to 2; restored on exit");
			}
			return true;
		}
		catch (IOException | NumberFormatException ex) {
			LOG.log(Level.ERROR, "cannot set " + this.path + " to 2: " + ex
					+ " (the agent needs root; reports carry the value the kernel has)");
			this.previous = -1;
			return false;
		}
	}

	void restore() {
		if (this.previous < 0 || this.previous == 2) {
			return;
		}
		try {
			write(this.previous);
			LOG.log(Level.INFO, "restored " + this.path + " to " + this.previous);
		}
		catch (IOException ex) {
			LOG.log(Level.ERROR, "cannot restore " + this.path + " to " + this.previous + ": " + ex
					+ "; run: sysctl -w net.ipv4.tcp_syncookies=" + this.previous);
		}
		this.previous = -1;
	}

	private void write(int value) throws IOException {
		Files.write(this.path, (value + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING);
	}

}

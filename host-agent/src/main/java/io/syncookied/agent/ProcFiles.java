package io.syncookied.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads files of /proc and /sys as the kernel serves them. A sysctl file (proc_dointvec) answers a read at a
 * non-zero offset with end-of-file, so it must be read in one call with a buffer large enough for all of it:
 * {@code Files.readAllBytes} reads a zero-size file one byte at a time and so sees "4" for a somaxconn of 4096.
 * seq_file files (/proc/net/*, /proc/tcp_secrets) continue across reads, which the loop here handles too.
 */
public final class ProcFiles {

	/** Larger than any sysctl value; /proc/net tables grow the buffer. */
	private static final int FIRST_READ = 64 * 1024;

	private ProcFiles() {
	}

	public static byte[] readBytes(Path path) throws IOException {
		try (InputStream in = Files.newInputStream(path)) {
			byte[] buf = new byte[FIRST_READ];
			int n = 0;
			while (true) {
				int r = in.read(buf, n, buf.length - n);
				if (r < 0) {
					return Arrays.copyOf(buf, n);
				}
				n += r;
				if (n == buf.length) {
					buf = Arrays.copyOf(buf, buf.length * 2);
				}
			}
		}
	}

	public static String read(Path path) throws IOException {
		return new String(readBytes(path), StandardCharsets.US_ASCII);
	}

}

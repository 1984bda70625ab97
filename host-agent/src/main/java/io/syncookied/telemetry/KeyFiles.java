package io.syncookied.telemetry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Set;

/**
 * Loads a 32-byte key from a file that holds either the raw 32 bytes or 64 hex digits (whitespace around them
 * is ignored). Refuses a file that anyone but its owner can read or write, or that is owned by somebody other
 * than root or the user running this process: a key that leaked is a host whose secrets leak.
 */
public final class KeyFiles {

	private KeyFiles() {
	}

	public static byte[] load(Path file) throws IOException {
		checkPermissions(file);
		byte[] content = Files.readAllBytes(file);
		return parse(file.toString(), content);
	}

	static byte[] parse(String name, byte[] content) {
		if (content.length == AeadAlgorithm.KEY_LENGTH) {
			return content.clone(); // raw key (64 hex digits are never exactly 32 bytes long)
		}
		String text = new String(content, StandardCharsets.US_ASCII).strip();
		if (text.length() != 2 * AeadAlgorithm.KEY_LENGTH || !text.matches("[0-9a-fA-F]+")) {
			throw new IllegalArgumentException("key file " + name + ": expected " + AeadAlgorithm.KEY_LENGTH
					+ " raw bytes or " + 2 * AeadAlgorithm.KEY_LENGTH + " hex digits, got " + content.length
					+ " bytes that are neither");
		}
		return HexFormat.of().parseHex(text);
	}

	static void checkPermissions(Path file) throws IOException {
		if (!Files.isRegularFile(file)) {
			throw new IOException("key file " + file + ": not a regular file (or missing)");
		}
		Set<PosixFilePermission> perms;
		try {
			perms = Files.getPosixFilePermissions(file); // a symlink is judged by its target
		}
		catch (UnsupportedOperationException ex) {
			throw new IOException("key file " + file + ": file system has no POSIX permissions to check", ex);
		}
		for (PosixFilePermission p : perms) {
			switch (p) {
				case GROUP_READ, GROUP_WRITE, GROUP_EXECUTE, OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE -> throw new IOException(
						"key file " + file + ": mode " + java.nio.file.attribute.PosixFilePermissions.toString(perms)
								+ " lets group or others access it; run chmod 0400 " + file);
				default -> {
				}
			}
		}
		Object uid = Files.getAttribute(file, "unix:uid");
		long owner = ((Number) uid).longValue();
		long self = currentUid();
		if (owner != 0 && owner != self) {
			throw new IOException("key file " + file + ": owned by uid " + owner
					+ ", expected root (0) or the user running this process (" + self + "); run chown root " + file);
		}
	}

	private static long currentUid() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("Uid:")) {
					return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// fall through: only root-owned files are then accepted
		}
		return 0;
	}

}

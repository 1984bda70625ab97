package io.syncookied.router.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs shell commands for the namespace labs; {@link #requireRoot} skips LOUDLY without root. */
public final class Shell {

	private Shell() {
	}

	public record Out(int rc, String out) {
	}

	public static Out sh(String command) {
		try {
			Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
			if (!p.waitFor(30, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new IllegalStateException("timed out: " + command);
			}
			return new Out(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(command, ex);
		}
	}

	/** Runs and fails the test with the output if the command fails. */
	public static String ok(String command) {
		Out o = sh(command);
		if (o.rc() != 0) {
			throw new AssertionError("command failed (rc " + o.rc() + "): " + command + "\n" + o.out());
		}
		return o.out();
	}

	/** Skips (loudly, on stderr) when not root or network namespaces are unavailable. */
	public static void requireRoot(String what) {
		String why = null;
		if (!"0".equals(sh("id -u").out().strip())) {
			why = "not running as root";
		}
		else if (sh("ip netns add srprobe$$ && ip netns del srprobe$$").rc() != 0) {
			why = "cannot create network namespaces";
		}
		if (why != null) {
			String msg = "SKIPPING " + what + ": " + why + " (CI runs these as root)";
			System.err.println("\n!!!!!!!! " + msg + " !!!!!!!!\n");
			Assumptions.abort(msg);
		}
	}

	public static void requireCommand(String what, String command) {
		if (sh("command -v " + command).rc() != 0) {
			String msg = "SKIPPING " + what + ": '" + command + "' is not installed (deploy/install-deps.sh installs it)";
			System.err.println("\n!!!!!!!! " + msg + " !!!!!!!!\n");
			Assumptions.abort(msg);
		}
	}

}

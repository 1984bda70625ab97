package io.syncookied.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs commands for the network-namespace tests, and skips them loudly where root or netns are missing. */
final class NetnsSupport {

	static final Path NETNS_DIR = Path.of("tests/netns").toAbsolutePath();

	private NetnsSupport() {
	}

	record Result(int exit, String output) {
	}

	static Result run(long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
		Path out = Files.createTempFile("netns", ".out");
		try {
			Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
			if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				p.descendants().forEach(ProcessHandle::destroyForcibly);
				p.destroyForcibly();
				return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n(timed out after "
						+ timeoutSeconds + " s)");
			}
			return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(out);
		}
	}

	/** Skips (loudly, on stderr and in the report) unless we are root and can create a network namespace. */
	static void assumeNetns() throws IOException, InterruptedException {
		String reason = null;
		Result id = run(10, List.of("id", "-u"));
		if (!id.output().strip().equals("0")) {
			reason = "not root (uid " + id.output().strip() + "): the netns tests need root; CI runs as root";
		}
		else {
			String ns = "dpt-probe-" + ProcessHandle.current().pid();
			Result add = run(10, List.of("ip", "netns", "add", ns));
			run(10, List.of("ip", "netns", "del", ns));
			if (add.exit() != 0) {
				reason = "cannot create network namespaces here: " + add.output().strip();
			}
		}
		if (reason != null) {
			System.err.println("\n*** SKIPPING dataplane netns tests: " + reason + " ***\n");
		}
		Assumptions.assumeTrue(reason == null, reason);
	}
}

package io.syncookied.controlplane.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace of its own for a test (unique name, so tests in parallel JVMs never clash), removed by
 * {@link #close()}. Skips the test loudly where root or network namespaces are missing.
 */
public final class Netns implements AutoCloseable {

	private static final AtomicInteger COUNT = new AtomicInteger();

	private final String name;

	private Netns(String name) {
		this.name = name;
	}

	public static Netns create() throws IOException, InterruptedException {
		assumeNetns();
		Netns ns = new Netns("cpt" + ProcessHandle.current().pid() % 100000 + "x" + COUNT.incrementAndGet());
		ns.check(List.of("ip", "netns", "add", ns.name));
		ns.ip("link", "set", "lo", "up");
		return ns;
	}

	public String name() {
		return this.name;
	}

	/** {@code ip -n NS args...}, failing the test on a non-zero exit. */
	public String ip(String... args) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>(List.of("ip", "-n", this.name));
		cmd.addAll(List.of(args));
		return check(cmd);
	}

	/** A veth pair {@code a}/{@code b} in the namespace, both up. */
	public void veth(String a, String b) throws IOException, InterruptedException {
		ip("link", "add", a, "type", "veth", "peer", "name", b);
		ip("link", "set", a, "up");
		ip("link", "set", b, "up");
	}

	/** An executable that runs {@code binary} inside the namespace (same pid: ip netns exec does setns + exec). */
	public Path wrapper(Path dir, Path binary) throws IOException {
		Path wrapper = dir.resolve("in-" + this.name);
		Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + this.name + " " + binary + " \"$@\"\n");
		Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
		return wrapper;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		run(List.of("ip", "netns", "del", this.name));
	}

	private String check(List<String> cmd) throws IOException, InterruptedException {
		Result r = run(cmd);
		if (r.exit() != 0) {
			throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.output());
		}
		return r.output();
	}

	private record Result(int exit, String output) {
	}

	private static Result run(List<String> cmd) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		if (!p.waitFor(30, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			return new Result(-1, String.join(" ", cmd) + ": timed out");
		}
		return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	private static void assumeNetns() throws IOException, InterruptedException {
		String reason = null;
		Result id = run(List.of("id", "-u"));
		if (!id.output().strip().equals("0")) {
			reason = "not root (uid " + id.output().strip() + "): network namespaces need root; CI runs as root";
		}
		else {
			String probe = "cpt-probe-" + ProcessHandle.current().pid();
			Result add = run(List.of("ip", "netns", "add", probe));
			run(List.of("ip", "netns", "del", probe));
			if (add.exit() != 0) {
				reason = "cannot create network namespaces here: " + add.output().strip();
			}
		}
		if (reason != null) {
			System.err.println("\n*** SKIPPING network namespace tests: " + reason + " ***\n");
		}
		Assumptions.assumeTrue(reason == null, reason);
	}

}

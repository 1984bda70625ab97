package io.syncookied.router.api;

import org.jspecify.annotations.Nullable;

/**
 * A Linux box routing for the protected servers: {@code ip neigh replace ... nud permanent dev <dev>}.
 * @param dev the interface facing the protected servers
 * @param netns run as {@code ip -n <netns>} (the lab), or {@code null}
 * @param ssh run over SSH, or {@code null} to run locally
 * @param protocol the neighbour protocol number our entries carry (see docs/operations.md)
 */
public record LinuxTarget(String name, String dev, @Nullable String netns, @Nullable SshEndpoint ssh, int protocol,
		ResilienceSettings resilience) implements RouterTarget {

	public static final int DEFAULT_PROTOCOL = 0xc5;

	/** {@code ip [-n netns] <args>}: the argument vector for one {@code ip} call on this target. */
	public java.util.List<String> netnsArgs(java.util.List<String> args) {
		java.util.List<String> argv = new java.util.ArrayList<>();
		argv.add("ip");
		if (this.netns != null) {
			argv.add("-n");
			argv.add(this.netns);
		}
		argv.addAll(args);
		return argv;
	}

	@Override
	public String adapter() {
		return "linux";
	}

}

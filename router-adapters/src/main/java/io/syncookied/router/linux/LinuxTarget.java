package io.syncookied.router.linux;

import java.util.ArrayList;
import java.util.List;

import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SshEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * A Linux box routing for the protected servers: {@code ip neigh replace ... nud permanent dev <dev>}, for IPv4 (ARP)
 * and IPv6 (NDP) alike.
 * @param dev the interface facing the protected servers
 * @param netns run as {@code ip -n <netns>} (the lab), or {@code null}
 * @param ssh run over SSH, or {@code null} to run locally
 * @param protocol the neighbour protocol number our entries carry (see docs/operations.md)
 */
public record LinuxTarget(String name, String dev, @Nullable String netns, @Nullable SshEndpoint ssh, int protocol,
		ResilienceSettings resilience) implements RouterTarget {

	public static final int DEFAULT_PROTOCOL = 0xc5;

	/** {@code ip [-n netns] <args>}: the argument vector for one {@code ip} call on this target. */
	public List<String> netnsArgs(List<String> args) {
		List<String> argv = new ArrayList<>();
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
		return LinuxVendor.NAME;
	}

	@Override
	public RouterTarget onInterface(String iface) {
		LinuxVendor.checkDev("interface", iface);
		return new LinuxTarget(this.name, iface, this.netns, this.ssh, this.protocol, this.resilience);
	}

}

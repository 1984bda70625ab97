package io.syncookied.router.linux;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SshEndpoint;
import io.syncookied.router.api.TargetKeys;

/**
 * {@code adapter: linux}: keys {@code dev} (required), {@code netns}, {@code protocol}, and the SSH keys to run
 * {@code ip} on a remote box (without {@code host} it runs locally).
 */
public final class LinuxVendor implements DiversionVendor {

	static final String NAME = "linux";

	private static final Pattern DEV = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String summary() {
		return "static ARP/NDP entries with ip neigh (locally, in a netns or over SSH)";
	}

	@Override
	public Set<String> keys() {
		Set<String> keys = new HashSet<>(TargetKeys.SSH);
		keys.addAll(Set.of("dev", "netns", "protocol"));
		return keys;
	}

	@Override
	public RouterTarget parse(TargetKeys keys) {
		String dev = keys.required("dev");
		try {
			checkDev("dev", dev);
		}
		catch (IllegalArgumentException ex) {
			throw keys.bad("dev", "'" + dev + "' is not a valid name");
		}
		String netns = keys.optional("netns");
		if (netns != null) {
			keys.checkName("netns", netns);
		}
		SshEndpoint ssh = keys.has("host") ? keys.ssh(22) : null;
		int protocol = keys.integer("protocol", LinuxTarget.DEFAULT_PROTOCOL, 1, 255);
		String name = keys.name("linux:" + (ssh != null ? ssh.host() + ":" : "") + (netns != null ? netns + ":" : "")
				+ dev);
		return new LinuxTarget(name, dev, netns, ssh, protocol, keys.resilience());
	}

	@Override
	public DiversionAdapter adapter() {
		return new LinuxNeighbourAdapter();
	}

	/** A Linux interface name ({@code IFNAMSIZ} - 1 characters), never an option to {@code ip}. */
	static void checkDev(String field, String dev) {
		if (!DEV.matcher(dev).matches() || dev.startsWith("-")) {
			throw new IllegalArgumentException(field + ": '" + dev + "' is not a Linux interface name");
		}
	}

}

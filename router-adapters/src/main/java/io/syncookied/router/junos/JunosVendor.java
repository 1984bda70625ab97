package io.syncookied.router.junos;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.IpPrefix;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SshEndpoint;
import io.syncookied.router.api.TargetKeys;
import org.jspecify.annotations.Nullable;

/**
 * {@code adapter: junos}: the SSH keys (port 830 by default), {@code interface} (a logical unit), {@code subnet}
 * and/or {@code subnet6} (the interface's address statements) and {@code confirm-timeout}.
 */
public final class JunosVendor implements DiversionVendor {

	static final String NAME = "junos";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String summary() {
		return "static ARP/NDP configuration over NETCONF, with commit confirmed";
	}

	@Override
	public Set<String> keys() {
		Set<String> keys = new HashSet<>(TargetKeys.SSH);
		keys.addAll(Set.of("interface", "subnet", "subnet6", "confirmtimeout"));
		return keys;
	}

	@Override
	public RouterTarget parse(TargetKeys keys) {
		SshEndpoint ssh = keys.ssh(830);
		String ifl = keys.required("interface");
		try {
			checkInterface("interface", ifl);
		}
		catch (IllegalArgumentException ex) {
			throw keys.bad("interface", "'" + ifl + "' is not a Junos logical interface such as ae0.100 or irb.0");
		}
		IpPrefix subnet = family(keys, "subnet", false);
		IpPrefix subnet6 = family(keys, "subnet6", true);
		if (subnet == null && subnet6 == null) {
			throw keys.bad("subnet", "required (the interface's family inet address, e.g. 10.0.2.1/24), or subnet6");
		}
		Duration confirm = keys.duration("confirmtimeout", Duration.ofMinutes(2));
		if (confirm.toMinutes() < 1 || confirm.toMinutes() > 65535 || confirm.toSeconds() % 60 != 0) {
			throw keys.bad("confirmtimeout", "commit confirmed takes whole minutes between 1m and 65535m, got "
					+ confirm);
		}
		return new JunosTarget(keys.name("junos:" + ssh.host()), ssh, ifl, subnet, subnet6, confirm,
				keys.resilience());
	}

	/** The address statement of one family, or {@code null} when the key is absent. */
	private static @Nullable IpPrefix family(TargetKeys keys, String key, boolean v6) {
		IpPrefix p;
		try {
			p = keys.prefix(key);
		}
		catch (IllegalArgumentException ex) {
			p = null;
		}
		if (keys.optional(key) != null && (p == null || p.isIpv6() != v6)) {
			throw keys.bad(key, "'" + keys.optional(key) + "' is not an " + (v6 ? "IPv6" : "IPv4")
					+ " interface address such as " + (v6 ? "2001:db8:2::1/64" : "10.0.2.1/24"));
		}
		return p;
	}

	@Override
	public DiversionAdapter adapter() {
		return new JunosNetconfAdapter();
	}

	static void checkInterface(String field, String ifl) {
		if (!ifl.matches("[a-z]+[-a-z0-9/:]*\\.\\d+")) {
			throw new IllegalArgumentException(field + ": '" + ifl + "' is not a Junos logical interface such as "
					+ "ae0.100 or irb.0");
		}
	}

}

package io.syncookied.router.snmp;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetKeys;

/**
 * {@code adapter: snmp}: {@code host}, v2c {@code community} or v3 USM keys, {@code mode} (media or physical),
 * {@code ifindex}, {@code request-timeout} and {@code request-retries}.
 */
public final class SnmpVendor implements DiversionVendor {

	static final String NAME = "snmp";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String summary() {
		return "static ipNetToMediaTable/ipNetToPhysicalTable rows over SNMP SET (v2c or v3 authPriv)";
	}

	@Override
	public Set<String> keys() {
		return Set.of("host", "port", "version", "community", "user", "authprotocol", "authpassword", "privprotocol",
				"privpassword", "mode", "ifindex", "requesttimeout", "requestretries");
	}

	@Override
	public RouterTarget parse(TargetKeys keys) {
		TargetKeys.HostPort hp = keys.hostPort(161);
		String v = keys.optional("version");
		SnmpTarget.Version version;
		if (v == null) {
			version = keys.has("user") ? SnmpTarget.Version.V3 : SnmpTarget.Version.V2C;
		}
		else {
			version = switch (v.toLowerCase(Locale.ROOT)) {
				case "2c", "v2c" -> SnmpTarget.Version.V2C;
				case "3", "v3" -> SnmpTarget.Version.V3;
				default -> throw keys.bad("version", "expected v2c or v3, got '" + v + "'");
			};
		}
		String community = null;
		SnmpTarget.Usm usm = null;
		if (version == SnmpTarget.Version.V2C) {
			community = keys.required("community");
		}
		else {
			usm = usm(keys);
		}
		String mode = keys.required("mode").toLowerCase(Locale.ROOT);
		SnmpTarget.Mode m = switch (mode) {
			case "media" -> SnmpTarget.Mode.MEDIA;
			case "physical" -> SnmpTarget.Mode.PHYSICAL;
			default -> throw keys.bad("mode", "expected media (ipNetToMediaTable) or physical (ipNetToPhysicalTable), "
					+ "got '" + mode + "'");
		};
		int ifIndex = keys.integer("ifindex", -1, 1, Integer.MAX_VALUE);
		if (ifIndex < 0) {
			throw keys.bad("ifindex", "required");
		}
		return new SnmpTarget(keys.name("snmp:" + hp.host() + ":" + hp.port()), hp.host(), hp.port(), version,
				community, usm, m, ifIndex, keys.duration("requesttimeout", Duration.ofSeconds(2)),
				keys.integer("requestretries", 1, 0, 10), keys.resilience());
	}

	private static SnmpTarget.Usm usm(TargetKeys keys) {
		String auth = keys.optional("authprotocol");
		auth = auth == null ? "sha" : auth.toLowerCase(Locale.ROOT);
		if (!Set.of("md5", "sha", "sha224", "sha256", "sha384", "sha512").contains(auth)) {
			throw keys.bad("authprotocol", "expected sha, sha224, sha256, sha384, sha512 or md5, got '" + auth + "'");
		}
		String priv = keys.optional("privprotocol");
		priv = priv == null ? "aes128" : priv.toLowerCase(Locale.ROOT);
		if (priv.equals("aes")) {
			priv = "aes128";
		}
		if (!Set.of("aes128", "aes192", "aes256", "des").contains(priv)) {
			throw keys.bad("privprotocol", "expected aes128, aes192, aes256 or des, got '" + priv + "'");
		}
		String authPass = keys.required("authpassword");
		String privPass = keys.required("privpassword");
		if (authPass.length() < 8) {
			throw keys.bad("authpassword", "USM passwords need at least 8 characters");
		}
		if (privPass.length() < 8) {
			throw keys.bad("privpassword", "USM passwords need at least 8 characters");
		}
		return new SnmpTarget.Usm(keys.required("user"), auth, authPass, priv, privPass);
	}

	@Override
	public DiversionAdapter adapter() {
		return new SnmpArpAdapter();
	}

}

package io.syncookied.router.snmp;

import java.time.Duration;

import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import org.jspecify.annotations.Nullable;

/**
 * A device programmed over SNMP SET.
 * @param mode which table to write: {@code MEDIA} = ipNetToMediaTable (PhysAddress + Type
 * static/invalid; IPv4 only), {@code PHYSICAL} = ipNetToPhysicalTable (RowStatus createAndGo/destroy; IPv4 and IPv6
 * rows)
 * @param ifIndex the ifIndex of the interface facing the protected servers
 * @param community v2c community (write access), {@code null} for v3
 * @param usm v3 credentials, {@code null} for v2c
 * @param requestTimeout one SNMP request's timeout; {@code requestRetries} SNMP-level retransmissions
 */
public record SnmpTarget(String name, String host, int port, Version version, @Nullable String community,
		@Nullable Usm usm, Mode mode, int ifIndex, Duration requestTimeout, int requestRetries,
		ResilienceSettings resilience) implements RouterTarget {

	public enum Version {

		V2C, V3

	}

	public enum Mode {

		MEDIA, PHYSICAL

	}

	/** SNMPv3 USM authPriv credentials. Protocols: auth {@code sha|sha224|sha256|sha384|sha512|md5}, priv {@code aes128|aes192|aes256|des}. */
	public record Usm(String user, String authProtocol, String authPassword, String privProtocol, String privPassword) {

		@Override
		public String toString() {
			return "Usm[user=" + this.user + ", auth=" + this.authProtocol + ", priv=" + this.privProtocol + "]";
		}

	}

	@Override
	public String adapter() {
		return SnmpVendor.NAME;
	}

	/** The interface is an ifIndex number on SNMP devices. */
	@Override
	public RouterTarget onInterface(String iface) {
		int n;
		try {
			n = Integer.parseInt(iface);
		}
		catch (NumberFormatException ex) {
			n = 0;
		}
		if (n < 1) {
			throw new IllegalArgumentException("interface: '" + iface + "' is not an ifIndex number, which SNMP target "
					+ this.name + " needs");
		}
		return new SnmpTarget(this.name, this.host, this.port, this.version, this.community, this.usm, this.mode, n,
				this.requestTimeout, this.requestRetries, this.resilience);
	}

	@Override
	public String toString() {
		return "SnmpTarget[" + this.name + " " + this.host + ":" + this.port + " " + this.version + " " + this.mode
				+ " ifIndex=" + this.ifIndex + "]";
	}

}

package io.syncookied.telemetry;

import org.jspecify.annotations.Nullable;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;

/**
 * The host kernel's SYN cookie secrets. {@code format} is 1 for the original 3-line /proc/tcp_secrets and 2
 * for the extended one. The IPv6 pair and the timestamp-offset secret exist only in the extended format (the
 * latter only when the module exports it).
 */
public record TcpSecrets(int format, SipKey secret0, SipKey secret1, @Nullable SipKey secret6x0,
		@Nullable SipKey secret6x1, TsOffsetRule tsOffsetRule, @Nullable SipKey tsOffsetSecret) {

	public TcpSecrets {
		if ((secret6x0 == null) != (secret6x1 == null)) {
			throw new IllegalArgumentException("secrets: both IPv6 secrets or neither");
		}
	}

	/** The kernel initialises its secrets lazily, on the first cookie: all zero means "not yet". */
	public boolean isInitialised() {
		return !this.secret0.isZero() || !this.secret1.isZero();
	}

	@Override
	public String toString() {
		return "TcpSecrets[format=" + this.format + ", ipv6=" + (this.secret6x0 != null) + ", tsOffsetRule="
				+ this.tsOffsetRule + ", tsOffsetSecret=" + (this.tsOffsetSecret != null) + ", initialised="
				+ isInitialised() + "]";
	}

}

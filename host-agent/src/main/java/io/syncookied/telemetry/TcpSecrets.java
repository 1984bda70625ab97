package io.syncookied.telemetry;

import org.jspecify.annotations.Nullable;

import java.time.Instant;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.TcpProfile;
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

	/**
	 * These secrets with a clock sample of the same kernel, as one typed snapshot for the dataplane.
	 *
	 * @param sampledAt when the kernel printed the clock, on the receiver's clock (see {@link ClockSample#sampledAt})
	 * @param sysctls the host's sysctls from its latest report, or null when none arrived yet
	 * @param profile what the agent computed about the server's cookie SYN-ACK
	 */
	public KernelSecrets toKernelSecrets(ClockSample clock, @Nullable Sysctls sysctls, Instant sampledAt,
			TcpProfile profile) {
		Sysctls s = (sysctls != null) ? sysctls : Sysctls.NONE;
		OverflowHook hook = switch (s.overflowHook()) {
			case 0 -> OverflowHook.DISABLED;
			case 1 -> OverflowHook.INACTIVE;
			case 2 -> OverflowHook.ACTIVE;
			default -> OverflowHook.UNKNOWN;
		};
		return new KernelSecrets(sampledAt, this.format, clock.jiffies(), clock.cookieCount(), clock.hz(),
				clock.hasTcpClock() ? clock.tcpClockMs() : KernelSecrets.ABSENT, this.secret0, this.secret1,
				this.secret6x0, this.secret6x1, this.tsOffsetRule, this.tsOffsetSecret,
				new CookieSysctls(s.tcpSyncookies(), s.tcpTimestamps(), s.tcpSack(), s.tcpWindowScaling(), s.tcpEcn()),
				hook, profile);
	}

	@Override
	public String toString() {
		return "TcpSecrets[format=" + this.format + ", ipv6=" + (this.secret6x0 != null) + ", tsOffsetRule="
				+ this.tsOffsetRule + ", tsOffsetSecret=" + (this.tsOffsetSecret != null) + ", initialised="
				+ isInitialised() + "]";
	}

}

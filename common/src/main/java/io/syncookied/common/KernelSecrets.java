package io.syncookied.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One protected server's kernel cookie state, typed: everything /proc/tcp_secrets carries (docs/tcp_secrets-format.md)
 * with the instant it was sampled, plus what the server's agent reports about the SYN-ACK its kernel would send. The
 * control plane hands this to the dataplane, which needs the age to place the server's clock in the past.
 *
 * @param sampledAt when the kernel printed these values, on the clock of the process holding this value
 * @param format 1 for the original 3-line file, 2 or more for the extended one
 * @param jiffies {@code jiffies_64} at the sample (unsigned)
 * @param cookieCount the cookie count the kernel printed with those jiffies (unsigned)
 * @param hz the kernel's HZ, 1..100000
 * @param tcpClockMs {@code tcp_clock_ns() / NSEC_PER_MSEC} at the same instant, or {@value #ABSENT} (3-line format)
 * @param secret0 {@code syncookie_secret[0]}
 * @param secret1 {@code syncookie_secret[1]}
 * @param secret6x0 {@code syncookie6_secret[0]}, or null (no IPv6, or the 3-line format)
 * @param secret6x1 {@code syncookie6_secret[1]}, null exactly when {@code secret6x0} is
 * @param tsOffsetRule how the kernel derives tsoff
 * @param tsOffsetSecret {@code net_secret} or {@code ts_secret} as the rule says, when the module exports it
 * @param sysctls the sysctls that decide what a cookie ACK may ask for
 * @param overflowHook the module's overflow hook state
 * @param tcpProfile the cookie SYN-ACK window and scale the agent computed, {@link TcpProfile#UNKNOWN} when it did not
 */
public record KernelSecrets(Instant sampledAt, int format, long jiffies, long cookieCount, int hz, long tcpClockMs,
		SipKey secret0, SipKey secret1, @Nullable SipKey secret6x0, @Nullable SipKey secret6x1,
		TsOffsetRule tsOffsetRule, @Nullable SipKey tsOffsetSecret, CookieSysctls sysctls, OverflowHook overflowHook,
		TcpProfile tcpProfile) {

	/** {@link #tcpClockMs()} of the original 3-line format. */
	public static final long ABSENT = -1;

	/** The highest HZ a kernel is built with, with margin. */
	public static final int MAX_HZ = 100_000;

	public KernelSecrets {
		Objects.requireNonNull(sampledAt, "sampledAt");
		Objects.requireNonNull(secret0, "secret0");
		Objects.requireNonNull(secret1, "secret1");
		Objects.requireNonNull(tsOffsetRule, "tsOffsetRule");
		Objects.requireNonNull(sysctls, "sysctls");
		Objects.requireNonNull(overflowHook, "overflowHook");
		Objects.requireNonNull(tcpProfile, "tcpProfile");
		if (format < 1 || format > 255) {
			throw new IllegalArgumentException("format: " + format + " is outside 1..255");
		}
		if (hz < 1 || hz > MAX_HZ) {
			throw new IllegalArgumentException("hz: " + hz + " is outside 1.." + MAX_HZ);
		}
		if (tcpClockMs < ABSENT) {
			throw new IllegalArgumentException("tcpClockMs: negative");
		}
		if ((secret6x0 == null) != (secret6x1 == null)) {
			throw new IllegalArgumentException("secret6: both IPv6 secrets or neither");
		}
		if (tsOffsetSecret != null && tsOffsetRule == TsOffsetRule.UNKNOWN) {
			throw new IllegalArgumentException("tsOffsetRule: unknown, but a timestamp-offset secret is given");
		}
		if (cookieCount < 0 || cookieCount > 0xffffffffL) {
			throw new IllegalArgumentException("cookieCount: " + cookieCount + " is outside 0..2^32-1");
		}
	}

	/** The kernel initialises its secrets lazily, on its first cookie: all zero means "not yet". */
	public boolean isInitialised() {
		return !this.secret0.isZero() || !this.secret1.isZero();
	}

	public boolean hasTcpClock() {
		return this.tcpClockMs != ABSENT;
	}

	public boolean hasIpv6() {
		return this.secret6x0 != null;
	}

	/** How old the sample is at {@code now}; never negative. */
	public Duration ageAt(Instant now) {
		Duration age = Duration.between(this.sampledAt, now);
		return age.isNegative() ? Duration.ZERO : age;
	}

	/** The same secrets with the agent's TCP profile. */
	public KernelSecrets withTcpProfile(TcpProfile profile) {
		return new KernelSecrets(this.sampledAt, this.format, this.jiffies, this.cookieCount, this.hz, this.tcpClockMs,
				this.secret0, this.secret1, this.secret6x0, this.secret6x1, this.tsOffsetRule, this.tsOffsetSecret,
				this.sysctls, this.overflowHook, profile);
	}

	@Override
	public String toString() { // never log key material
		return "KernelSecrets[sampledAt=" + this.sampledAt + ", format=" + this.format + ", hz=" + this.hz + ", ipv6="
				+ hasIpv6() + ", tsOffsetRule=" + this.tsOffsetRule + ", tsOffsetSecret=" + (this.tsOffsetSecret != null)
				+ ", initialised=" + isInitialised() + ", tcpProfile=" + this.tcpProfile + "]";
	}

}

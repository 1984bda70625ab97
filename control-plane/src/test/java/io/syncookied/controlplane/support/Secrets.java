package io.syncookied.controlplane.support;

import java.time.Instant;

import io.syncookied.common.CookieSysctls;
import io.syncookied.common.KernelSecrets;
import io.syncookied.common.OverflowHook;
import io.syncookied.common.SipKey;
import io.syncookied.common.TcpProfile;
import io.syncookied.common.TsOffsetRule;

/** A kernel secrets sample (format 2) for tests; made-up keys. */
public final class Secrets {

	/** Sampled at the epoch: a test that cares about the age makes its own with {@link #sampledAt}. */
	public static final KernelSecrets SAMPLE = sampledAt(Instant.EPOCH);

	private Secrets() {
	}

	public static KernelSecrets sampledAt(Instant at) {
		return new KernelSecrets(at, 2, 4295123456L, 17, 250, 123456789, new SipKey(0x0123456789abcdefL, 0xfedcba9876543210L),
				new SipKey(0x1111111111111111L, 0x2222222222222222L), null, null, TsOffsetRule.NET_SECRET,
				new SipKey(0x3333333333333333L, 0x4444444444444444L), new CookieSysctls(1, 1, 1, 1, 2), OverflowHook.ACTIVE,
				TcpProfile.UNKNOWN);
	}

}

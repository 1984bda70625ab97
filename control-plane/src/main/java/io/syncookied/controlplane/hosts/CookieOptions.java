package io.syncookied.controlplane.hosts;

import org.jspecify.annotations.Nullable;

/**
 * Per-host cookie options passed to the dataplane. Null means "the dataplane's default, which follows the
 * sysctls the agent reports".
 */
public record CookieOptions(@Nullable Integer mss, @Nullable Boolean timestamps, @Nullable Boolean sack,
		@Nullable Boolean windowScaling, @Nullable Boolean ecn) {

	public static final CookieOptions DEFAULTS = new CookieOptions(null, null, null, null, null);

}

package io.syncookied.dataplane.cookie;

import io.syncookied.common.SipKey;
import java.util.Objects;

/**
 * One address family's syncookie secret pair of a protected server's kernel ({@code syncookie_secret[2]} or
 * {@code syncookie6_secret[2]}).
 */
public record CookieSecret(SipKey k0, SipKey k1) {

	public CookieSecret {
		Objects.requireNonNull(k0, "k0");
		Objects.requireNonNull(k1, "k1");
	}
}

package io.syncookied.router.api;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Where and how to log in over SSH (public-key auth only).
 * @param knownHosts OpenSSH known_hosts file used to verify the device's host key; {@code null}
 * means {@code ~/.ssh/known_hosts}
 * @param hostKeySha256 alternatively, the expected host key fingerprint ({@code SHA256:...})
 * @param insecureAnyHostKey accept any host key: only for labs, and logged as a warning on every
 * connect
 */
public record SshEndpoint(String host, int port, String user, Path key, @Nullable Path knownHosts,
		@Nullable String hostKeySha256, boolean insecureAnyHostKey) {

	@Override
	public String toString() {
		return this.user + "@" + this.host + ":" + this.port;
	}

}

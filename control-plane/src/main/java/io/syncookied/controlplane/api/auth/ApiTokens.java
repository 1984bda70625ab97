package io.syncookied.controlplane.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncookied.controlplane.config.ApiProperties;

/**
 * The API's bearer tokens with their scope. Tokens are kept only as SHA-256 digests and compared with
 * {@link MessageDigest#isEqual} over every configured token (no early exit), so timing says nothing about them. They
 * are never logged and never part of an error message, not even a rejected one: only the setting that holds it.
 */
public final class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	public static final String ADMIN_ENV = "SYNCOOKIED_API_ADMIN_TOKEN";

	public static final String READ_ENV = "SYNCOOKIED_API_READ_TOKEN";

	static final int MIN_LENGTH = 16;

	/** What a token may do. An admin token may also read. */
	public enum Scope {
		NONE, READ, ADMIN
	}

	private final List<byte[]> admin;

	private final List<byte[]> read;

	public ApiTokens(ApiProperties properties, Map<String, String> environment) {
		this.admin = digests(properties.adminTokens(), "syncookied.api.admin-tokens", environment.get(ADMIN_ENV),
				ADMIN_ENV);
		this.read = digests(properties.readTokens(), "syncookied.api.read-tokens", environment.get(READ_ENV),
				READ_ENV);
		if (this.admin.isEmpty() && this.read.isEmpty()) {
			log.warn("No API token configured: every API request is refused with 401. Set {} / {} or "
					+ "syncookied.api.admin-tokens / read-tokens.", ADMIN_ENV, READ_ENV);
		}
		else {
			log.info("API tokens: {} admin, {} read", this.admin.size(), this.read.size());
		}
	}

	public Scope scopeOf(String presented) {
		byte[] digest = sha256(presented);
		boolean isAdmin = matchesAny(this.admin, digest);
		boolean isRead = matchesAny(this.read, digest);
		return isAdmin ? Scope.ADMIN : isRead ? Scope.READ : Scope.NONE;
	}

	private static boolean matchesAny(List<byte[]> tokens, byte[] digest) {
		boolean match = false;
		for (byte[] token : tokens) {
			match |= MessageDigest.isEqual(token, digest);
		}
		return match;
	}

	private static List<byte[]> digests(List<String> configured, String property, String fromEnv, String envName) {
		List<byte[]> all = new ArrayList<>();
		for (int i = 0; i < configured.size(); i++) {
			all.add(checked(configured.get(i), property + "[" + i + "]"));
		}
		if (fromEnv != null) {
			String[] parts = fromEnv.split(",");
			for (int i = 0; i < parts.length; i++) {
				String token = parts[i].trim();
				if (!token.isEmpty()) {
					all.add(checked(token, envName + " (token " + (i + 1) + " of " + parts.length + ")"));
				}
			}
		}
		return all;
	}

	/**
	 * A token is at least {@value #MIN_LENGTH} visible ASCII characters: anything else is a typo or a secret that
	 * cannot be sent in a header unchanged.
	 */
	private static byte[] checked(String token, String setting) {
		if (token.length() < MIN_LENGTH) {
			throw new InvalidApiTokenException(setting,
					"a token must have at least " + MIN_LENGTH + " characters; this one has " + token.length());
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c <= ' ' || c > '~') {
				throw new InvalidApiTokenException(setting,
						"a token may hold only visible ASCII characters; character " + (i + 1) + " is not one");
			}
		}
		return sha256(token);
	}

	private static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

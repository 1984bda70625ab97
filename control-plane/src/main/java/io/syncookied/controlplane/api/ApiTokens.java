package io.syncookied.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncookied.controlplane.config.ApiProperties;

/**
 * The API's bearer tokens with their scope. Tokens are kept only as SHA-256 digests and compared with
 * {@link MessageDigest#isEqual} over every configured token (no early exit), so timing says nothing about them. They
 * are never logged: only their count.
 */
public final class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	public static final String ADMIN_ENV = "SYNCOOKIED_API_ADMIN_TOKEN";

	public static final String READ_ENV = "SYNCOOKIED_API_READ_TOKEN";

	/** What a token may do. */
	public enum Scope {
		NONE, READ, ADMIN
	}

	private final List<byte[]> admin;

	private final List<byte[]> read;

	public ApiTokens(ApiProperties properties, Map<String, String> environment) {
		this.admin = digests(properties.adminTokens(), environment.get(ADMIN_ENV), ADMIN_ENV);
		this.read = digests(properties.readTokens(), environment.get(READ_ENV), READ_ENV);
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

	private static List<byte[]> digests(List<String> configured, String fromEnv, String envName) {
		List<String> all = new ArrayList<>(configured);
		if (fromEnv != null) {
			Arrays.stream(fromEnv.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(t -> {
				if (t.length() < 16) {
					throw new IllegalArgumentException(
							envName + " holds a token shorter than 16 characters (its value is not shown)");
				}
				all.add(t);
			});
		}
		return all.stream().map(ApiTokens::sha256).toList();
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

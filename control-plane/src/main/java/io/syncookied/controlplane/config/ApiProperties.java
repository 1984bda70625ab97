package io.syncookied.controlplane.config;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * REST API tokens. Tokens are also read from {@code SYNCOOKIED_API_ADMIN_TOKEN} and {@code SYNCOOKIED_API_READ_TOKEN}
 * (comma-separated). With no token at all every API request gets 401: the API is never open. Each token is checked
 * (length, characters) where it is used, so that no error message ever holds one.
 */
@ConfigurationProperties("syncookied.api")
public record ApiProperties(@DefaultValue List<String> adminTokens,
		@DefaultValue List<String> readTokens) {
}

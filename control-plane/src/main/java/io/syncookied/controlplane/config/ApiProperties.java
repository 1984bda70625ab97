package io.syncookied.controlplane.config;

import java.util.List;

import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * REST API tokens. Tokens are also read from {@code SYNCOOKIED_API_ADMIN_TOKEN} and {@code SYNCOOKIED_API_READ_TOKEN}
 * (comma-separated). With no token at all every API request gets 401: the API is never open.
 */
@Validated
@ConfigurationProperties("syncookied.api")
public record ApiProperties(@DefaultValue List<@Size(min = 16, message = "a token must have at least 16 characters") String> adminTokens,
		@DefaultValue List<@Size(min = 16, message = "a token must have at least 16 characters") String> readTokens) {
}

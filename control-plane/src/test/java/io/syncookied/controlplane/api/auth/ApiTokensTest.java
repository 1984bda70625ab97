package io.syncookied.controlplane.api.auth;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.config.ApiProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTokensTest {

	private static final String ADMIN = "admin-0123456789abcdef";

	private static final String READ = "read-0123456789abcdef";

	@Test
	void scopes() {
		ApiTokens tokens = new ApiTokens(new ApiProperties(List.of(ADMIN), List.of()), Map.of(ApiTokens.READ_ENV,
				" other-0123456789abcdef , " + READ));
		assertThat(tokens.scopeOf(ADMIN)).isEqualTo(ApiTokens.Scope.ADMIN);
		assertThat(tokens.scopeOf(READ)).isEqualTo(ApiTokens.Scope.READ);
		assertThat(tokens.scopeOf("other-0123456789abcdef")).isEqualTo(ApiTokens.Scope.READ);
		assertThat(tokens.scopeOf(ADMIN + "x")).isEqualTo(ApiTokens.Scope.NONE);
		assertThat(tokens.scopeOf("")).isEqualTo(ApiTokens.Scope.NONE);
	}

	@Test
	void aTooShortTokenIsRefusedWithoutShowingIt() {
		assertThatThrownBy(() -> new ApiTokens(new ApiProperties(List.of(ADMIN, "s3cr3t-short"), List.of()), Map.of()))
			.isInstanceOf(InvalidApiTokenException.class)
			.hasMessage("syncookied.api.admin-tokens[1]: a token must have at least 16 characters; this one has 12 "
					+ "(the value is not shown)")
			.hasMessageNotContaining("s3cr3t");
		assertThatThrownBy(() -> new ApiTokens(new ApiProperties(List.of(), List.of()),
				Map.of(ApiTokens.ADMIN_ENV, ADMIN + ",tiny-secret")))
			.hasMessageStartingWith("SYNCOOKIED_API_ADMIN_TOKEN (token 2 of 2): a token must have at least 16")
			.hasMessageNotContaining("tiny");
	}

	@Test
	void aTokenWithSpacesOrControlCharactersIsRefusedWithoutShowingIt() {
		assertThatThrownBy(() -> new ApiTokens(new ApiProperties(List.of(), List.of("secret with spaces inside")),
				Map.of()))
			.hasMessage("syncookied.api.read-tokens[0]: a token may hold only visible ASCII characters; character 7 "
					+ "is not one (the value is not shown)");
		assertThatThrownBy(() -> new ApiTokens(new ApiProperties(List.of("secret\u001b[31m0123456789"), List.of()),
				Map.of()))
			.hasMessageNotContaining("secret");
	}

}

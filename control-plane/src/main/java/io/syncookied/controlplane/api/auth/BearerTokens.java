package io.syncookied.controlplane.api.auth;

import java.util.List;
import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code Authorization: Bearer <token>} as Spring Security authentication: the converter takes the token from the
 * header (no header, or another scheme, means anonymous), and the manager turns it into its scope's authorities
 * through {@link ApiTokens}. An unknown token fails authentication (401); the token never leaves this class.
 */
final class BearerTokens implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

	static final String READ = "SCOPE_read";

	static final String ADMIN = "SCOPE_admin";

	private final ApiTokens tokens;

	BearerTokens(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return Mono.empty();
		}
		return Mono.just(new Presented(header.substring(7).trim()));
	}

	@Override
	public Mono<Authentication> authenticate(Authentication authentication) {
		if (!(authentication instanceof Presented presented)) {
			return Mono.empty();
		}
		ApiTokens.Scope scope = this.tokens.scopeOf(presented.token);
		if (scope == ApiTokens.Scope.NONE) {
			return Mono.error(new BadCredentialsException("unknown bearer token"));
		}
		return Mono.just(new Scoped(scope));
	}

	/** A token as presented, not yet checked. */
	private static final class Presented extends AbstractAuthenticationToken {

		private final String token;

		Presented(String token) {
			super(List.of());
			this.token = token;
		}

		@Override
		public Object getCredentials() {
			return this.token;
		}

		@Override
		public Object getPrincipal() {
			return "bearer token";
		}

	}

	/** A known token: its principal is its scope's name, its authorities what the scope may do. */
	private static final class Scoped extends AbstractAuthenticationToken {

		private final ApiTokens.Scope scope;

		Scoped(ApiTokens.Scope scope) {
			super((scope == ApiTokens.Scope.ADMIN) ? AuthorityUtils.createAuthorityList(READ, ADMIN)
					: AuthorityUtils.createAuthorityList(READ));
			this.scope = scope;
			setAuthenticated(true);
		}

		@Override
		public Object getCredentials() {
			return "";
		}

		@Override
		public Object getPrincipal() {
			return this.scope.name().toLowerCase(Locale.ROOT) + " token";
		}

	}

}

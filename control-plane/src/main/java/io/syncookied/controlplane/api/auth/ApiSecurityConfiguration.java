package io.syncookied.controlplane.api.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

import io.syncookied.controlplane.config.ApiProperties;

/**
 * Who may call what, decided by Spring Security on the path the router matches (decoded, parameters stripped), after
 * {@link CanonicalPathFilter} refused every path with a second spelling. Public: {@code GET /actuator/health/**}
 * (load balancers and probes) and the OpenAPI document. Every other path, including unknown ones, needs a token:
 * GET, HEAD and OPTIONS a read or admin token, every other method an admin token. No sessions, no cookies, no CSRF
 * (a bearer token is never sent by a browser on its own).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class ApiSecurityConfiguration {

	@Bean
	ApiTokens apiTokens(ApiProperties properties) {
		return new ApiTokens(properties, System.getenv());
	}

	@Bean
	BearerTokens bearerTokens(ApiTokens tokens) {
		return new BearerTokens(tokens);
	}

	@Bean
	SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, BearerTokens bearer) {
		AuthenticationWebFilter authentication = new AuthenticationWebFilter(bearer);
		authentication.setServerAuthenticationConverter(bearer);
		authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		authentication.setAuthenticationFailureHandler((filterExchange, ex) -> ProblemResponses.write(
				filterExchange.getExchange(), HttpStatus.UNAUTHORIZED, "invalid-token", "invalid bearer token",
				"The token is not known."));
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((exchange, ex) -> ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED,
						"missing-token", "missing bearer token",
						"Send 'Authorization: Bearer <token>' with a read or admin token."))
				.accessDeniedHandler((exchange, ex) -> ProblemResponses.write(exchange, HttpStatus.FORBIDDEN,
						"admin-scope-required", "admin scope required",
						exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath().value()
								+ " needs an admin token; this is a read token.")))
			.authorizeExchange(rules -> rules
				.pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/api/v1/openapi.yaml")
				.permitAll()
				.pathMatchers(HttpMethod.HEAD, "/actuator/health", "/actuator/health/**", "/api/v1/openapi.yaml")
				.permitAll()
				.pathMatchers(HttpMethod.GET, "/**").hasAuthority(BearerTokens.READ)
				.pathMatchers(HttpMethod.HEAD, "/**").hasAuthority(BearerTokens.READ)
				.pathMatchers(HttpMethod.OPTIONS, "/**").hasAuthority(BearerTokens.READ)
				.anyExchange().hasAuthority(BearerTokens.ADMIN))
			.build();
	}

	/**
	 * Spring Security's own firewall stays on behind {@link CanonicalPathFilter} (methods, headers, host names); what
	 * it refuses gets a problem document instead of an empty 400.
	 */
	@Bean
	ServerExchangeRejectedHandler rejectedExchanges() {
		return (exchange, ex) -> ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "request-rejected",
				"request rejected", "The request was refused before routing (method, header or host name).");
	}

}

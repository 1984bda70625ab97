package io.syncookied.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Bearer-token check for {@code /api/**} and the actuator (except health). GET/HEAD need a read or admin token,
 * everything else an admin token. Missing or unknown token: 401; read token on a write: 403. The OpenAPI document is
 * public.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public final class ApiAuthFilter implements WebFilter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ApiTokens tokens;

	public ApiAuthFilter(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (!protectedPath(path)) {
			return chain.filter(exchange);
		}
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "missing bearer token",
					"Send 'Authorization: Bearer <token>' with a read or admin token.");
		}
		ApiTokens.Scope scope = this.tokens.scopeOf(header.substring(7).trim());
		if (scope == ApiTokens.Scope.NONE) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "invalid bearer token", "The token is not known.");
		}
		HttpMethod method = exchange.getRequest().getMethod();
		boolean write = !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
				|| HttpMethod.OPTIONS.equals(method));
		if (write && scope != ApiTokens.Scope.ADMIN) {
			return reject(exchange, HttpStatus.FORBIDDEN, "admin scope required",
					method + " " + path + " needs an admin token; this is a read token.");
		}
		return chain.filter(exchange);
	}

	static boolean protectedPath(String path) {
		if (path.equals("/api/v1/openapi.yaml") || path.equals("/actuator/health")
				|| path.startsWith("/actuator/health/")) {
			return false;
		}
		return path.startsWith("/api/") || path.startsWith("/actuator");
	}

	private static Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (status == HttpStatus.UNAUTHORIZED) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"syncookied\"");
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", title);
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", exchange.getRequest().getPath().value());
		byte[] body = JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

}

package io.syncookied.controlplane.api.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the {@code application/problem+json} answers of the access checks, which run before any controller and so
 * cannot use the controllers' exception handlers. Same shape as {@code ProblemAdvice}'s.
 */
final class ProblemResponses {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final URI TYPE = URI.create("https://syncookied.io/problems/");

	private ProblemResponses() {
	}

	static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (status == HttpStatus.UNAUTHORIZED) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"syncookied\"");
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", TYPE.resolve(type).toString());
		problem.put("title", title);
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", exchange.getRequest().getURI().getRawPath());
		byte[] body = JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

}

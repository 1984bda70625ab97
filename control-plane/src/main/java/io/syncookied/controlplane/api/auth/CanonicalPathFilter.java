package io.syncookied.controlplane.api.auth;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers 404 to every request whose path is not canonical ({@link CanonicalPath}), before the access rules and the
 * router see it: such a path names no resource of this API, and refusing it means both decide on the same
 * spelling.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class CanonicalPathFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String raw = exchange.getRequest().getURI().getRawPath();
		Optional<String> problem = CanonicalPath.problem((raw != null) ? raw : "");
		if (problem.isEmpty()) {
			return chain.filter(exchange);
		}
		return ProblemResponses.write(exchange, HttpStatus.NOT_FOUND, "path-not-canonical", "path not canonical",
				"The path holds " + problem.get() + ". Resources have one spelling: no ';' parameters, no empty or "
						+ "dot segments, %-escapes only where a character needs one.");
	}

}

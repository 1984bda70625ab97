package io.syncookied.controlplane.api;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

import io.syncookied.controlplane.protection.HostNotConfiguredException;
import io.syncookied.controlplane.protection.NotTheLeaderException;
import io.syncookied.controlplane.protection.ProtectionRefusedException;

/**
 * Every API error as {@code application/problem+json} (RFC 9457), with the bad field named where there is one.
 * Framework errors (unsupported media type, wrong method, unreadable body) come from the base class.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

	private static final String TYPE = "https://syncookied.io/problems/";

	@ExceptionHandler
	ProblemDetail invalid(InvalidRequestException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("invalid request");
		problem.setType(URI.create(TYPE + "invalid-request"));
		problem.setProperty("field", ex.field());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail notConfigured(HostNotConfiguredException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("unknown host");
		problem.setType(URI.create(TYPE + "unknown-host"));
		return problem;
	}

	@ExceptionHandler
	ProblemDetail refused(ProtectionRefusedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("protection refused");
		problem.setType(URI.create(TYPE + ex.code()));
		problem.setProperty("code", ex.code());
		return problem;
	}

	/**
	 * A change sent to a cluster node that does not lead: 307 to the same path on the leader (the method and body are
	 * kept by a client that follows it), or 503 while the cluster has no leader.
	 */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> notTheLeader(NotTheLeaderException ex, ServerWebExchange exchange) {
		URI leader = ex.leaderApi();
		HttpStatus status = (leader != null) ? HttpStatus.TEMPORARY_REDIRECT : HttpStatus.SERVICE_UNAVAILABLE;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle((leader != null) ? "not the leader" : "no leader");
		problem.setType(URI.create(TYPE + ((leader != null) ? "not-the-leader" : "no-leader")));
		HttpHeaders headers = new HttpHeaders();
		if (leader != null) {
			URI request = exchange.getRequest().getURI();
			headers.setLocation(leader.resolve(request.getRawPath()
					+ ((request.getRawQuery() != null) ? "?" + request.getRawQuery() : "")));
		}
		return ResponseEntity.status(status).headers(headers).body(problem);
	}

	@ExceptionHandler
	ProblemDetail reloadRejected(ReloadRejectedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		problem.setTitle("hosts file rejected, previous configuration kept");
		problem.setType(URI.create(TYPE + "config-rejected"));
		problem.setProperty("file", ex.result().file());
		problem.setProperty("line", ex.result().line());
		problem.setProperty("field", ex.result().field());
		return problem;
	}

}

package io.syncookied.controlplane.api.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalPathTest {

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/v1/hosts", "/api/v1/hosts/", "/api/v1/hosts/10.0.2.11/protection",
			"/api/v1/hosts/2001:db8::1", "/api/v1/hosts/2001%3Adb8%3a%3A1", "/actuator/health/liveness",
			"/a%20b", "/caf%C3%A9", "/a.b/..c/c..", "/..." })
	void canonical(String path) {
		assertThat(CanonicalPath.problem(path)).isEmpty();
	}

	@Test
	void eachAmbiguityIsNamed() {
		assertThat(CanonicalPath.problem("/api;/v1")).hasValue("a ';' path parameter");
		assertThat(CanonicalPath.problem("/api/v1;jsessionid=1")).hasValue("a ';' path parameter");
		assertThat(CanonicalPath.problem("/api%3b/v1")).hasValue("an encoded ';'");
		assertThat(CanonicalPath.problem("/%61pi/v1")).hasValue("'%61', an escape of 'a', which is written as itself");
		assertThat(CanonicalPath.problem("/api/v%31")).hasValue("'%31', an escape of '1', which is written as itself");
		assertThat(CanonicalPath.problem("/api/%2e%2e/x")).hasValue("'%2e', an escape of '.', which is written as itself");
		assertThat(CanonicalPath.problem("/actuator/health/..%2fprometheus")).hasValue("an encoded '/'");
		assertThat(CanonicalPath.problem("/actuator/health/..%2Fprometheus")).hasValue("an encoded '/'");
		assertThat(CanonicalPath.problem("/api/%252f")).hasValue("an encoded '%' (double encoding)");
		assertThat(CanonicalPath.problem("/api\\v1")).hasValue("a backslash");
		assertThat(CanonicalPath.problem("/api%5cv1")).hasValue("an encoded backslash");
		assertThat(CanonicalPath.problem("//api/v1")).hasValue("an empty segment ('//')");
		assertThat(CanonicalPath.problem("/api//v1")).hasValue("an empty segment ('//')");
		assertThat(CanonicalPath.problem("/api/./v1")).hasValue("a dot segment ('.')");
		assertThat(CanonicalPath.problem("/x/../api")).hasValue("a dot segment ('..')");
		assertThat(CanonicalPath.problem("/api/..")).hasValue("a dot segment ('..')");
		assertThat(CanonicalPath.problem("/api%00")).hasValue("an encoded control character");
		assertThat(CanonicalPath.problem("/api%0a")).hasValue("an encoded control character");
		assertThat(CanonicalPath.problem("/api\t")).hasValue("a control character");
		assertThat(CanonicalPath.problem("/api%zz")).hasValue("a malformed %-escape");
		assertThat(CanonicalPath.problem("/api%2")).hasValue("a truncated %-escape");
		assertThat(CanonicalPath.problem("/api%")).hasValue("a truncated %-escape");
		assertThat(CanonicalPath.problem("*")).hasValue("no leading '/'");
		assertThat(CanonicalPath.problem("")).hasValue("no leading '/'");
	}

	@Test
	void aLongPathIsCheckedInOnePass() {
		String ok = "/a".repeat(100_000);
		assertThat(CanonicalPath.problem(ok)).isEmpty();
		assertThat(CanonicalPath.problem(ok + "/%2f")).hasValue("an encoded '/'");
	}

}

package io.syncookied.controlplane.api.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.syncookied.controlplane.api.ApiTestBase;
import io.syncookied.controlplane.support.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of a protected path, sent byte for byte to the real server over TCP, either is refused as
 * non-canonical (404) or meets the token check (401 without a token, 403 for a read token on a write), and never
 * reaches a handler: no router override appears, no host changes state, and nothing answers 5xx.
 */
class PathSpellingsTest extends ApiTestBase {

	private static final String HOST = "10.0.2.11";

	private static final String PROTECTION = "/api/v1/hosts/" + HOST + "/protection";

	/** Method and canonical path of every kind of protected resource. */
	private static final List<String[]> TARGETS = List.of(new String[] { "POST", PROTECTION },
			new String[] { "DELETE", PROTECTION }, new String[] { "GET", "/api/v1/hosts" },
			new String[] { "POST", "/api/v1/config/reload" }, new String[] { "GET", "/api/v1/dataplane" },
			new String[] { "GET", "/actuator/prometheus" }, new String[] { "GET", "/actuator/metrics" },
			new String[] { "GET", "/actuator" });

	@LocalServerPort
	int port;

	RawHttp http;

	@BeforeEach
	void client() {
		this.http = new RawHttp(this.port);
	}

	@Test
	void theSpellingsFromTheReportAreRefused() {
		assertNonCanonical(this.http.send("POST", "/api;/v1/hosts/" + HOST + "/protection"));
		assertNonCanonical(this.http.send("DELETE", "/%61pi/v1/hosts/" + HOST + "/protection"));
		assertNonCanonical(this.http.send("GET", "/%61ctuator/prometheus"));
		assertNonCanonical(this.http.send("GET", "/actuator/health/..%2fprometheus"));
		assertNonCanonical(this.http.send("GET", "/actuator/health/..%2fprometheus", "Authorization: Bearer " + READ));
		assertNothingHappened();
	}

	@Test
	void noSpellingGetsPastTheTokenCheck() {
		List<String> failures = new ArrayList<>();
		int sent = 0;
		for (String[] target : TARGETS) {
			for (String spelling : PathSpellings.of(target[1], this.port)) {
				sent++;
				RawHttp.Response none = this.http.send(target[0], spelling);
				if (!refusedWithoutToken(none)) {
					failures.add("no token: " + target[0] + " " + spelling + " -> " + none.status() + " " + none.body());
				}
				RawHttp.Response read = this.http.send(target[0], spelling, "Authorization: Bearer " + READ);
				if (target[0].equals("GET") ? read.status() >= 500 : !refusedForReader(read)) {
					failures.add("read token: " + target[0] + " " + spelling + " -> " + read.status() + " " + read.body());
				}
			}
		}
		assertThat(sent).as("spellings generated").isGreaterThan(500);
		assertThat(failures).isEmpty();
		assertNothingHappened();
	}

	@Test
	void anAdminTokenNeverMeetsA5xxWhateverTheSpelling() {
		List<String> failures = new ArrayList<>();
		for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/prometheus",
				"/api/v1/hosts/" + HOST, "/api/v1/openapi.yaml")) {
			for (String spelling : PathSpellings.of(path, this.port)) {
				RawHttp.Response r = this.http.send("GET", spelling, "Authorization: Bearer " + ADMIN);
				if (r.status() >= 500) {
					failures.add(spelling + " -> " + r.status() + " " + r.body());
				}
			}
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void theCanonicalSpellingsStillWork() {
		assertThat(this.http.send("GET", "/api/v1/hosts", "Authorization: Bearer " + READ).status()).isEqualTo(200);
		assertThat(this.http.send("GET", "/api/v1/hosts/2001:db8::1", "Authorization: Bearer " + READ).status())
			.as("an IPv6 literal with its colons is canonical").isEqualTo(404);
		assertThat(this.http.send("GET", "/api/v1/hosts/2001%3Adb8%3A%3A1", "Authorization: Bearer " + READ).status())
			.as("so is one whose colons a client library encoded").isEqualTo(404);
		assertThat(this.http.send("GET", "/actuator/prometheus", "Authorization: Bearer " + READ).status()).isEqualTo(200);
		assertThat(this.http.send("GET", "/actuator/health").status()).isEqualTo(200);
		assertThat(this.http.send("GET", "/api/v1/openapi.yaml").status()).isEqualTo(200);
	}

	/** 401 from the token check, or 404 for a path that is not canonical; a 400 that names a field came from a handler. */
	private static boolean refusedWithoutToken(RawHttp.Response r) {
		return (r.status() == 401 || r.status() == 404 || r.status() == 400) && !r.body().contains("\"field\"");
	}

	private static boolean refusedForReader(RawHttp.Response r) {
		return (r.status() == 403 || r.status() == 404 || r.status() == 405 || r.status() == 400)
				&& !r.body().contains("\"field\"");
	}

	private static void assertNonCanonical(RawHttp.Response r) {
		assertThat(r.status()).as(r.text()).isEqualTo(404);
		assertThat(r.text()).contains("application/problem+json").contains("not canonical");
	}

	private void assertNothingHappened() {
		try {
			assertThat(this.router.overrides).doesNotContainKey(InetAddress.getByName(HOST));
		}
		catch (java.net.UnknownHostException ex) {
			throw new AssertionError(ex);
		}
		RawHttp.Response host = this.http.send("GET", "/api/v1/hosts/" + HOST, "Authorization: Bearer " + READ);
		assertThat(host.body()).contains("\"state\":\"UNPROTECTED\"");
	}

}

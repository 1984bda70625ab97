package io.syncookied.controlplane.metrics;

import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.api.ApiTestBase;

import static org.assertj.core.api.Assertions.assertThat;

/** A host's series leave the scrape with the host: 20 000 hosts, then 2, leave the series of 2. */
class RemovedHostsMetricsTest extends ApiTestBase {

	private static final Pattern IP_TAG = Pattern.compile("^syncookied_[a-z_]+\\{[^}]*ip=\"([^\"]+)\"", Pattern.MULTILINE);

	@Test
	void theSeriesOfRemovedHostsAreDeleted() throws Exception {
		StringBuilder many = new StringBuilder();
		for (int i = 0; i < 20_000; i++) {
			many.append("- ip: 10.").append(100 + i / 65536).append('.').append((i >> 8) & 0xff).append('.')
				.append(i & 0xff).append("\n  mac: 02:00:00:00:02:0a\n");
		}
		try {
			Files.writeString(DIR.resolve("hosts.yml"), many.toString());
			admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk()
				.expectBody().jsonPath("$.hosts").isEqualTo(20_000);
			assertThat(ipsInScrape()).hasSize(20_000);

			Files.writeString(DIR.resolve("hosts.yml"), """
					- ip: 10.0.2.10
					  mac: 02:00:00:00:02:0a
					- ip: 10.0.2.11
					  mac: 02:00:00:00:02:0b
					""");
			admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
			assertThat(ipsInScrape()).containsExactly("10.0.2.10", "10.0.2.11");
		}
		finally {
			Files.writeString(DIR.resolve("hosts.yml"), HOSTS);
			admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
		}
	}

	private Set<String> ipsInScrape() {
		String scrape = reader().mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(64 << 20)).build()
			.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Set<String> ips = new TreeSet<>();
		Matcher m = IP_TAG.matcher(scrape);
		while (m.find()) {
			ips.add(m.group(1));
		}
		return ips;
	}

}

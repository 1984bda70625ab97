package io.syncookied.controlplane.hooks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code syncookied.hooks.*} as Spring binds it: defaults, relaxed names, and every refusal naming its setting. */
class HooksPropertiesTest {

	@TempDir
	Path dir;

	@Test
	void nothingIsConfiguredByDefault() {
		HooksProperties hooks = bind(Map.of());
		assertThat(hooks.script().path()).isNull();
		assertThat(hooks.webhook().url()).isNull();
		assertThat(hooks.script().timeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(hooks.webhook().timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(hooks.script().retries()).isEqualTo(3);
		assertThat(hooks.script().events()).containsExactly(HookEventType.STATE);
		assertThat(hooks.webhook().queueCapacity()).isEqualTo(1000);
	}

	@Test
	void bindsEverySettingByItsRelaxedName() throws Exception {
		Path script = executable("rwxr-x---");
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("syncookied.hooks.script.path", script.toString());
		map.put("syncookied.hooks.script.timeout", "3s");
		map.put("syncookied.hooks.script.events", "state,alert");
		map.put("syncookied.hooks.webhook.url", "https://hooks.example.net/in?key=querykey");
		map.put("syncookied.hooks.webhook.retries", "5");
		map.put("syncookied.hooks.webhook.backoff", "2s");
		map.put("syncookied.hooks.webhook.backoff-max", "1m");
		map.put("syncookied.hooks.webhook.queue-capacity", "50");
		map.put("syncookied.hooks.webhook.events", "state,alert,worker,config,detection");
		map.put("syncookied.hooks.webhook.bearer-token", "abcdefghijklmnopq");
		map.put("syncookied.hooks.webhook.hmac-secret", "0123456789abcdef");
		HooksProperties hooks = bind(map);
		assertThat(hooks.script().path()).isEqualTo(script);
		assertThat(hooks.script().timeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(hooks.script().events()).containsExactlyInAnyOrder(HookEventType.STATE, HookEventType.ALERT);
		assertThat(hooks.webhook().url()).isEqualTo(URI.create("https://hooks.example.net/in?key=querykey"));
		assertThat(hooks.webhook().retries()).isEqualTo(5);
		assertThat(hooks.webhook().backoffMax()).isEqualTo(Duration.ofMinutes(1));
		assertThat(hooks.webhook().queueCapacity()).isEqualTo(50);
		assertThat(hooks.webhook().events()).hasSize(5);
		// secrets never reach a log line or an actuator dump through toString
		assertThat(hooks.toString()).doesNotContain("abcdefghijklmnopq", "0123456789abcdef", "querykey")
			.contains("<hidden>", "https://hooks.example.net/in");
	}

	@Test
	void everyRefusalNamesItsSetting() throws Exception {
		Path script = executable("rwxr-xr-x");
		Path groupWritable = executable("rwxrwxr-x");
		Path notExecutable = executable("rw-r--r--");
		refused("syncookied.hooks.script.timeout", "0s", "syncookied.hooks.script.timeout: must be above 0");
		refused("syncookied.hooks.script.timeout", "11m", "syncookied.hooks.script.timeout: must be above 0");
		refused("syncookied.hooks.webhook.retries", "-1", "syncookied.hooks.webhook.retries: must be 0..100");
		refused("syncookied.hooks.webhook.retries", "101", "syncookied.hooks.webhook.retries: must be 0..100");
		refused("syncookied.hooks.webhook.backoff", "0s", "syncookied.hooks.webhook.backoff: must be above 0");
		refused("syncookied.hooks.webhook.backoff-max", "10ms", "syncookied.hooks.webhook.backoff-max: must not be below");
		refused("syncookied.hooks.script.queue-capacity", "0", "syncookied.hooks.script.queue-capacity: must be 1..");
		refused("syncookied.hooks.script.events", "", "syncookied.hooks.script.events: name at least one of state, alert");
		assertThatThrownBy(() -> bind(Map.of("syncookied.hooks.script.events", "state,bans")))
			.isInstanceOf(BindException.class)
			.hasMessageContaining("syncookied.hooks.script.events");
		refused("syncookied.hooks.script.path", "hook.sh", "syncookied.hooks.script.path: hook.sh must be an absolute path");
		refused("syncookied.hooks.script.path", notExecutable.toString(), "is not an executable file");
		refused("syncookied.hooks.script.path", groupWritable.toString(),
				"syncookied.hooks.script.path: " + groupWritable + " is writable by its group or by others");
		refused("syncookied.hooks.webhook.url", "ftp://h/x", "syncookied.hooks.webhook.url: must be an http:// or https://");
		refused("syncookied.hooks.webhook.url", "https:///x", "syncookied.hooks.webhook.url: must be an http:// or https://");
		refused("syncookied.hooks.webhook.url", "https://u:p@h/x",
				"syncookied.hooks.webhook.url: must not carry credentials");
		refusedWithUrl("http://hooks.example.net/in", "syncookied.hooks.webhook.bearer-token", "abcdefghijklmnopq",
				"syncookied.hooks.webhook.bearer-token: would cross the network in clear text");
		refusedWithUrl("https://h/in", "syncookied.hooks.webhook.bearer-token", "short",
				"syncookied.hooks.webhook.bearer-token: must be at least 16");
		refusedWithUrl("https://h/in", "syncookied.hooks.webhook.hmac-secret", "short",
				"syncookied.hooks.webhook.hmac-secret: must be at least 16");
		refusedWithUrl("http://127.0.0.1:9/in", "syncookied.hooks.webhook.ca-file", script.toString(),
				"syncookied.hooks.webhook.ca-file: only for an https:// url");
		// a token may go in clear text to loopback only
		assertThat(bind(Map.of("syncookied.hooks.webhook.url", "http://[::1]:8080/in",
				"syncookied.hooks.webhook.bearer-token", "abcdefghijklmnopq")).webhook().bearerToken()).isNotNull();
		assertThat(bind(Map.of("syncookied.hooks.webhook.url", "http://localhost:8080/in",
				"syncookied.hooks.webhook.bearer-token", "abcdefghijklmnopq")).webhook().bearerToken()).isNotNull();
	}

	private void refused(String key, String value, String message) {
		assertThatThrownBy(() -> bind(Map.of(key, value))).as(key + "=" + value)
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageContaining(message)
			.hasMessageNotContaining("abcdefghijklmnopq");
	}

	private void refusedWithUrl(String url, String key, String value, String message) {
		assertThatThrownBy(() -> bind(Map.of("syncookied.hooks.webhook.url", url, key, value))).as(key + "=" + value)
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageContaining(message)
			.hasMessageNotContaining(value.length() > 8 ? value : "\u0000");
	}

	private Path executable(String mode) throws Exception {
		Path p = Files.writeString(this.dir.resolve("hook-" + mode + ".sh"), "#!/bin/sh\n");
		Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
		return p;
	}

	private static HooksProperties bind(Map<String, ?> map) {
		return new Binder(new MapConfigurationPropertySource(map)).bindOrCreate("syncookied.hooks",
				HooksProperties.class);
	}

	@Test
	void policiesCarryTheirSettings() {
		HooksProperties.Webhook w = new HooksProperties.Webhook(URI.create("https://h/x"), Duration.ofSeconds(2), 4,
				Duration.ofSeconds(1), Duration.ofSeconds(8), 7, Set.of(HookEventType.ALERT), null, null, null);
		assertThat(w.policy()).isEqualTo(new HooksProperties.Policy(Duration.ofSeconds(2), 4, Duration.ofSeconds(1),
				Duration.ofSeconds(8), 7, Set.of(HookEventType.ALERT)));
	}

}

package io.syncookied.controlplane.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the hosts file lives and how it is watched.
 *
 * @param file the hosts file (original {@code hosts.yml} format); a missing file means "no hosts yet"
 * @param watch re-read the file when it changes (besides SIGHUP and {@code POST /api/v1/config/reload})
 * @param watchInterval how often the file's modification time is checked
 */
@Validated
@ConfigurationProperties("syncookied.hosts")
public record HostsProperties(@DefaultValue("hosts.yml") @NotNull Path file, @DefaultValue("true") boolean watch,
		@DefaultValue("2s") @NotNull Duration watchInterval) {
}

package io.syncookied.controlplane.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Router targets for diversion, in the router adapters' own format (the keys of {@code syncookied-router}): inline
 * under {@code syncookied.routers.targets} and/or in {@code targets-file} (a YAML file with a top-level
 * {@code targets:} list). A host picks its target with {@code diversion.target} in the hosts file; otherwise the
 * default target is used (or the only one).
 */
@Validated
@ConfigurationProperties("syncookied.routers")
public record RoutersProperties(@DefaultValue List<Map<String, Object>> targets, @Nullable Path targetsFile,
		@Nullable String defaultTarget) {
}

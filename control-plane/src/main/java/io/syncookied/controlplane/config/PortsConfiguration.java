package io.syncookied.controlplane.config;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.dataplane.UnavailableDataplane;
import io.syncookied.controlplane.telemetry.NoTelemetry;
import io.syncookied.controlplane.telemetry.TelemetrySource;

/** Fallbacks when a part is not configured: each one says so instead of pretending to work. */
@Configuration(proxyBeanMethods = false)
public class PortsConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DataplanePort unavailableDataplane(DataplaneProperties properties, Clock clock) {
		return new UnavailableDataplane(properties.enabled() ? "no dataplane binding on the classpath"
				: "dataplane disabled (syncookied.dataplane.enabled=false)", clock);
	}

	@Bean
	@ConditionalOnMissingBean
	TelemetrySource noTelemetry() {
		return new NoTelemetry();
	}

}

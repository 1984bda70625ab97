package io.syncookied.controlplane.telemetry;

import java.io.IOException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.syncookied.controlplane.config.TelemetryProperties;
import io.syncookied.controlplane.hosts.HostRegistry;

/** The agents' receiver when {@code syncookied.telemetry.enabled=true}; otherwise {@link NoTelemetry}. */
@Configuration(proxyBeanMethods = false)
public class TelemetryConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "syncookied.telemetry.enabled", havingValue = "true")
	AgentTelemetrySource agentTelemetrySource(TelemetryProperties properties, HostRegistry registry)
			throws IOException {
		return new AgentTelemetrySource(properties, registry);
	}

	@Bean
	@ConditionalOnProperty(name = "syncookied.telemetry.enabled", havingValue = "false", matchIfMissing = true)
	TelemetrySource noTelemetry() {
		return new NoTelemetry();
	}

}

package io.syncookied.controlplane.dataplane;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.syncookied.controlplane.config.DataplaneProperties;

/** The worker-process dataplane when {@code syncookied.dataplane.enabled=true}; otherwise an unavailable one. */
@Configuration(proxyBeanMethods = false)
public class DataplaneConfiguration {

	@Bean
	@ConditionalOnProperty(name = "syncookied.dataplane.enabled", havingValue = "true")
	WorkerDataplane workerDataplane(DataplaneProperties properties, Clock clock) {
		return new WorkerDataplane(properties, clock);
	}

	@Bean
	@ConditionalOnProperty(name = "syncookied.dataplane.enabled", havingValue = "false", matchIfMissing = true)
	DataplanePort unavailableDataplane(Clock clock) {
		return new UnavailableDataplane("dataplane disabled (syncookied.dataplane.enabled=false)", clock);
	}

}

package io.syncookied.controlplane.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterModeCheckTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ClusterProperties.class)
	@Import(ClusterModeCheck.class)
	static class Cluster {

	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Cluster.class);

	@Test
	void withoutEndpointsTheControlPlaneRunsAloneAsBefore() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ClusterProperties.class).enabled()).isFalse();
			assertThat(context.getBean(ClusterProperties.class).prefix()).isEqualTo("/syncookied");
		});
	}

	@Test
	void endpointsAreRefusedNamingTheSettingUntilTheStateMachineRunsOverEtcd() {
		this.runner
			.withPropertyValues("syncookied.cluster.endpoints=http://127.0.0.1:2379", "syncookied.cluster.node-id=fw-1",
					"syncookied.cluster.advertise-url=http://127.0.0.1:8080")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("syncookied.cluster.endpoints: cluster mode is not wired"));
	}

	@Test
	void aBadClusterSettingIsNamed() {
		this.runner
			.withPropertyValues("syncookied.cluster.endpoints=http://127.0.0.1:2379", "syncookied.cluster.node-id=FW_1",
					"syncookied.cluster.advertise-url=http://127.0.0.1:8080")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("syncookied.cluster.node-id: node id must be"));
		this.runner.withPropertyValues("syncookied.cluster.session-ttl=1500ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("syncookied.cluster.session-ttl must be whole seconds and at least 2s"));
	}

}

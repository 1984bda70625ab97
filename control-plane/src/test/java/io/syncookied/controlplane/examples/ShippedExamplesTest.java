package io.syncookied.controlplane.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import io.syncookied.agent.AgentConfig;
import io.syncookied.agent.AgentConfigLoader;
import io.syncookied.controlplane.config.ApiProperties;
import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.config.RoutersProperties;
import io.syncookied.controlplane.config.TelemetryProperties;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostsFileException;
import io.syncookied.controlplane.hosts.HostsFileParser;
import io.syncookied.controlplane.hosts.HostsValidation;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.telemetry.AeadAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration example that ships (deploy/config, deploy/router; the Debian packages install them in
 * /etc/syncookied) is read by the parser that reads it in production, and the files fit together as shipped: the
 * agent's key is one the control plane knows, that key's host is in the hosts file, and every router target a file
 * names exists where the control plane and syncookied-router look for it.
 */
class ShippedExamplesTest {

	private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

	private static final Path CONTROL_PLANE = DEPLOY.resolve("config/controlplane.example.yml");

	private static final Path HOSTS = DEPLOY.resolve("config/controlplane.example.hosts.yml");

	private static final Path SHIPPED_HOSTS = DEPLOY.resolve("config/hosts.yml");

	private static final Path AGENT = DEPLOY.resolve("config/agent.example.properties");

	private static final Path ROUTERS = DEPLOY.resolve("router/routers.example.yml");

	/** Where the control-plane example points for its files, and where the packages put them. */
	private static final Path ETC = Path.of("/etc/syncookied");

	private static Properties props;

	record Properties(ApiProperties api, HostsProperties hosts, ProtectionProperties protection,
			DetectionProperties detection, TelemetryProperties telemetry, DataplaneProperties dataplane,
			RoutersProperties routers) {
	}

	@Configuration(proxyBeanMethods = false)
	@ConfigurationPropertiesScan("io.syncookied.controlplane.config")
	static class Bound {

	}

	/** The control-plane example, bound and validated by Spring Boot as the application binds it. */
	@BeforeAll
	static void bindTheControlPlaneExample() throws IOException {
		List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("controlplane.example.yml",
				new FileSystemResource(CONTROL_PLANE));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.withInitializer(ctx -> yaml.forEach(ctx.getEnvironment().getPropertySources()::addFirst))
			.withUserConfiguration(Bound.class)
			.run(ctx -> {
				assertThat(ctx).hasNotFailed();
				props = new Properties(ctx.getBean(ApiProperties.class), ctx.getBean(HostsProperties.class),
						ctx.getBean(ProtectionProperties.class), ctx.getBean(DetectionProperties.class),
						ctx.getBean(TelemetryProperties.class), ctx.getBean(DataplaneProperties.class),
						ctx.getBean(RoutersProperties.class));
			});
	}

	@Test
	void theControlPlaneExampleUsesTheFilesThePackagesInstall() {
		assertThat(props.hosts().file()).isEqualTo(ETC.resolve("hosts.yml"));
		assertThat(props.routers().targetsFile()).isEqualTo(ETC.resolve("routers.yml"));
		assertThat(props.telemetry().keys()).allSatisfy(k -> assertThat(k.file().getParent()).isEqualTo(ETC.resolve("keys")));
		// the packaged layout: the dataplane unit runs the worker, the control plane only drives its socket
		assertThat(props.dataplane().manageWorker()).isFalse();
		assertThat(props.dataplane().controlSocket()).isEqualTo(Path.of("/run/syncookied/dataplane.sock"));
	}

	@Test
	void theRouterTargetsParseAndEveryNameUsedIsOneOfThem() throws IOException {
		Set<String> targets = routerTargets();
		assertThat(targets).contains(props.routers().defaultTarget());
		for (HostConfig h : hosts(HOSTS, targets)) {
			if (h.diversion() != null) {
				assertThat(targets).as(h.ipText() + " diversion.target").contains(h.diversion().target());
			}
		}
	}

	@Test
	void theAgentsKeyIsOneTheControlPlaneKnowsAndItsHostIsProtected() throws IOException {
		AgentConfig agent = AgentConfigLoader.load("--config", AGENT.toString());
		TelemetryProperties.Key key = props.telemetry()
			.keys()
			.stream()
			.filter(k -> k.id() == agent.keyId())
			.findFirst()
			.orElseThrow(() -> new AssertionError("agent key-id " + agent.keyId() + " is not in the control plane's "
					+ "syncookied.telemetry.keys " + props.telemetry().keys()));
		assertThat(AeadAlgorithm.parse(key.algorithm())).isEqualTo(agent.algorithm());
		assertThat(agent.controlPlanes()).allSatisfy(cp -> assertThat(cp.port()).isEqualTo(props.telemetry().port()));
		List<String> keyIds = hosts(HOSTS, routerTargets()).stream().map(HostConfig::agentKeyId).toList();
		assertThat(keyIds).as("agent_key_id in the hosts example").contains(key.host());
	}

	@Test
	void theHostsExamplesGroupGivesItsMemberItsMode() throws IOException {
		List<HostConfig> hosts = hosts(HOSTS, routerTargets());
		assertThat(hosts).hasSize(3);
		assertThat(hosts.get(2).mode()).as("185.50.26.10 from its group 185.50.26.0/24").isEqualTo(ProtectionMode.AUTO);
	}

	@Test
	void theShippedHostsFileIsValidAndProtectsNothingUntilTheOperatorSaysSo() throws IOException {
		assertThat(hosts(SHIPPED_HOSTS, routerTargets())).isEmpty();
	}

	private static Set<String> routerTargets() throws IOException {
		List<RouterTarget> targets = DiversionVendors.load().parseFile(ROUTERS);
		return targets.stream().map(RouterTarget::name).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
	}

	private static List<HostConfig> hosts(Path file, Set<String> targets) throws IOException {
		try {
			return HostsFileParser.parse(file, Files.readString(file), HostsValidation.of(() -> targets));
		}
		catch (HostsFileException e) {
			throw new AssertionError(e.getMessage(), e);
		}
	}

}

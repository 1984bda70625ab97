package io.syncookied.controlplane.hosts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.support.Validations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HostRegistryTest {

	private static final String ONE = "- ip: 10.0.2.10\n  mac: 02:00:00:00:02:0a\n";

	private static final String TWO = ONE + "- ip: 10.0.2.11\n  mac: 02:00:00:00:02:0b\n";

	@TempDir
	Path dir;

	@Test
	void reloadsWhenTheFileChangesAndKeepsTheOldHostsOnABadFile() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, ONE);
		List<ControlEvent> events = new CopyOnWriteArrayList<>();
		EventBus bus = new EventBus();
		bus.events().subscribe(events::add);
		HostRegistry registry = new HostRegistry(new HostsProperties(file, true, Duration.ofMillis(100)), bus,
				Clock.systemUTC(), Validations.targets());
		try {
			Files.writeString(file, TWO);
			await().until(() -> registry.current().hosts().size() == 2);
			Files.writeString(file, TWO + "- ip: 10.0.2.12\n  mac: broken\n");
			await().until(() -> events.stream().anyMatch(e -> e instanceof ControlEvent.ConfigReload r && !r.accepted()));
			assertThat(registry.current().hosts()).hasSize(2);
			ControlEvent.ConfigReload rejected = (ControlEvent.ConfigReload) events.stream()
				.filter(e -> e instanceof ControlEvent.ConfigReload r && !r.accepted())
				.findFirst()
				.orElseThrow();
			assertThat(rejected.message()).contains("hosts.yml:6: hosts[2].mac");
			assertThat(rejected.details()).containsEntry("line", 6).containsEntry("field", "hosts[2].mac");
		}
		finally {
			registry.destroy();
		}
	}

	@Test
	void reloadsOnSighup() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, ONE);
		HostRegistry registry = new HostRegistry(new HostsProperties(file, false, Duration.ofSeconds(1)),
				new EventBus(), Clock.systemUTC(), Validations.targets());
		try {
			Files.writeString(file, TWO);
			// the registry installed the JVM's SIGHUP handler (without it SIGHUP would end the JVM)
			new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.current().hosts().size() == 2);
		}
		finally {
			registry.destroy();
		}
	}

	@Test
	void aBadFileAtStartStopsTheStartNamingTheProperty() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, "- ip: nonsense\n  mac: 02:00:00:00:02:0a\n");
		assertThatThrownBy(() -> new HostRegistry(new HostsProperties(file, false, Duration.ofSeconds(1)),
				new EventBus(), Clock.systemUTC(), Validations.targets()))
			.hasMessageContaining("syncookied.hosts.file")
			.hasMessageContaining("hosts.yml:1: hosts[0].ip");
	}

	@Test
	void aMissingFileMeansNoHosts() {
		HostRegistry registry = new HostRegistry(
				new HostsProperties(this.dir.resolve("absent.yml"), false, Duration.ofSeconds(1)), new EventBus(),
				Clock.systemUTC(), Validations.targets());
		assertThat(registry.current().hosts()).isEmpty();
		registry.destroy();
	}

}

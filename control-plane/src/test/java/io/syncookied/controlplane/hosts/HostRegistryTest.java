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

	/** What would otherwise fail only at the first protect is refused by the reload, and the old hosts stay. */
	@Test
	void aReloadWithAnUncompilableFilterAnUnknownTargetOrABroadcastMacKeepsTheOldHosts() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, ONE);
		HostRegistry registry = new HostRegistry(new HostsProperties(file, false, Duration.ofSeconds(1)),
				new EventBus(), Clock.systemUTC(), Validations.targets("rt1"));
		try {
			for (String[] bad : new String[][] {
					{ "  filters:\n    tcp and port 99999: drop\n", "hosts[1].filters[tcp and port 99999]" },
					{ "  diversion:\n    target: rt2\n", "hosts[1].diversion.target" },
					{ "  mode: auto\n- ip: 10.0.2.12\n  mac: ff:ff:ff:ff:ff:ff\n", "hosts[2].mac" } }) {
				Files.writeString(file, TWO + bad[0]);
				HostRegistry.ReloadResult r = registry.reload("test");
				assertThat(r.accepted()).as(bad[1]).isFalse();
				assertThat(r.field()).isEqualTo(bad[1]);
				assertThat(r.line()).isPositive();
				assertThat(registry.current().hosts()).hasSize(1);
			}
			Files.writeString(file, TWO + "  diversion:\n    target: rt1\n");
			assertThat(registry.reload("test").accepted()).isTrue();
			assertThat(registry.current().hosts()).hasSize(2);
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

	@Test
	void anEmptyMissingOrUnreadableFileIsRejectedAndTheHostsStayButAnExplicitEmptyListIsNot() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, TWO);
		List<ControlEvent> events = new CopyOnWriteArrayList<>();
		EventBus bus = new EventBus();
		bus.events().subscribe(events::add);
		HostRegistry registry = new HostRegistry(new HostsProperties(file, false, Duration.ofSeconds(1)), bus,
				Clock.systemUTC(), Validations.targets());
		try {
			for (String truncated : List.of("", "\n  \n", "# everything commented out\n")) {
				Files.writeString(file, truncated);
				HostRegistry.ReloadResult r = registry.reload("test");
				assertThat(r.accepted()).as("'%s'", truncated).isFalse();
				assertThat(r.field()).isEqualTo("file");
				assertThat(r.message()).contains("keeping the previous 2 host(s)").contains("write [] to remove every host");
			}
			Files.delete(file);
			assertThat(registry.reload("test").message()).contains("does not exist");
			Files.createDirectory(file); // unreadable as a file, even for root
			assertThat(registry.reload("test").message()).contains("cannot be read");
			Files.delete(file);
			assertThat(registry.current().hosts()).hasSize(2);
			assertThat(events).filteredOn(e -> e instanceof ControlEvent.ConfigReload r && !r.accepted()).hasSize(5);

			Files.writeString(file, "[]\n");
			assertThat(registry.reload("test").accepted()).isTrue();
			assertThat(registry.current().hosts()).isEmpty();
		}
		finally {
			registry.destroy();
		}
	}

	@Test
	void anEmptyFileAtStartStopsTheStart() throws Exception {
		Path file = this.dir.resolve("hosts.yml");
		Files.writeString(file, "");
		assertThatThrownBy(() -> new HostRegistry(new HostsProperties(file, false, Duration.ofSeconds(1)),
				new EventBus(), Clock.systemUTC(), Validations.targets()))
			.hasMessageContaining("syncookied.hosts.file")
			.hasMessageContaining("write [] to remove every host");
	}

}

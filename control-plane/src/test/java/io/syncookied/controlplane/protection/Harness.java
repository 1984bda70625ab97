package io.syncookied.controlplane.protection;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.support.MutableClock;
import io.syncookied.controlplane.support.RecordingDataplane;
import io.syncookied.controlplane.support.RecordingRouter;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/** A protection service wired to test doubles, a temp hosts file and a temp journal. */
final class Harness implements AutoCloseable {

	static final String HOSTS = """
			- ip: 10.0.2.10
			  mac: 02:00:00:00:02:0a
			  mode: auto
			- ip: 10.0.2.11
			  mac: 02:00:00:00:02:0b
			- ip: 10.0.2.12
			  mac: 02:00:00:00:02:0c
			  mode: off
			""";

	final List<String> log = new CopyOnWriteArrayList<>();

	final List<ControlEvent> seen = new CopyOnWriteArrayList<>();

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));

	final RecordingDataplane dataplane = new RecordingDataplane(this.log, this.clock);

	final RecordingRouter router = new RecordingRouter(this.log);

	final EventBus events = new EventBus();

	final Path dir;

	final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

	final ProtectionProperties properties;

	static final Duration PICKUP = Duration.ofSeconds(30);

	final SecretsStore secrets;

	final HostRegistry registry;

	ProtectionService service;

	Harness(Path dir) throws IOException {
		this(dir, ProtectionProperties.FailMode.OPEN);
	}

	Harness(Path dir, ProtectionProperties.FailMode failMode) throws IOException {
		this.dir = dir;
		Files.writeString(dir.resolve("hosts.yml"), HOSTS);
		this.properties = new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1), Duration.ofSeconds(60),
				Duration.ofSeconds(30), Duration.ofSeconds(2), dir.resolve("state.journal"), Duration.ofSeconds(60),
				Duration.ofHours(1), Duration.ZERO, failMode, PICKUP);
		this.events.events().subscribe(this.seen::add);
		this.secrets = new SecretsStore(this.clock, this.properties);
		this.registry = new HostRegistry(new HostsProperties(dir.resolve("hosts.yml"), false, Duration.ofSeconds(1)),
				this.events, this.clock, Validations.targets(this.router.targets().toArray(String[]::new)));
		this.service = newService();
	}

	/** No supervised worker: the service treats the dataplane as up, as when {@code syncookied.dataplane.enabled=false}. */
	static final DataplaneProperties NO_SUPERVISOR = new DataplaneProperties(false, false, Path.of("syncookied-dp"),
			Path.of("w.sock"), "memory", null, null, null, null, Duration.ofMillis(500), Duration.ofSeconds(3),
			Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMillis(500), null,
			io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0, null);

	ProtectionService newService() {
		ProtectionService s = new ProtectionService(this.registry, this.dataplane, this.router, this.secrets,
				this.events, this.properties, NO_SUPERVISOR, this.clock, this.meters);
		s.start();
		return s;
	}

	/** Fresh secrets from the host's agent, as the telemetry receiver hands them over. */
	void freshSecrets(String ip) throws IOException {
		this.service.secretsArrived(new SecretsUpdate(InetAddress.getByName(ip), this.clock.instant(), Secrets.SAMPLE))
			.block();
	}

	static InetAddress ip(String text) {
		try {
			return InetAddress.getByName(text);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	Phase state(String ip) {
		return this.service.host(ip(ip)).orElseThrow().state();
	}

	List<String> transitions(String ip) {
		return this.seen.stream()
			.filter(e -> e instanceof ControlEvent.StateChanged s && s.ip().equals(ip))
			.map(e -> ((ControlEvent.StateChanged) e).to())
			.toList();
	}

	List<String> alerts() {
		return this.seen.stream().filter(e -> e instanceof ControlEvent.Alert).map(e -> ((ControlEvent.Alert) e).kind().wireName()).toList();
	}

	@Override
	public void close() throws IOException {
		this.service.stop();
		this.registry.destroy();
	}

}

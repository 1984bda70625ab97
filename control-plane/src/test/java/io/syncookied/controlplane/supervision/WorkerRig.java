package io.syncookied.controlplane.supervision;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.WorkerDataplane;
import io.syncookied.controlplane.dataplane.WorkerLauncher;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.events.WorkerEventKind;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.support.RecordingRouter;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * One control plane (protection, supervisor, the real worker port) around a real {@code syncookied-dp} worker; a
 * recording router stands in for the router. Several rigs may share a directory, journal and router: that is a
 * control-plane restart.
 */
final class WorkerRig {

	static final Path BINARY = Path.of("../dataplane-native/target/native/syncookied-dp").toAbsolutePath().normalize();

	static final InetAddress HOST = ip("10.0.2.11");

	final List<ControlEvent> seen = new CopyOnWriteArrayList<>();

	final EventBus events = new EventBus();

	final Clock clock = Clock.systemUTC();

	final DataplaneProperties dataplaneProperties;

	final ProtectionProperties properties;

	final WorkerDataplane dataplane;

	final HostRegistry registry;

	final SecretsStore secrets;

	final ProtectionService protection;

	final WorkerSupervisor supervisor;

	WorkerRig(Path dir, Path binary, String backend, String iface, RecordingRouter router, Duration heartbeatTimeout)
			throws Exception {
		this.events.events().subscribe(this.seen::add);
		Path hosts = dir.resolve("hosts.yml");
		if (!Files.exists(hosts)) {
			Files.writeString(hosts, "- ip: 10.0.2.11\n  mac: 02:00:00:00:02:0b\n");
		}
		this.dataplaneProperties = new DataplaneProperties(true, true, binary, dir.resolve("w.sock"), backend, iface,
				null, null, "02:00:00:00:00:fe", Duration.ofMillis(100), heartbeatTimeout, Duration.ofMillis(200),
				Duration.ofSeconds(1), Duration.ofMillis(500), null, io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0,
				null);
		this.properties = new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1), Duration.ofSeconds(60),
				Duration.ofSeconds(30), Duration.ofSeconds(5), dir.resolve("state.journal"), Duration.ofSeconds(60),
				Duration.ofHours(1), Duration.ZERO, ProtectionProperties.FailMode.OPEN, Duration.ofSeconds(30));
		this.dataplane = new WorkerDataplane(this.dataplaneProperties, this.clock);
		this.registry = new HostRegistry(new HostsProperties(hosts, false, Duration.ofSeconds(1)), this.events,
				this.clock, Validations.targets(router.targets().toArray(String[]::new)));
		this.secrets = new SecretsStore(this.clock, this.properties);
		this.protection = new ProtectionService(this.registry, this.dataplane, router, this.secrets, this.events,
				this.properties, this.dataplaneProperties, this.clock, new SimpleMeterRegistry());
		this.protection.start();
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("launcher", this.dataplane);
		this.supervisor = new WorkerSupervisor(this.dataplaneProperties, this.properties, this.dataplane,
				beans.getBeanProvider(WorkerLauncher.class), this.protection, this.events, this.clock);
	}

	void start() {
		this.supervisor.start();
	}

	void freshSecrets() {
		this.protection.secretsArrived(new SecretsUpdate(HOST, this.clock.instant(), Secrets.SAMPLE)).block();
	}

	HostView host() {
		return this.protection.host(HOST).orElseThrow();
	}

	Phase state() {
		return host().state();
	}

	List<AlertKind> alerts() {
		return this.seen.stream()
			.filter(e -> e instanceof ControlEvent.Alert)
			.map(e -> ((ControlEvent.Alert) e).kind())
			.toList();
	}

	List<ControlEvent.Worker> workerEvents(WorkerEventKind kind) {
		return this.seen.stream()
			.filter(e -> e instanceof ControlEvent.Worker w && w.what() == kind)
			.map(e -> (ControlEvent.Worker) e)
			.toList();
	}

	/** The worker process's pid, from the dataplane port's description. */
	long workerPid() {
		String d = this.dataplane.describe();
		return Long.parseLong(d.substring(4, d.indexOf(' ', 4)));
	}

	/** This control plane goes away; the worker keeps running (as after a control-plane restart). */
	void leave() throws Exception {
		this.supervisor.destroy();
		this.protection.stop();
		this.registry.destroy();
	}

	/** This control plane goes away and stops the worker it started. */
	void close() throws Exception {
		leave();
		this.dataplane.stop();
	}

	private static InetAddress ip(String text) {
		try {
			return InetAddress.getByName(text);
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}

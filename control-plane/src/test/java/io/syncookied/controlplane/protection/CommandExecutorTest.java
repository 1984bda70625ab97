package io.syncookied.controlplane.protection;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.DetectionOverrides;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.JournalEntry;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionCommand;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Divert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Journal;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushHost;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.ProtectionIntent.Trigger;
import io.syncookied.controlplane.protection.core.Step;
import io.syncookied.controlplane.router.DiversionPort;
import io.syncookied.controlplane.support.MutableClock;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;
import io.syncookied.dataplane.DpHost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The executor's order on the way from a decision to the router: the dataplane push starts before the journal's
 * fsync and runs alongside it, the router write only once the journal line is on disk.
 */
class CommandExecutorTest {

	private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");

	@TempDir
	Path dir;

	final MutableClock clock = new MutableClock(T);

	final List<String> journalAtCall = new CopyOnWriteArrayList<>();

	final List<ProtectionEvent> feedback = new CopyOnWriteArrayList<>();

	StateJournal journal;

	CommandExecutor executor;

	HostConfig host;

	@BeforeEach
	void setUp() throws Exception {
		InetAddress ip = InetAddress.getByName("10.0.2.10");
		this.host = new HostConfig(DpHost.of(ip, "02:00:00:00:02:0a"), null, null, ProtectionMode.AUTO,
				DetectionOverrides.NONE, null, 3);
		this.journal = new StateJournal(this.dir.resolve("state.journal"));
		ProtectionProperties properties = new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1),
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(2), this.journal.file(),
				Duration.ofSeconds(60), Duration.ofHours(1), Duration.ZERO, ProtectionProperties.FailMode.OPEN,
				Duration.ofSeconds(30));
		SecretsStore secrets = new SecretsStore(this.clock, properties);
		secrets.put(new SecretsUpdate(ip, T, Secrets.SAMPLE));
		DataplanePort dataplane = mock(DataplanePort.class);
		when(dataplane.setHost(any(), any(), any())).thenAnswer(call -> called("push"));
		DiversionPort router = mock(DiversionPort.class);
		when(router.divert(any(), any())).thenAnswer(call -> called("divert"));
		this.executor = new CommandExecutor(dataplane, router, secrets, this.journal, new EventBus(),
				Duration.ofSeconds(10), new SimpleMeterRegistry(), this.clock, this.feedback::add);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.journal.close();
	}

	/** Notes which journal lines were on disk when a step was called. */
	private Mono<Void> called(String step) throws Exception {
		List<String> lines = Files.readAllLines(this.journal.file());
		String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).contains("DIVERTING") ? ", last DIVERTING" : ", last other";
		this.journalAtCall.add(step + ": " + lines.size() + " line(s)" + last);
		return Mono.empty();
	}

	private static Journal line(Phase phase) {
		return new Journal(new JournalEntry(T, "10.0.2.10", phase, "manual: ticket 4711", "m-1", false, Trigger.MANUAL,
				"ticket 4711", T, T.plusSeconds(300)));
	}

	@Test
	void theDataplanePushRunsAlongsideTheJournalWriteTheRouterWriteWaitsForIt() {
		List<ProtectionCommand> protect = List.of(line(Phase.DIVERTING),
				new PushHost(this.host, Duration.ofSeconds(30), Step.DATAPLANE_PUSH));
		this.executor.execute(protect);
		assertThat(this.journalAtCall).containsExactly("push: 0 line(s)");
		assertThat(this.journal.file()).content().contains("DIVERTING");

		this.executor.execute(List.of(line(Phase.DIVERTING), new Divert(this.host, "m-1")));
		assertThat(this.journalAtCall).containsExactly("push: 0 line(s)", "divert: 2 line(s), last DIVERTING");
		assertThat(this.feedback).extracting(e -> ((ProtectionEvent.StepDone) e).step())
			.containsExactly(Step.DATAPLANE_PUSH, Step.ROUTER_DIVERT);
	}

}

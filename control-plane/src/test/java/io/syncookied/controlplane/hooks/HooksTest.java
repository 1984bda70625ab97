package io.syncookied.controlplane.hooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events from the real event bus to a real script and a real HTTP listener, as the control plane wires them. */
@Timeout(120)
class HooksTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The script's queue. */
	private static final int CAPACITY = 100;

	@TempDir
	Path dir;

	private final EventBus bus = new EventBus();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void aStateChangeReachesTheScriptAndTheWebhookAsTheSameEvent() throws Exception {
		Path out = this.dir.resolve("events");
		Files.createDirectory(out);
		Path script = script("cat > " + out + "/$SYNCOOKIED_EVENT_SEQUENCE.json\n");
		try (Listener listener = Listener.http()) {
			Hooks hooks = new Hooks(properties(script, Duration.ofSeconds(30), listener, Set.of(HookEventType.STATE)),
					this.bus, this.meters, Clock.systemUTC());
			try {
				this.bus.publish(new ControlEvent.Detection(Instant.now(), "10.0.0.1", "attack", "agent", 1, 1, 1, 1, 2,
						1, 3, 0.5)); // not a chosen type
				this.bus.publish(state("10.0.0.1", "UNPROTECTED", "DIVERTING"));
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.requests.size() == 1
						&& Files.exists(out.resolve("1.json")));
				JsonNode fromScript = JSON.readTree(Files.readString(out.resolve("1.json")));
				JsonNode fromWebhook = JSON.readTree(listener.requests.get(0).body());
				assertThat(fromWebhook).isEqualTo(fromScript);
				assertThat(fromScript.get("type").asString()).isEqualTo("state");
				assertThat(fromScript.get("sequence").asLong()).isEqualTo(1);
				assertThat(fromScript.get("to").asString()).isEqualTo("DIVERTING");
				assertThat(fromScript.get("node").asString()).isNotBlank();
			}
			finally {
				hooks.destroy();
			}
		}
	}

	@Test
	void aStuckScriptHoldsUpNeitherThePublisherNorTheWebhook() throws Exception {
		Path script = script("sleep 300\n");
		try (Listener listener = Listener.http()) {
			Hooks hooks = new Hooks(properties(script, Duration.ofSeconds(60), listener, Set.of(HookEventType.STATE)),
					this.bus, this.meters, Clock.systemUTC());
			try {
				for (int i = 0; i < 2000; i++) {
					this.bus.publish(state("10.0.0." + (i % 250), "UNPROTECTED", "DIVERTING"));
				}
				await().atMost(Duration.ofSeconds(90)).until(() -> listener.requests.size() == 2000);
				assertThat(this.meters.get("syncookied.hooks.queue").tag("sink", "script").gauge().value())
					.isEqualTo(CAPACITY);
			}
			finally {
				hooks.destroy();
			}
		}
	}

	@Test
	void aWebhookThatKeepsFailingRaisesAnAlertThatNoHookIsSent() throws Exception {
		List<ControlEvent> alerts = new CopyOnWriteArrayList<>();
		Disposable watch = this.bus.events().filter(e -> e instanceof ControlEvent.Alert).subscribe(alerts::add);
		try (Listener listener = Listener.http()) {
			listener.answer.set(new Listener.Answer(503, "down", 0));
			Hooks hooks = new Hooks(
					properties(null, Duration.ofSeconds(10), listener, Set.of(HookEventType.STATE, HookEventType.ALERT)),
					this.bus, this.meters, Clock.systemUTC());
			try {
				this.bus.publish(state("10.0.0.1", "UNPROTECTED", "DIVERTING"));
				await().atMost(Duration.ofSeconds(60)).until(() -> !alerts.isEmpty());
				ControlEvent.Alert alert = (ControlEvent.Alert) alerts.get(0);
				assertThat(alert.kind()).isEqualTo(AlertKind.HOOK_FAILED);
				assertThat(alert.message()).startsWith("webhook " + listener.uri("/in") + ": state #1 10.0.0.1 "
						+ "UNPROTECTED->DIVERTING given up after 3 attempt(s): HTTP 503: down");
				// an ordinary alert goes to the webhook; the hook's own never does
				this.bus.publish(new ControlEvent.Alert(Instant.now(), AlertKind.FAIL_OPEN, null, "worker gone"));
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.requests.size() == 6);
				Thread.sleep(500);
				assertThat(listener.requests).extracting(r -> r.header("X-Syncookied-Event"))
					.containsExactly("state", "state", "state", "alert", "alert", "alert");
			}
			finally {
				hooks.destroy();
			}
		}
		finally {
			watch.dispose();
		}
	}

	@Test
	void aStoppingControlPlaneStillHandsOverWhatIsQueued() throws Exception {
		try (Listener listener = Listener.http()) {
			listener.answer.set(new Listener.Answer(204, "", 300));
			Hooks hooks = new Hooks(properties(null, Duration.ofSeconds(10), listener, Set.of(HookEventType.STATE)),
					this.bus, this.meters, Clock.systemUTC());
			this.bus.publish(state("10.0.0.1", "DIVERTING", "UNPROTECTED"));
			this.bus.publish(state("10.0.0.2", "DIVERTING", "UNPROTECTED"));
			hooks.destroy();
			assertThat(listener.requests).hasSize(2);
		}
	}

	private Path script(String body) throws Exception {
		Path script = this.dir.resolve("hook.sh");
		Files.writeString(script, "#!/bin/sh\n" + body);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		return script;
	}

	private static HooksProperties properties(Path script, Duration scriptTimeout, Listener listener,
			Set<HookEventType> webhookEvents) {
		return new HooksProperties(
				new HooksProperties.Script(script, scriptTimeout, 0, Duration.ofMillis(10), Duration.ofMillis(10),
						CAPACITY, Set.of(HookEventType.STATE)),
				new HooksProperties.Webhook(listener.uri("/in"), Duration.ofSeconds(20), 2, Duration.ofMillis(20),
						Duration.ofMillis(40), 10_000, webhookEvents, null, null, null));
	}

	private static ControlEvent.StateChanged state(String ip, String from, String to) {
		return new ControlEvent.StateChanged(Instant.now(), ip, from, to, "test", null);
	}

}

package io.syncookied.controlplane.hooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.syncookied.controlplane.events.ControlEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The script receiver against real executables: what they get, how their exit and stderr are read, the timeout. */
@Timeout(60)
class ScriptReceiverTest {

	static final HookEvent EVENT = new HookEvent("7c1f0d3e-0000-4000-8000-000000000001", 42, HookEventType.STATE,
			"scrubber1", new ControlEvent.StateChanged(Instant.parse("2026-12-03T12:00:00Z"), "2001:db8::10", "UNPROTECTED",
					"DIVERTING", "attack started", "m-1"));

	@TempDir
	Path dir;

	@Test
	void theScriptGetsTheEventAsJsonOnStdinAndItsVariablesAndNothingOfTheControlPlanesEnvironment() throws Exception {
		Path out = this.dir.resolve("out");
		Path script = script("cat > " + out + ".json\nenv | sort > " + out + ".env\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(20))) {
			Attempt attempt = receiver.attempt(EVENT);
			assertThat(attempt.outcome()).as(attempt.detail()).isEqualTo(Attempt.Outcome.OK);
			assertThat(attempt.detail()).isEqualTo("exit 0");
		}
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(Path.of(out + ".json")));
		assertThat(json.get("version").asInt()).isEqualTo(1);
		assertThat(json.get("id").asString()).isEqualTo(EVENT.id());
		assertThat(json.get("sequence").asLong()).isEqualTo(42);
		assertThat(json.get("type").asString()).isEqualTo("state");
		assertThat(json.get("node").asString()).isEqualTo("scrubber1");
		assertThat(json.get("at").asString()).isEqualTo("2026-12-03T12:00:00Z");
		assertThat(json.get("ip").asString()).isEqualTo("2001:db8::10");
		assertThat(json.get("from").asString()).isEqualTo("UNPROTECTED");
		assertThat(json.get("to").asString()).isEqualTo("DIVERTING");
		assertThat(json.get("reason").asString()).isEqualTo("attack started");
		assertThat(json.get("mitigationId").asString()).isEqualTo("m-1");
		String env = Files.readString(Path.of(out + ".env"));
		assertThat(env).contains("SYNCOOKIED_EVENT_TYPE=state\n", "SYNCOOKIED_EVENT_ID=" + EVENT.id() + "\n",
				"SYNCOOKIED_EVENT_SEQUENCE=42\n", "SYNCOOKIED_IP=2001:db8::10\n", "SYNCOOKIED_STATE_FROM=UNPROTECTED\n",
				"SYNCOOKIED_STATE_TO=DIVERTING\n", "PATH=" + ScriptReceiver.PATH + "\n");
		// the control plane's own variables (API tokens among them) never reach the script
		Optional<Map.Entry<String, String>> inherited = System.getenv()
			.entrySet()
			.stream()
			.filter(e -> !e.getKey().equals("PATH") && !e.getKey().equals("LANG") && !e.getKey().equals("PWD")
					&& !e.getKey().equals("SHLVL") && !e.getKey().equals("_"))
			.filter(e -> env.contains("\n" + e.getKey() + "=") || env.startsWith(e.getKey() + "="))
			.findFirst();
		assertThat(inherited).isEmpty();
	}

	@Test
	void aNonZeroExitIsAnErrorWithItsStderrOnOneLine() throws Exception {
		Path script = script("printf 'no route\\n\\033[31mforged line' >&2\nexit 3\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(20))) {
			Attempt attempt = receiver.attempt(EVENT);
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(attempt.retryable()).isTrue();
			assertThat(attempt.detail()).isEqualTo("exit 3; stderr: no route\\n\\u001b[31mforged line");
		}
	}

	@Test
	void onlyTheStartOfALongStderrIsKept() throws Exception {
		Path script = script("head -c 100000 /dev/zero | tr '\\0' x >&2\nexit 1\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(20))) {
			Attempt attempt = receiver.attempt(EVENT);
			assertThat(attempt.detail()).hasSizeLessThan(ScriptReceiver.STDERR_KEPT + 100)
				.endsWith(" ... (" + (100000 - ScriptReceiver.STDERR_KEPT) + " bytes more)");
		}
	}

	@Test
	void aScriptPastItsTimeoutIsKilledWithWhatItStarted() throws Exception {
		Path pid = this.dir.resolve("child.pid");
		Path script = script("sleep 300 &\necho $! > " + pid + "\nwait\n");
		// long enough for the script to start its child and write the pid on a loaded machine
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(5))) {
			Attempt attempt = receiver.attempt(EVENT);
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.TIMEOUT);
			assertThat(attempt.retryable()).isTrue();
			assertThat(attempt.detail()).startsWith("no exit within 5000 ms: killed");
		}
		assertThat(pid).exists();
		long child = Long.parseLong(Files.readString(pid).strip());
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(
					Optional.of(true)));
	}

	@Test
	void aChildThatOutlivesTheScriptWithItsStreamsOpenDoesNotHoldTheAttempt() throws Exception {
		Path pid = this.dir.resolve("child.pid");
		// the child inherits stdin and stderr; with pipes, reading them would wait the child's 300 s (past @Timeout)
		Path script = script("sleep 300 &\necho $! >> " + pid + "\nexit 0\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(200))) {
			assertThat(receiver.attempt(EVENT).outcome()).isEqualTo(Attempt.Outcome.OK);
			assertThat(receiver.attempt(EVENT).outcome()).isEqualTo(Attempt.Outcome.OK);
		}
		finally {
			for (String child : Files.readAllLines(pid)) {
				ProcessHandle.of(Long.parseLong(child.strip())).ifPresent(ProcessHandle::destroyForcibly);
			}
		}
	}

	@Test
	void aScriptThatCannotStartIsAnError() throws Exception {
		Path script = script("exit 0\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(5))) {
			Files.delete(script);
			Attempt attempt = receiver.attempt(EVENT);
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(attempt.detail()).startsWith("cannot start: ");
		}
	}

	@Test
	void closingRemovesTheSpoolDirectory() throws Exception {
		Path seen = this.dir.resolve("seen");
		Path script = script("readlink /proc/$$/fd/0 > " + seen + "\n");
		try (ScriptReceiver receiver = new ScriptReceiver(script, Duration.ofSeconds(20))) {
			assertThat(receiver.attempt(EVENT).outcome()).isEqualTo(Attempt.Outcome.OK);
		}
		Path stdin = Path.of(Files.readString(seen).strip());
		assertThat(stdin.getParent()).doesNotExist();
	}

	private Path script(String body) throws Exception {
		Path script = this.dir.resolve("hook-" + System.nanoTime() + ".sh");
		Files.writeString(script, "#!/bin/sh\n" + body);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		return script;
	}

}

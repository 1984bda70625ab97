package io.syncookied.controlplane.protection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.protection.core.JournalEntry;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionState;

import static org.assertj.core.api.Assertions.assertThat;

class StateJournalTest {

	@TempDir
	Path dir;

	private static JournalEntry entry(String ip, ProtectionState state) {
		return JournalEntry.of(ip, state, null);
	}

	@Test
	void anInterruptedWriterKeepsJournaling() throws Exception {
		Instant at = Instant.parse("2026-11-22T00:00:00Z");
		try (StateJournal journal = new StateJournal(this.dir.resolve("state.journal"))) {
			Thread.currentThread().interrupt(); // a cancelled request's task, interrupted while it writes
			try {
				journal.append(entry("10.0.2.10", new ProtectionState.Protected(at, "x", "m-1")));
			}
			finally {
				Thread.interrupted();
			}
			journal.append(entry("10.0.2.11", new ProtectionState.Protected(at, "y", "m-2")));
			assertThat(journal.replay()).containsOnlyKeys("10.0.2.10", "10.0.2.11");
		}
	}

	@Test
	void replayKeepsTheLatestEntryPerIpAndSkipsATornLastLine() throws Exception {
		Path file = this.dir.resolve("state.journal");
		Instant at = Instant.parse("2026-11-22T00:00:00Z");
		try (StateJournal journal = new StateJournal(file)) {
			journal.append(entry("10.0.2.10", new ProtectionState.Diverting(at, "x", "m-1")));
			journal.append(entry("10.0.2.10", new ProtectionState.Protected(at, "x", "m-1")));
		}
		Files.writeString(file, Files.readString(file) + "{\"at\":\"2026-11-22T00:00:01Z\",\"ip\":\"10.0.2.1",
				java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
		try (StateJournal journal = new StateJournal(file)) {
			assertThat(journal.replay()).containsOnlyKeys("10.0.2.10");
			assertThat(journal.replay().get("10.0.2.10").state()).isEqualTo(Phase.PROTECTED);
		}
	}

}

package io.syncookied.controlplane.protection;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.syncookied.controlplane.protection.core.JournalEntry;

/**
 * Append-only journal of state changes, one JSON object per line, forced to disk after each write so a crash never
 * forgets a diversion. On open it is replayed (latest entry per IP wins) and compacted. A torn last line from a crash
 * is skipped with a warning naming the line. Blocking file I/O: only called from the protection scheduler.
 */
public final class StateJournal implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(StateJournal.class);

	private final Path file;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Plain stream I/O on purpose: an interrupted thread would close an NIO {@code FileChannel} for good (and with it
	 * every later journal line), while a stream write and {@code FileDescriptor.sync()} just complete.
	 */
	private FileOutputStream out;

	public StateJournal(Path file) throws IOException {
		this.file = file.toAbsolutePath();
		Path parent = this.file.getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		compact(replay());
		open();
	}

	/** Latest entry per IP, in file order. */
	public Map<String, JournalEntry> replay() throws IOException {
		Map<String, JournalEntry> latest = new LinkedHashMap<>();
		if (!Files.exists(this.file)) {
			return latest;
		}
		List<String> lines = Files.readAllLines(this.file, StandardCharsets.UTF_8);
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (line.isEmpty()) {
				continue;
			}
			try {
				JournalEntry entry = this.json.readValue(line, JournalEntry.class);
				latest.put(entry.ip(), entry);
			}
			catch (JacksonException | IllegalArgumentException ex) {
				log.warn("State journal {}:{}: unreadable entry skipped ({})", this.file, i + 1, ex.getMessage());
			}
		}
		return latest;
	}

	public synchronized void append(JournalEntry entry) {
		try {
			this.out.write((this.json.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
			this.out.getFD().sync();
		}
		catch (IOException ex) {
			// The state machine goes on (refusing to restore a host because a disk is full would be worse), but loudly.
			log.error("Cannot write state journal {}: {} (state of {} is {} but not persisted)", this.file, ex, entry.ip(),
					entry.state());
		}
	}

	private void compact(Map<String, JournalEntry> latest) throws IOException {
		Path tmp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
		try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			for (JournalEntry entry : latest.values()) {
				out.write(this.json.writeValueAsString(entry));
				out.newLine();
			}
		}
		Files.move(tmp, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private void open() throws IOException {
		this.out = new FileOutputStream(this.file.toFile(), true);
	}

	public Path file() {
		return this.file;
	}

	@Override
	public synchronized void close() throws IOException {
		this.out.close();
	}

}

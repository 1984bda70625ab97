package io.syncookied.controlplane.hosts;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.SequenceNode;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.syncookied.controlplane.config.HostsProperties;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;

/**
 * The current hosts file, reloaded on SIGHUP, on file change and by REST. A bad file keeps the old hosts and says
 * which file, line and field is wrong; so does a missing, unreadable or empty one (no hosts at all is {@code []}). A
 * bad, unreadable or empty file at start stops the start; a missing one means no hosts yet (so the jar starts with
 * no configuration at all).
 */
@Component
public final class HostRegistry implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(HostRegistry.class);

	/** An immutable generation of the hosts file. */
	public record Snapshot(Path file, List<HostConfig> hosts, Map<InetAddress, HostConfig> byIp, Instant loadedAt,
			long generation) {
	}

	/** Outcome of a reload, for the REST API. */
	public record ReloadResult(boolean accepted, String file, int hosts, long generation, String message,
			@Nullable Integer line, @Nullable String field) {
	}

	private final Path file;

	private final EventBus events;

	private final Clock clock;

	private final HostsValidation validation;

	private final Sinks.Many<Snapshot> changes = Sinks.many().replay().latest();

	private final Disposable watcher;

	private volatile Snapshot current;

	private @Nullable FileTime lastSeenModified;

	private long lastSeenSize = -1;

	public HostRegistry(HostsProperties properties, EventBus events, Clock clock, HostsValidation validation) {
		this.file = properties.file().toAbsolutePath();
		this.events = events;
		this.clock = clock;
		this.validation = validation;
		this.current = initialLoad();
		this.changes.tryEmitNext(this.current);
		this.watcher = properties.watch() ? Flux.interval(properties.watchInterval(), Schedulers.boundedElastic())
			.subscribe(tick -> reloadIfChanged()) : Flux.never().subscribe();
		installSighupHandler();
	}

	private Snapshot initialLoad() {
		rememberFileStamp();
		if (!Files.exists(this.file)) {
			log.warn("No hosts file at {}: starting with no protected hosts. Create it and send SIGHUP, or POST "
					+ "/api/v1/config/reload (syncookied.hosts.file sets the path).", this.file);
			return new Snapshot(this.file, List.of(), Map.of(), this.clock.instant(), 1);
		}
		try {
			List<HostConfig> hosts = load();
			log.info("Loaded {} host(s) from {}", hosts.size(), this.file);
			return snapshot(hosts, 1);
		}
		catch (HostsFileException ex) {
			throw new IllegalStateException("Invalid hosts file (syncookied.hosts.file): " + ex.getMessage(), ex);
		}
	}

	public Snapshot current() {
		return this.current;
	}

	public Optional<HostConfig> find(InetAddress ip) {
		return Optional.ofNullable(this.current.byIp().get(ip));
	}

	/** The latest snapshot first, then every accepted reload. */
	public Flux<Snapshot> changes() {
		return this.changes.asFlux();
	}

	/** Re-reads the file (blocking file I/O: never call on an event loop). */
	public synchronized ReloadResult reload(String trigger) {
		rememberFileStamp();
		Snapshot old = this.current;
		try {
			List<HostConfig> hosts = load();
			Snapshot next = snapshot(hosts, old.generation() + 1);
			this.current = next;
			synchronized (this.changes) {
				this.changes.tryEmitNext(next);
			}
			String message = "loaded " + hosts.size() + " host(s) (" + trigger + ")";
			this.events.publish(new ControlEvent.ConfigReload(this.clock.instant(), this.file.toString(), true,
					hosts.size(), message, Map.of("generation", next.generation(), "trigger", trigger)));
			return new ReloadResult(true, this.file.toString(), hosts.size(), next.generation(), message, null, null);
		}
		catch (HostsFileException ex) {
			String message = "rejected, keeping the previous " + old.hosts().size() + " host(s): " + ex.getMessage();
			this.events.publish(new ControlEvent.ConfigReload(this.clock.instant(), this.file.toString(), false,
					old.hosts().size(), message, Map.of("line", ex.line(), "field", ex.field(), "trigger", trigger)));
			return new ReloadResult(false, this.file.toString(), old.hosts().size(), old.generation(), message,
					ex.line(), ex.field());
		}
	}

	/**
	 * Reads and parses the file. A reload must never remove protection by accident: a file that is missing,
	 * unreadable or empty (a truncated write, a deleted file) is an error; no hosts at all takes an explicit
	 * {@code []}.
	 */
	private List<HostConfig> load() throws HostsFileException {
		String text;
		try {
			text = Files.readString(this.file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			throw new HostsFileException(this.file, 0, "file", "does not exist (write [] to remove every host)");
		}
		catch (IOException ex) {
			throw new HostsFileException(this.file, 0, "file", "cannot be read: " + ex.getMessage());
		}
		List<HostConfig> hosts = HostsFileParser.parse(this.file, text, this.validation);
		if (hosts.isEmpty() && !explicitList(text)) {
			throw new HostsFileException(this.file, 0, "file",
					"is empty (a truncated or unfinished write?); write [] to remove every host");
		}
		return hosts;
	}

	/** Whether the YAML document is a list ({@code []}), as opposed to no document at all. */
	private static boolean explicitList(String text) {
		try {
			return new Yaml().compose(new StringReader(text)) instanceof SequenceNode;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void reloadIfChanged() {
		try {
			FileTime modified = Files.exists(this.file) ? Files.getLastModifiedTime(this.file) : null;
			long size = Files.exists(this.file) ? Files.size(this.file) : -1;
			boolean changed;
			synchronized (this) {
				changed = !java.util.Objects.equals(modified, this.lastSeenModified) || size != this.lastSeenSize;
			}
			if (changed) {
				reload("file changed");
			}
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Cannot check hosts file {} for changes: {}", this.file, ex.toString());
		}
	}

	private synchronized void rememberFileStamp() {
		try {
			this.lastSeenModified = Files.exists(this.file) ? Files.getLastModifiedTime(this.file) : null;
			this.lastSeenSize = Files.exists(this.file) ? Files.size(this.file) : -1;
		}
		catch (IOException ex) {
			this.lastSeenModified = null;
		}
	}

	private Snapshot snapshot(List<HostConfig> hosts, long generation) {
		Map<InetAddress, HostConfig> byIp = new LinkedHashMap<>();
		hosts.forEach(h -> byIp.put(h.ip(), h));
		return new Snapshot(this.file, hosts, Map.copyOf(byIp), this.clock.instant(), generation);
	}

	@SuppressWarnings("restriction")
	private void installSighupHandler() {
		try {
			sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
					signal -> Schedulers.boundedElastic().schedule(() -> reload("SIGHUP")));
		}
		catch (IllegalArgumentException | UnsupportedOperationException ex) {
			log.warn("SIGHUP reload not available on this JVM ({}); use POST /api/v1/config/reload", ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.watcher.dispose();
	}

}

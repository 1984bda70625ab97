package io.syncookied.controlplane.telemetry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import io.syncookied.common.TcpProfile;
import io.syncookied.controlplane.config.TelemetryProperties;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.ClockSample;
import io.syncookied.telemetry.HostSecrets;
import io.syncookied.telemetry.HostTelemetry;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.KeyFiles;
import io.syncookied.telemetry.KeyRing;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReceiverConfig;
import io.syncookied.telemetry.ReceiverStats;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;
import io.syncookied.telemetry.TcpSecrets;
import io.syncookied.telemetry.TelemetryEvent;
import io.syncookied.telemetry.TelemetryReceiver;

/**
 * {@link TelemetrySource} over the agents' authenticated UDP receiver ({@code io.syncookied.telemetry}). Maps each
 * event to a configured host (by {@code agent_key_id}, else by source address), turns counters into
 * {@link TelemetrySample}s, and combines the last secrets with the newest clock sample into a fresh typed
 * {@link io.syncookied.common.KernelSecrets} (its sampling instant on this process's clock).
 */
public final class AgentTelemetrySource implements TelemetrySource, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AgentTelemetrySource.class);

	private final TelemetryReceiver receiver;

	private final HostRegistry registry;

	private final Map<InetAddress, TcpSecrets> secrets = new ConcurrentHashMap<>();

	private final Map<InetAddress, Sysctls> sysctls = new ConcurrentHashMap<>();

	/** The last SYN-ACK window profile each host's agent reported (KernelSecrets carries it to the worker). */
	private final Map<InetAddress, TcpProfile> profiles = new ConcurrentHashMap<>();

	private final Map<String, Long> unmappedWarned = new ConcurrentHashMap<>();

	private final Flux<TelemetryEvent> events;

	private final InetSocketAddress bound;

	public AgentTelemetrySource(TelemetryProperties properties, HostRegistry registry) throws IOException {
		this.registry = registry;
		ReceiverConfig config = ReceiverConfig
			.defaults(new InetSocketAddress(properties.bind(), properties.port()), keyRing(properties))
			.withMaxClockSkew(properties.maxClockSkew());
		this.receiver = new TelemetryReceiver(config);
		try {
			this.bound = this.receiver.start();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while binding the telemetry receiver", ex);
		}
		log.info("Telemetry receiver listening on {} with {} agent key(s)", this.bound, properties.keys().size());
		this.events = this.receiver.events().publish().autoConnect();
	}

	static KeyRing keyRing(TelemetryProperties properties) throws IOException {
		List<PresharedKey> keys = new ArrayList<>();
		for (int i = 0; i < properties.keys().size(); i++) {
			TelemetryProperties.Key k = properties.keys().get(i);
			String where = "syncookied.telemetry.keys[" + i + "]";
			byte[] raw;
			try {
				raw = KeyFiles.load(k.file());
			}
			catch (IOException ex) {
				throw new IOException(where + ".file: " + ex.getMessage(), ex);
			}
			try {
				keys.add(new PresharedKey((int) k.id(), k.host(), AeadAlgorithm.parse(k.algorithm()), raw));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
			}
		}
		return KeyRing.of(keys);
	}

	public InetSocketAddress bound() {
		return this.bound;
	}

	/** The receiver's counters: accepted datagrams, and rejected ones by reason and source. */
	public ReceiverStats receiverStats() {
		return this.receiver.stats();
	}

	@Override
	public Flux<TelemetrySample> samples() {
		return this.events.ofType(HostTelemetry.class).flatMapIterable(t -> sample(t).map(List::of).orElse(List.of()));
	}

	@Override
	public Flux<SecretsUpdate> secrets() {
		return this.events.flatMapIterable(e -> secretsUpdate(e).map(List::of).orElse(List.of()));
	}

	Optional<TelemetrySample> sample(HostTelemetry t) {
		Optional<HostConfig> host = hostOf(t.host(), t.keyId(), t.source());
		if (host.isEmpty()) {
			return Optional.empty();
		}
		this.sysctls.put(host.get().ip(), t.sysctls());
		TcpCounters c = t.counters();
		long rx = 0;
		for (InterfaceCounters i : t.interfaces()) {
			rx += Math.max(0, i.rxPackets());
		}
		return Optional.of(new TelemetrySample(host.get().ip(), t.receivedAt(), z(c.syncookiesSent()),
				z(c.syncookiesRecv()), z(c.tcpReqQFullDoCookies()), z(c.tcpReqQFullDrop()), z(c.listenDrops()),
				z(c.passiveOpens()), rx));
	}

	/** New keys, or a newer clock sample for known keys: both make fresh secrets. */
	Optional<SecretsUpdate> secretsUpdate(TelemetryEvent e) {
		Optional<HostConfig> host = hostOf(e.host(), e.keyId(), e.source());
		if (host.isEmpty()) {
			return Optional.empty();
		}
		InetAddress ip = host.get().ip();
		ClockSample clock;
		if (e instanceof HostSecrets s) {
			if (!s.secrets().isInitialised()) {
				return Optional.empty(); // all-zero secrets: the kernel has not made a cookie yet
			}
			this.secrets.put(ip, s.secrets());
			clock = s.clock();
		}
		else if (e instanceof HostTelemetry t) {
			this.sysctls.put(ip, t.sysctls());
			this.profiles.put(ip, t.tcpProfile());
			clock = t.clock();
		}
		else {
			return Optional.empty();
		}
		TcpSecrets known = this.secrets.get(ip);
		if (known == null || clock == null) {
			return Optional.empty();
		}
		// the SYN-ACK profile comes with every report: the one before this event's, on a secrets event (the
		// receiver emits a report's secrets before its telemetry)
		return Optional.of(new SecretsUpdate(ip, e.receivedAt(), known.toKernelSecrets(clock, this.sysctls.get(ip),
				clock.sampledAt(e.sentAt(), e.receivedAt()), this.profiles.getOrDefault(ip, TcpProfile.UNKNOWN))));
	}

	private Optional<HostConfig> hostOf(String label, int keyId, @Nullable InetSocketAddress source) {
		String id = Integer.toUnsignedString(keyId);
		List<HostConfig> hosts = this.registry.current().hosts();
		for (HostConfig h : hosts) {
			if (h.agentKeyId() != null && (h.agentKeyId().equals(label) || h.agentKeyId().equals(id))) {
				return Optional.of(h);
			}
		}
		InetAddress from = (source != null) ? source.getAddress() : null;
		for (HostConfig h : hosts) {
			if (h.agentKeyId() == null && from != null && (h.ip().equals(from) || secretsHost(h).equals(from.getHostAddress()))) {
				return Optional.of(h);
			}
		}
		long now = System.nanoTime();
		Long last = this.unmappedWarned.get(label);
		if (last == null || now - last > 60_000_000_000L) {
			this.unmappedWarned.put(label, now);
			log.warn("Telemetry from agent key '{}' (id {}, source {}) matches no host: set agent_key_id in the hosts file",
					label, id, source);
		}
		return Optional.empty();
	}

	private static String secretsHost(HostConfig h) {
		if (h.secretsAddr() == null) {
			return "";
		}
		String s = h.secretsAddr().replaceFirst("^(udp|tcp)://", "");
		int colon = s.lastIndexOf(':');
		s = (colon > 0) ? s.substring(0, colon) : s;
		return s.replace("[", "").replace("]", "");
	}

	private static long z(long v) {
		return Math.max(0, v); // -1 = absent: count as zero
	}

	@Override
	public void close() {
		this.receiver.close();
	}

}

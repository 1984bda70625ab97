package io.syncookied.controlplane.protection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.support.RecordingDataplane;

import static org.awaitility.Awaitility.await;

/** {@link Harness} for tests in other packages. */
public final class HarnessAccess implements AutoCloseable {

	private final Harness h;

	public HarnessAccess(Path dir) throws Exception {
		this.h = new Harness(dir);
		this.h.freshSecrets("10.0.2.10");
		this.h.freshSecrets("10.0.2.11");
	}

	public RecordingDataplane dataplane() {
		return this.h.dataplane;
	}

	public ProtectionProperties properties() {
		return this.h.properties;
	}

	public ProtectionService service() {
		return this.h.service;
	}

	public EventBus events() {
		return this.h.events;
	}

	public List<ControlEvent> seen() {
		return this.h.seen;
	}

	public List<String> alerts() {
		return this.h.alerts();
	}

	public Phase state(String ip) {
		return this.h.state(ip);
	}

	public void protect(String ip) {
		this.h.service.protect(Harness.ip(ip), "test", Duration.ofMinutes(5)).block();
		await().until(() -> this.h.state(ip) == Phase.PROTECTED);
	}

	@Override
	public void close() throws Exception {
		this.h.close();
	}

}

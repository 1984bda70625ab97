package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.HostState;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionIntent;
import io.syncookied.controlplane.protection.core.ProtectionState;

/**
 * The protection state and intent of one IP as the cluster keeps it under {@code hosts/<ip>}: what the protection
 * core's {@link HostState} holds, less the host's configuration (every node reads the same hosts file) and less the
 * step in flight (a step belongs to the leader that started it; a new leader drives the host again from its state).
 * Its revisions are the journal: etcd's history of the key is the host's history.
 */
public record ProtectionRecord(InetAddress ip, boolean configured, ProtectionState state,
		@Nullable ProtectionIntent intent, @Nullable Instant pickupUntil, @Nullable Instant secretsAt,
		@Nullable Instant lastStaleAlert) {

	public static ProtectionRecord of(HostState host) {
		return new ProtectionRecord(host.ip(), host.configured(), host.state(), host.intent(), host.pickupUntil(),
				host.secretsAt(), host.lastStaleAlert());
	}

	ProtectionRecord withSecretsAt(@Nullable Instant at) {
		return new ProtectionRecord(this.ip, this.configured, this.state, this.intent, this.pickupUntil, at,
				this.lastStaleAlert);
	}

	/** The core's state of this IP, with the configuration this node has for it and no step in flight. */
	public HostState toHostState(HostConfig config) {
		if (!config.ip().equals(this.ip)) {
			throw new IllegalArgumentException("configuration of " + IpKeys.text(config.ip()) + " given for "
					+ IpKeys.text(this.ip));
		}
		return new HostState(config, this.configured, this.state, this.intent, null, this.pickupUntil, this.secretsAt,
				this.lastStaleAlert);
	}

	byte[] encode() {
		ObjectNode json = StoredJson.write()
			.put("ip", IpKeys.text(this.ip))
			.put("configured", this.configured)
			.put("phase", this.state.phase().name())
			.put("since", this.state.since().toString())
			.put("reason", this.state.reason())
			.put("mitigation", this.state.mitigationId())
			.put("diverted", this.state.mayBeDiverted());
		ProtectionIntent i = this.intent;
		json.put("intent", (i != null) ? i.trigger().name() : null)
			.put("intentReason", (i != null) ? i.reason() : null)
			.put("intentAt", (i != null) ? i.requestedAt().toString() : null)
			.put("intentExpires", (i != null && i.expiresAt() != null) ? i.expiresAt().toString() : null)
			.put("pickupUntil", text(this.pickupUntil))
			.put("secretsAt", text(this.secretsAt))
			.put("lastStaleAlert", text(this.lastStaleAlert));
		return StoredJson.bytes(json);
	}

	static ProtectionRecord decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		InetAddress ip = json.ip("ip");
		boolean configured = json.flag("configured");
		Phase phase = json.choice("phase", Phase.class);
		Instant since = json.instant("since");
		String reason = json.text("reason");
		String mitigation = json.optionalText("mitigation");
		boolean diverted = json.flag("diverted");
		ProtectionIntent.Trigger trigger = (json.optionalText("intent") != null)
				? json.choice("intent", ProtectionIntent.Trigger.class) : null;
		String intentReason = json.optionalText("intentReason");
		Instant intentAt = json.optionalInstant("intentAt");
		Instant intentExpires = json.optionalInstant("intentExpires");
		Instant pickupUntil = json.optionalInstant("pickupUntil");
		Instant secretsAt = json.optionalInstant("secretsAt");
		Instant lastStaleAlert = json.optionalInstant("lastStaleAlert");
		json.done();
		if (!key.endsWith("/" + IpKeys.text(ip))) {
			throw json.invalid("ip", "'" + IpKeys.text(ip) + "' is not the IP of its key");
		}
		if (phase != Phase.UNPROTECTED && phase != Phase.FAILED && mitigation == null) {
			throw json.invalid("mitigation", "is missing for phase " + phase);
		}
		if (phase != Phase.FAILED && diverted != (phase != Phase.UNPROTECTED)) {
			throw json.invalid("diverted", "is " + diverted + ", which phase " + phase + " never is");
		}
		ProtectionState state = switch (phase) {
			case UNPROTECTED -> new ProtectionState.Unprotected(since, reason);
			case DIVERTING -> new ProtectionState.Diverting(since, reason, mitigation);
			case PROTECTED -> new ProtectionState.Protected(since, reason, mitigation);
			case RESTORING -> new ProtectionState.Restoring(since, reason, mitigation);
			case FAILED -> new ProtectionState.Failed(since, reason, mitigation, diverted);
		};
		ProtectionIntent intent = null;
		if (trigger != null || intentReason != null || intentAt != null || intentExpires != null) {
			if (trigger == null || intentReason == null || intentAt == null) {
				throw json.invalid("intent", "needs intent, intentReason and intentAt together");
			}
			intent = new ProtectionIntent(trigger, intentReason, intentAt, intentExpires);
		}
		return new ProtectionRecord(ip, configured, state, intent, pickupUntil, secretsAt, lastStaleAlert);
	}

	private static @Nullable String text(@Nullable Instant at) {
		return (at != null) ? at.toString() : null;
	}

}

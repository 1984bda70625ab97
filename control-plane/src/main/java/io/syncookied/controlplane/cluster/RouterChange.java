package io.syncookied.controlplane.cluster;

import java.net.InetAddress;

/**
 * The last router change of one IP, kept under {@code router/<ip>}. The leader writes it in a transaction that holds
 * only while it is still leader, before it touches the router ({@link Phase#STARTED}) and after the device confirmed
 * ({@link Phase#DONE}) or refused ({@link Phase#FAILED}). A new leader that finds a change STARTED under an older term
 * does not know whether it reached the device, so it reads the device back before deciding anything for that IP.
 *
 * @param ip the protected IP
 * @param action divert to a firewall, or restore the direct path
 * @param node the firewall the IP points at after a divert (for a restore: the one it pointed at)
 * @param mac that firewall's MAC
 * @param mitigationId the protection's mitigation id, which the router adapters tag their entries with
 * @param term the leadership term (etcd create revision of the leader key) that made the change
 * @param phase how far the change went
 */
public record RouterChange(InetAddress ip, Action action, NodeId node, String mac, String mitigationId, long term,
		Phase phase) {

	public enum Action {
		DIVERT, RESTORE
	}

	public enum Phase {
		STARTED, DONE, FAILED
	}

	public RouterChange {
		if (term <= 0) {
			throw new IllegalArgumentException("term must be positive, got " + term);
		}
		if (mitigationId.isBlank()) {
			throw new IllegalArgumentException("mitigationId must not be blank");
		}
	}

	RouterChange with(Phase next) {
		return new RouterChange(this.ip, this.action, this.node, this.mac, this.mitigationId, this.term, next);
	}

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write()
			.put("ip", IpKeys.text(this.ip))
			.put("action", this.action.name())
			.put("node", this.node.value())
			.put("mac", this.mac)
			.put("mitigation", this.mitigationId)
			.put("term", this.term)
			.put("phase", this.phase.name()));
	}

	static RouterChange decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		InetAddress ip = json.ip("ip");
		Action action = json.choice("action", Action.class);
		NodeId node = json.node("node");
		String mac = json.text("mac");
		String mitigation = json.text("mitigation");
		long term = json.positive("term");
		Phase phase = json.choice("phase", Phase.class);
		json.done();
		if (!key.endsWith("/" + IpKeys.text(ip))) {
			throw json.invalid("ip", "'" + IpKeys.text(ip) + "' is not the IP of its key");
		}
		if (mitigation.isBlank()) {
			throw json.invalid("mitigation", "is blank");
		}
		return new RouterChange(ip, action, node, mac, mitigation, term, phase);
	}

}

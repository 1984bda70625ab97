package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One node's detection verdict on one IP, kept under {@code verdicts/<node>/<ip>} with that node's session lease: a
 * follower's detector writes it and the leader applies it as an attack start or end. A newer verdict replaces the
 * older one of the same node and IP.
 *
 * @param ip the protected IP
 * @param node the node whose detector decided
 * @param attack true: an attack started; false: it ended
 * @param reason the detector's reason, for operators
 * @param at when the detector decided
 */
public record Verdict(InetAddress ip, NodeId node, boolean attack, String reason, Instant at) {

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write()
			.put("ip", IpKeys.text(this.ip))
			.put("node", this.node.value())
			.put("attack", this.attack)
			.put("reason", this.reason)
			.put("at", this.at.toString()));
	}

	static Verdict decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		InetAddress ip = json.ip("ip");
		NodeId node = json.node("node");
		boolean attack = json.flag("attack");
		String reason = json.text("reason");
		Instant at = json.instant("at");
		json.done();
		if (!key.endsWith("/" + node.value() + "/" + IpKeys.text(ip))) {
			throw json.invalid("ip", "'" + node + "/" + IpKeys.text(ip) + "' is not the node and IP of its key");
		}
		return new Verdict(ip, node, attack, reason, at);
	}

}

package io.syncookied.controlplane.cluster;

import java.net.InetAddress;

/**
 * Which node serves one protected IP, kept under {@code assign/<ip>}: the leader writes it (fenced) from the rendezvous
 * hash over the live nodes, and each node's worker holds exactly the diverted hosts assigned to it.
 */
public record Assignment(InetAddress ip, NodeId node, long term) {

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write()
			.put("ip", IpKeys.text(this.ip))
			.put("node", this.node.value())
			.put("term", this.term));
	}

	static Assignment decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		InetAddress ip = json.ip("ip");
		NodeId node = json.node("node");
		long term = json.positive("term");
		json.done();
		if (!key.endsWith("/" + IpKeys.text(ip))) {
			throw json.invalid("ip", "'" + IpKeys.text(ip) + "' is not the IP of its key");
		}
		return new Assignment(ip, node, term);
	}

}

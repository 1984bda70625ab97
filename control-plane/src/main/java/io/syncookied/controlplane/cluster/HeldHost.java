package io.syncookied.controlplane.cluster;

import java.net.InetAddress;

/**
 * A node's word that its dataplane worker holds one IP, kept under {@code held/<node>/<ip>} with that node's session
 * lease: the leader diverts an IP to a node only once this key exists, and the key goes with the node.
 *
 * @param ip the protected IP
 * @param node the node whose worker holds it
 * @param mitigationId the protection the worker was given the host for
 */
public record HeldHost(InetAddress ip, NodeId node, String mitigationId) {

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write()
			.put("ip", IpKeys.text(this.ip))
			.put("node", this.node.value())
			.put("mitigation", this.mitigationId));
	}

	static HeldHost decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		InetAddress ip = json.ip("ip");
		NodeId node = json.node("node");
		String mitigation = json.text("mitigation");
		json.done();
		if (!key.endsWith("/" + node.value() + "/" + IpKeys.text(ip))) {
			throw json.invalid("ip", "'" + node + "/" + IpKeys.text(ip) + "' is not the node and IP of its key");
		}
		return new HeldHost(ip, node, mitigation);
	}

}

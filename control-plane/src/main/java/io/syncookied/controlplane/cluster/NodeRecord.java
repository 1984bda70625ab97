package io.syncookied.controlplane.cluster;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * One live firewall node, kept under {@code nodes/<id>} with the node's session lease, so the key disappears when the
 * node stops renewing it: membership is the set of these keys.
 *
 * @param node the node's id
 * @param api where its REST API answers (followers redirect writes to the leader's)
 * @param mac the firewall MAC the router points an IP at when this node serves it
 * @param workerUp whether the node's dataplane worker runs: a node whose worker is lost stays a member (its control
 *        plane answers) but is given no IP until its worker is back
 */
public record NodeRecord(NodeId node, URI api, String mac, boolean workerUp) {

	private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

	public NodeRecord {
		if (!MAC.matcher(mac).matches()) {
			throw new IllegalArgumentException("mac must be a lower-case MAC address aa:bb:cc:dd:ee:ff, got '" + mac
					+ "'");
		}
	}

	/** A node whose worker runs. */
	public NodeRecord(NodeId node, URI api, String mac) {
		this(node, api, mac, true);
	}

	NodeRecord withWorkerUp(boolean up) {
		return new NodeRecord(this.node, this.api, this.mac, up);
	}

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write()
			.put("node", this.node.value())
			.put("api", this.api.toString())
			.put("mac", this.mac)
			.put("worker", this.workerUp));
	}

	static NodeRecord decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		NodeId node = json.node("node");
		URI api = json.uri("api");
		String mac = json.text("mac");
		boolean workerUp = json.flag("worker");
		json.done();
		if (!MAC.matcher(mac).matches()) {
			throw json.invalid("mac", "'" + mac + "' is not a lower-case MAC address");
		}
		if (!key.endsWith("/" + node.value())) {
			throw json.invalid("node", "'" + node + "' is not the node of its key");
		}
		return new NodeRecord(node, api, mac, workerUp);
	}

}

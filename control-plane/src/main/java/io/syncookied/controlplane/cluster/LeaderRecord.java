package io.syncookied.controlplane.cluster;

/**
 * The value of the leader key: who leads, and with which session lease. The key's create revision is the term; the
 * key is only ever created (never updated), so its mod revision is the term too.
 */
record LeaderRecord(NodeId node, long lease) {

	byte[] encode() {
		return StoredJson.bytes(StoredJson.write().put("node", this.node.value()).put("lease", this.lease));
	}

	static LeaderRecord decode(String key, byte[] value) throws CorruptValueException {
		StoredJson json = StoredJson.read(key, value);
		NodeId node = json.node("node");
		long lease = json.positive("lease");
		json.done();
		return new LeaderRecord(node, lease);
	}

}

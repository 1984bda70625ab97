package io.syncookied.controlplane.cluster;

/**
 * A value in etcd that this node cannot read: bad JSON, a field missing or out of range, an unknown format version.
 * The message names the key and the field; the value is skipped and the node keeps what it knew before.
 */
public final class CorruptValueException extends Exception {

	private static final long serialVersionUID = 1L;

	private final String key;

	public CorruptValueException(String key, String problem) {
		super(key + ": " + problem);
		this.key = key;
	}

	public String key() {
		return this.key;
	}

}

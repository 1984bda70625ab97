package io.syncookied.controlplane.cluster;

/** A fenced write was refused: this node is no longer (or not surely) the leader of the term it wrote for. */
public final class LeadershipLostException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public LeadershipLostException(String message) {
		super(message);
	}

}

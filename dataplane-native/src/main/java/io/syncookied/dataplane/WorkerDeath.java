package io.syncookied.dataplane;

import java.util.OptionalInt;

/**
 * How a dataplane worker process ended.
 *
 * @param pid its process id
 * @param exitStatus the exit status (128 + signal when killed by a signal), empty when it was not our child
 * @param description one readable line: "dataplane worker pid 123 killed by signal 9 (SIGKILL)"
 * @param logTail the last lines of its log, for the operator
 */
public record WorkerDeath(long pid, OptionalInt exitStatus, String description, String logTail) {

	/** True when the worker exited on request (QUIT or SIGTERM) rather than crashed. */
	public boolean clean() {
		return this.exitStatus.isPresent() && (this.exitStatus.getAsInt() == 0 || this.exitStatus.getAsInt() == 143);
	}
}

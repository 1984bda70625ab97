package io.syncookied.dataplane;

/**
 * The dataplane's health.
 *
 * @param state {@code created}, {@code running}, {@code stopped}, {@code failed} or {@code dead} (worker process gone)
 * @param workers workers started
 * @param workersAlive workers whose packet loop ran within the last second
 * @param hosts protected hosts configured
 * @param hostsWithSecrets hosts whose secrets are loaded and usable
 * @param generation configuration generation (bumps on every change)
 * @param uptimeMillis since the workers started
 * @param pid the worker process id, or -1
 * @param lastError the last error the dataplane reported, or empty
 */
public record DpHealth(String state, int workers, int workersAlive, int hosts, int hostsWithSecrets, long generation,
		long uptimeMillis, long pid, String lastError) {

	/** Running with every worker alive. */
	public boolean healthy() {
		return "running".equals(this.state) && this.workers > 0 && this.workersAlive == this.workers;
	}
}

package io.syncookied.dataplane;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Map;

import io.syncookied.common.KernelSecrets;

/**
 * The control plane's handle on a running dataplane: hosts, secrets, counters and health.
 *
 * <p>Every call is a short blocking request to the worker process over its Unix socket: call it off event loops
 * ({@code Schedulers.boundedElastic()}). Failures throw {@link DataplaneException} naming the bad field; a rejected
 * request changes nothing in the dataplane.
 */
public interface Dataplane extends AutoCloseable {

	/** Adds the host, or replaces the host with the same IP (its flows are kept). */
	void setHost(DpHost host);

	/** Removes a protected host; throws {@link DataplaneException} with errno {@code ENOENT} if it is not configured. */
	void removeHost(InetAddress ip);

	/** Installs the secrets of one protected IP (kept across host changes); the worker gets their age. */
	void setSecrets(InetAddress ip, KernelSecrets secrets);

	/**
	 * Makes the dataplane's state exactly {@code hosts} and {@code secrets} in one request each (after a control-plane
	 * restart): hosts not listed are removed, listed ones replaced, and their flows kept.
	 */
	void resync(Collection<DpHost> hosts, Map<InetAddress, KernelSecrets> secrets);

	/** Counters summed over every worker since the dataplane started, totals and per protected IP. */
	DpStats stats();

	/** Worker and configuration health. */
	DpHealth health();

	/** Releases this handle. A worker process keeps forwarding with its last configuration. */
	@Override
	void close();

}

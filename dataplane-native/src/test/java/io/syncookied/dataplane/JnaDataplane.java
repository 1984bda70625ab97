package io.syncookied.dataplane;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.syncookied.common.IpText;
import io.syncookied.dataplane.jna.NativeDataplane;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's C control API (include/syncookied/dataplane.h) in this JVM through JNA, for tests of that API: the
 * control plane never runs the engine in its own process (a crash would take it down) and uses {@link DataplaneWorker}.
 */
final class JnaDataplane implements AutoCloseable {

	private static final String[] STATES = { "created", "running", "stopped", "failed" };

	private final DataplaneLibrary lib;

	private Pointer dp;

	private JnaDataplane(DataplaneLibrary lib, Pointer dp) {
		this.lib = lib;
		this.dp = dp;
	}

	/** True when libsyncookied_dp can be used in this JVM. */
	static boolean isAvailable() {
		return NativeDataplane.isAvailable();
	}

	/** Why the native library cannot be used, or empty. */
	static Optional<String> unavailabilityCause() {
		return NativeDataplane.unavailabilityCause();
	}

	/**
	 * Creates a dataplane on {@code iface} (not started).
	 *
	 * @throws DataplaneException naming the bad option (unknown backend, missing interface, bad CPU list...)
	 * @throws IllegalStateException when the native library cannot be loaded (with the cause)
	 */
	static JnaDataplane create(String backend, String iface, String txIface, String cpus) {
		DataplaneLibrary lib = NativeDataplane.load(DataplaneLibrary.class);
		DataplaneLibrary.Opts o = new DataplaneLibrary.Opts();
		o.backend = backend;
		o.iface = iface;
		o.tx_iface = txIface;
		o.cpus = cpus;
		PointerByReference out = new PointerByReference();
		int rc = lib.dp_dataplane_create(o, out);
		Pointer p = out.getValue();
		if (rc != 0) {
			String why = p != null ? lib.dp_dataplane_last_error(p) : "errno " + -rc;
			if (p != null) {
				lib.dp_dataplane_destroy(p);
			}
			throw new DataplaneException(errno(rc), why);
		}
		return new JnaDataplane(lib, p);
	}

	/** Which backends the library has ({@code memory=yes afpacket=yes afxdp=yes xdp=yes netmap=yes}). */
	String backends() {
		return this.lib.dp_dataplane_backends();
	}

	synchronized void start() {
		check(this.lib.dp_dataplane_start(handle()));
	}

	synchronized void stop() {
		check(this.lib.dp_dataplane_stop(handle()));
	}

	/** Adds or replaces the hosts of a hosts.yml text (replaceAll: the text is the whole host set). */
	synchronized void setHostsYaml(String yaml, boolean replaceAll) {
		byte[] b = yaml.getBytes(StandardCharsets.UTF_8);
		check(this.lib.dp_dataplane_set_hosts_yaml(handle(), b, new NativeLong(b.length), "request", replaceAll ? 1 : 0));
	}

	synchronized void removeHost(InetAddress ip) {
		check(this.lib.dp_dataplane_remove_host(handle(), IpText.of(ip)));
	}

	/** Secrets of one host as /proc/tcp_secrets text, sampled ageMillis ago. */
	synchronized void setSecretsText(InetAddress ip, String text, long ageMillis) {
		byte[] t = text.getBytes(StandardCharsets.US_ASCII);
		check(this.lib.dp_dataplane_set_secrets(handle(), IpText.of(ip), t, new NativeLong(t.length), ageMillis));
	}

	synchronized DpStats stats() {
		DataplaneLibrary.Stats st = new DataplaneLibrary.Stats();
		check(this.lib.dp_dataplane_stats(handle(), st));
		Map<String, Long> counters = new LinkedHashMap<>();
		Map<InetAddress, DpHostCounters> hosts = new HashMap<>();
		for (int i = 0; i < st.n; i++) {
			counters.put(this.lib.dp_dataplane_stat_name(i), st.v[i]);
		}
		byte[] buf = new byte[4096 * 128];
		IntByReference n = new IntByReference();
		long len = this.lib.dp_dataplane_host_stats_text(handle(), buf, new NativeLong(buf.length), n).longValue();
		for (String line : new String(buf, 0, (int) len, StandardCharsets.US_ASCII).split("\n")) {
			String[] f = line.split(" ");
			if (f.length == 5) {
				hosts.put(DpHostBuilder.literal(f[0]),
						new DpHostCounters(Map.of("rx_pps", Long.parseUnsignedLong(f[1]), "rx_syn",
								Long.parseUnsignedLong(f[2]), "rx_forwarded", Long.parseUnsignedLong(f[3]), "rx_drop",
								Long.parseUnsignedLong(f[4]))));
			}
		}
		return new DpStats(counters, hosts);
	}

	synchronized DpHealth health() {
		DataplaneLibrary.Health h = new DataplaneLibrary.Health();
		check(this.lib.dp_dataplane_health(handle(), h));
		int end = 0;
		while (end < h.last_error.length && h.last_error[end] != 0) {
			end++;
		}
		return new DpHealth(h.state >= 0 && h.state < STATES.length ? STATES[h.state] : "unknown", h.workers,
				h.workers_alive, h.hosts, h.hosts_with_secrets, h.generation, h.uptime_ms, ProcessHandle.current().pid(),
				new String(h.last_error, 0, end, StandardCharsets.UTF_8));
	}

	/** Stops the workers and frees the dataplane. */
	@Override
	public synchronized void close() {
		if (this.dp != null) {
			this.lib.dp_dataplane_destroy(this.dp);
			this.dp = null;
		}
	}

	private Pointer handle() {
		if (this.dp == null) {
			throw new DataplaneException("EBADF", "dataplane already closed");
		}
		return this.dp;
	}

	private void check(int rc) {
		if (rc != 0) {
			throw new DataplaneException(errno(rc), this.lib.dp_dataplane_last_error(handle()));
		}
	}

	private static String errno(int rc) {
		return switch (-rc) {
			case 1 -> "EPERM";
			case 2 -> "ENOENT";
			case 12 -> "ENOMEM";
			case 19 -> "ENODEV";
			case 22 -> "EINVAL";
			case 93 -> "EPROTONOSUPPORT";
			default -> "E" + -rc;
		};
	}
}

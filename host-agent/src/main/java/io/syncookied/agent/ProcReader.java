package io.syncookied.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.syncookied.agent.synack.ServerTcpProfile;
import io.syncookied.agent.synack.TcpProfileReader;
import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.InterfaceCounters;
import io.syncookied.telemetry.Protocol;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;

/**
 * Reads the host state under a proc root (the directory that stands for /proc, so tests can use a fake tree) and a
 * sys root (for /sys). A source that fails is reported in the snapshot's error mask; the others are still read.
 */
public final class ProcReader {

	static final String[] NETSTAT_FIELDS = { "TcpExt.SyncookiesSent", "TcpExt.SyncookiesRecv",
			"TcpExt.SyncookiesFailed", "TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPReqQFullDoCookies",
			"TcpExt.TCPReqQFullDrop" };

	static final String[] SNMP_FIELDS = { "Tcp.PassiveOpens", "Tcp.InSegs", "Tcp.AttemptFails", "Tcp.InErrs" };

	private final Path procRoot;

	private final List<String> interfaceFilter;

	private final LongSupplier wallClockMs;

	private final TcpProfileReader tcpProfiles;

	/** @param interfaceFilter interfaces to report; empty means all but loopback (first 24 by name) */
	public ProcReader(Path procRoot, Path sysRoot, List<String> interfaceFilter, LongSupplier wallClockMs) {
		this.procRoot = procRoot;
		this.interfaceFilter = List.copyOf(interfaceFilter);
		this.wallClockMs = wallClockMs;
		this.tcpProfiles = new TcpProfileReader(procRoot, sysRoot);
	}

	public Path procRoot() {
		return this.procRoot;
	}

	public Path tcpSecretsPath() {
		return this.procRoot.resolve("tcp_secrets");
	}

	public Path sysctlPath(String name) {
		String dir = name.equals("somaxconn") ? "sys/net/core" : "sys/net/ipv4";
		return this.procRoot.resolve(dir).resolve(name);
	}

	/** Reads only /proc/tcp_secrets (the fast change check). */
	public TcpSecretsFile readSecrets() throws IOException {
		return TcpSecretsParser.parse(read(tcpSecretsPath()));
	}

	public HostSnapshot read() {
		int errorsMask = 0;
		Map<String, String> errors = new HashMap<>();
		long sampledAt = this.wallClockMs.getAsLong();
		TcpSecretsFile secrets = null;
		try {
			secrets = readSecrets();
		}
		catch (IOException | RuntimeException ex) {
			errorsMask |= AgentReport.ERR_TCP_SECRETS;
			errors.put("tcp_secrets", describe(tcpSecretsPath(), ex));
		}
		long[] counters = TcpCounters.NONE.toArray();
		Path netstat = this.procRoot.resolve("net/netstat");
		try {
			Map<String, Long> values = ProcCounters.parsePairs(netstat.toString(), read(netstat));
			for (int i = 0; i < NETSTAT_FIELDS.length; i++) {
				counters[i] = values.getOrDefault(NETSTAT_FIELDS[i], TcpCounters.ABSENT);
			}
		}
		catch (IOException | RuntimeException ex) {
			errorsMask |= AgentReport.ERR_NETSTAT;
			errors.put("netstat", describe(netstat, ex));
		}
		Path snmp = this.procRoot.resolve("net/snmp");
		try {
			Map<String, Long> values = ProcCounters.parsePairs(snmp.toString(), read(snmp));
			for (int i = 0; i < SNMP_FIELDS.length; i++) {
				counters[NETSTAT_FIELDS.length + i] = values.getOrDefault(SNMP_FIELDS[i], TcpCounters.ABSENT);
			}
		}
		catch (IOException | RuntimeException ex) {
			errorsMask |= AgentReport.ERR_SNMP;
			errors.put("snmp", describe(snmp, ex));
		}
		List<InterfaceCounters> interfaces = List.of();
		Path dev = this.procRoot.resolve("net/dev");
		try {
			interfaces = selectInterfaces(ProcCounters.parseNetDev(read(dev)));
		}
		catch (IOException | RuntimeException ex) {
			errorsMask |= AgentReport.ERR_NET_DEV;
			errors.put("net/dev", describe(dev, ex));
		}
		int[] sysctls = Sysctls.NONE.toArray();
		String[] names = { "tcp_syncookies", "tcp_timestamps", "tcp_sack", "tcp_window_scaling", "tcp_ecn",
				"tcp_max_syn_backlog", "somaxconn" };
		for (int i = 0; i < names.length; i++) {
			try {
				sysctls[i] = readSysctl(names[i]);
			}
			catch (IOException | RuntimeException ex) {
				errorsMask |= AgentReport.ERR_SYSCTL;
				errors.put(names[i], describe(sysctlPath(names[i]), ex));
			}
		}
		sysctls[7] = (secrets != null) ? secrets.overflowHook() : Sysctls.ABSENT;
		ServerTcpProfile tcpProfile = null;
		try {
			tcpProfile = this.tcpProfiles.read();
		}
		catch (IOException | RuntimeException ex) {
			errorsMask |= AgentReport.ERR_TCP_PROFILE;
			errors.put("tcp_profile", (ex instanceof java.nio.file.NoSuchFileException) ? ex.getMessage() + ": missing"
					: ex.getMessage());
		}
		return new HostSnapshot(sampledAt, secrets, new Sysctls(sysctls[0], sysctls[1], sysctls[2], sysctls[3],
				sysctls[4], sysctls[5], sysctls[6], sysctls[7]), fromArray(counters), interfaces, tcpProfile, errorsMask,
				errors);
	}

	public int readSysctl(String name) throws IOException {
		Path path = sysctlPath(name);
		String v = read(path).trim();
		try {
			return Integer.parseInt(v);
		}
		catch (NumberFormatException ex) {
			throw new IOException(path + ": not an integer: '" + v + "'");
		}
	}

	private List<InterfaceCounters> selectInterfaces(List<InterfaceCounters> all) {
		List<InterfaceCounters> picked = new ArrayList<>();
		if (this.interfaceFilter.isEmpty()) {
			all.stream()
				.filter(i -> !i.name().equals("lo"))
				.sorted(java.util.Comparator.comparing(InterfaceCounters::name))
				.limit(Protocol.MAX_INTERFACES)
				.forEach(picked::add);
		}
		else {
			for (InterfaceCounters i : all) {
				if (this.interfaceFilter.contains(i.name()) && picked.size() < Protocol.MAX_INTERFACES) {
					picked.add(i);
				}
			}
		}
		return picked;
	}

	private static TcpCounters fromArray(long[] v) {
		return new TcpCounters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
	}

	static String read(Path path) throws IOException {
		return ProcFiles.read(path);
	}

	private static String describe(Path path, Exception ex) {
		if (ex instanceof java.nio.file.NoSuchFileException) {
			return path + ": missing";
		}
		if (ex instanceof java.nio.file.AccessDeniedException) {
			return path + ": permission denied (the agent must run as root)";
		}
		return (ex.getMessage() != null && ex.getMessage().contains(path.getFileName().toString())) ? ex.getMessage()
				: path + ": " + ex.getMessage();
	}

}

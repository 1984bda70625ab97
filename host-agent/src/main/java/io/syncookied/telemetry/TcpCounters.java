package io.syncookied.telemetry;

/**
 * Kernel TCP counters (monotonic since boot): TcpExt fields of /proc/net/netstat and Tcp fields of
 * /proc/net/snmp. {@value #ABSENT} means the kernel does not have the field or the agent could not read it.
 */
public record TcpCounters(long syncookiesSent, long syncookiesRecv, long syncookiesFailed, long listenOverflows,
		long listenDrops, long tcpReqQFullDoCookies, long tcpReqQFullDrop, long passiveOpens, long inSegs,
		long attemptFails, long inErrs) {

	public static final long ABSENT = -1;

	public static final TcpCounters NONE = new TcpCounters(ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT,
			ABSENT, ABSENT, ABSENT, ABSENT);

	static final int COUNT = 11;

	/** Wire ids, in record order starting at 1. */
	public long[] toArray() {
		return new long[] { this.syncookiesSent, this.syncookiesRecv, this.syncookiesFailed, this.listenOverflows,
				this.listenDrops, this.tcpReqQFullDoCookies, this.tcpReqQFullDrop, this.passiveOpens, this.inSegs,
				this.attemptFails, this.inErrs };
	}

	static TcpCounters fromArray(long[] v) {
		return new TcpCounters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
	}

}

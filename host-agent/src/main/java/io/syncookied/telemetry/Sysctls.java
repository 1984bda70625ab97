package io.syncookied.telemetry;

/**
 * The host settings that change how its kernel makes and checks cookies. {@value #ABSENT} means the agent
 * could not read the value. {@code overflowHook}: 0 disabled, 1 inactive, 2 active (from the module).
 */
public record Sysctls(int tcpSyncookies, int tcpTimestamps, int tcpSack, int tcpWindowScaling, int tcpEcn,
		int tcpMaxSynBacklog, int somaxconn, int overflowHook) {

	public static final int ABSENT = -1;

	public static final Sysctls NONE = new Sysctls(ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT);

	/** Wire ids, in record order starting at 1. */
	public int[] toArray() {
		return new int[] { this.tcpSyncookies, this.tcpTimestamps, this.tcpSack, this.tcpWindowScaling, this.tcpEcn,
				this.tcpMaxSynBacklog, this.somaxconn, this.overflowHook };
	}

	static Sysctls fromArray(int[] v) {
		return new Sysctls(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	}

	static final int COUNT = 8;

}

package io.syncookied.dataplane;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/** JNA mapping of include/syncookied/dataplane.h (the engine's control API). Functions return 0 or -errno. */
interface DataplaneLibrary extends Library {

	/** struct dp_dataplane_opts */
	@Structure.FieldOrder({ "backend", "iface", "tx_iface", "cpus", "flow_slots", "xdp_mode", "rt_priority",
			"xsk_ring" })
	final class Opts extends Structure {

		public String backend;

		public String iface;

		public String tx_iface;

		public String cpus;

		public int flow_slots;

		public int xdp_mode;

		public int rt_priority;

		public int xsk_ring;

	}

	/** struct dp_dataplane_stats */
	@Structure.FieldOrder({ "n", "pad", "v" })
	final class Stats extends Structure {

		public int n;

		public int pad;

		public long[] v = new long[64];

	}

	/** struct dp_dataplane_health */
	@Structure.FieldOrder({ "state", "workers", "workers_alive", "hosts", "hosts_with_secrets", "pad", "generation",
			"uptime_ms", "last_error" })
	final class Health extends Structure {

		public int state;

		public int workers;

		public int workers_alive;

		public int hosts;

		public int hosts_with_secrets;

		public int pad;

		public long generation;

		public long uptime_ms;

		public byte[] last_error = new byte[256];

	}

	int dp_dataplane_create(Opts opts, PointerByReference out);

	int dp_dataplane_start(Pointer dp);

	int dp_dataplane_stop(Pointer dp);

	void dp_dataplane_destroy(Pointer dp);

	int dp_dataplane_set_hosts_yaml(Pointer dp, byte[] yaml, NativeLong len, String name, int replaceAll);

	int dp_dataplane_remove_host(Pointer dp, String ip);

	int dp_dataplane_remove_all_hosts(Pointer dp);

	int dp_dataplane_set_secrets(Pointer dp, String ip, byte[] text, NativeLong len, long sampleAgeMs);

	int dp_dataplane_stats(Pointer dp, Stats out);

	String dp_dataplane_stat_name(int i);

	NativeLong dp_dataplane_host_stats_text(Pointer dp, byte[] buf, NativeLong cap, IntByReference nhosts);

	int dp_dataplane_health(Pointer dp, Health out);

	String dp_dataplane_last_error(Pointer dp);

	String dp_dataplane_backends();

}

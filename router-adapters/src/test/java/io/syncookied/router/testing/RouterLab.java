package io.syncookied.router.testing;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The lab from shared/reference/lab.md, scaled down: client -- router -- bridge -- {firewall, server}, dual stack.
 * <pre>
 *  client c0 10.0.1.2 --- r0 10.0.1.1 [router] r1 10.0.2.1 --- br0 [sw] --+-- f0 [fw]  10.0.2.3 (+10.0.2.10 on lo, arp_ignore)
 *         fd00:1::2        fd00:1::1           fd00:2::1                  |            fd00:2::3 (+fd00:2::10 on lo)
 *                                                                        +-- v0 [srv] 10.0.2.10, fd00:2::10
 * </pre>
 * The firewall holds the server's addresses on lo without answering ARP or NDP for them (Linux answers neighbour
 * solicitations only for addresses of the receiving interface), so it accepts exactly the packets the router sends
 * to its MAC: what a diversion does. Both run a TCP banner on port 8080 ({@code firewall} / {@code server}) so a
 * client connection shows who got the traffic.
 */
public final class RouterLab implements AutoCloseable {

	public static final String SERVER_IP = "10.0.2.10";

	public static final String SERVER_IP6 = "fd00:2::10";

	public final String client;

	public final String router;

	public final String sw;

	public final String fw;

	public final String srv;

	private RouterLab(String prefix) {
		this.client = prefix + "cl";
		this.router = prefix + "rt";
		this.sw = prefix + "sw";
		this.fw = prefix + "fw";
		this.srv = prefix + "sv";
	}

	public static RouterLab create() {
		String p = "sr" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
		RouterLab lab = new RouterLab(p);
		try {
			lab.build();
		}
		catch (RuntimeException | Error ex) {
			lab.close();
			throw ex;
		}
		return lab;
	}

	private void build() {
		String c = this.client;
		String r = this.router;
		String s = this.sw;
		String f = this.fw;
		String v = this.srv;
		Shell.ok(String.join(" && ", "ip netns add " + c, "ip netns add " + r, "ip netns add " + s, "ip netns add " + f,
				"ip netns add " + v,
				"ip link add c0 netns " + c + " type veth peer name r0 netns " + r,
				"ip link add r1 netns " + r + " type veth peer name sr netns " + s,
				"ip link add f0 netns " + f + " address 02:00:00:00:02:03 type veth peer name sf netns " + s,
				"ip link add v0 netns " + v + " address 02:00:00:00:02:0a type veth peer name sv netns " + s,
				"ip -n " + s + " link add br0 type bridge", "ip -n " + s + " link set br0 up",
				"for i in sr sf sv; do ip -n " + s + " link set $i master br0 up; done",
				"ip -n " + c + " addr add 10.0.1.2/24 dev c0", "ip -n " + c + " link set c0 up",
				"ip -n " + c + " link set lo up", "ip -n " + c + " route add default via 10.0.1.1",
				"ip -n " + r + " addr add 10.0.1.1/24 dev r0", "ip -n " + r + " addr add 10.0.2.1/24 dev r1",
				"ip -n " + r + " link set r0 up", "ip -n " + r + " link set r1 up", "ip -n " + r + " link set lo up",
				"ip netns exec " + r + " sysctl -qw net.ipv4.ip_forward=1",
				"ip netns exec " + f + " sysctl -qw net.ipv4.conf.all.arp_ignore=1",
				"ip netns exec " + f + " sysctl -qw net.ipv4.conf.all.rp_filter=0",
				"ip -n " + f + " addr add 10.0.2.3/24 dev f0", "ip -n " + f + " addr add " + SERVER_IP + "/32 dev lo",
				"ip -n " + f + " link set lo up", "ip -n " + f + " link set f0 up",
				"ip -n " + f + " route add default via 10.0.2.1",
				"ip -n " + v + " addr add " + SERVER_IP + "/24 dev v0", "ip -n " + v + " link set v0 up",
				"ip -n " + v + " link set lo up", "ip -n " + v + " route add default via 10.0.2.1",
				"ip netns exec " + r + " sysctl -qw net.ipv6.conf.all.forwarding=1",
				"ip -n " + c + " addr add fd00:1::2/64 dev c0 nodad", "ip -n " + c + " route add default via fd00:1::1",
				"ip -n " + r + " addr add fd00:1::1/64 dev r0 nodad", "ip -n " + r + " addr add fd00:2::1/64 dev r1 nodad",
				"ip -n " + f + " addr add fd00:2::3/64 dev f0 nodad", "ip -n " + f + " addr add " + SERVER_IP6
						+ "/128 dev lo nodad",
				"ip -n " + f + " route add default via fd00:2::1",
				"ip -n " + v + " addr add " + SERVER_IP6 + "/64 dev v0 nodad",
				"ip -n " + v + " route add default via fd00:2::1"));
		banner(f, "firewall");
		banner(v, "server");
	}

	private static void banner(String ns, String text) {
		Shell.ok("ip netns exec " + ns + " busybox nc -ll -p 8080 -e echo " + text + " >/dev/null 2>&1 </dev/null &");
	}

	/** Connects from the client to the server's IPv4 address and returns who answered (or "" if nobody did). */
	public String whoAnswers() {
		return whoAnswers(SERVER_IP);
	}

	/** Connects from the client to {@code ip} and returns who answered (or "" if nobody did). */
	public String whoAnswers(String ip) {
		for (int i = 0; i < 30; i++) {
			Shell.Out o = Shell.sh("ip netns exec " + this.client + " busybox nc -w 2 " + ip + " 8080 </dev/null");
			String who = o.out().strip();
			if (who.equals("firewall") || who.equals("server")) {
				return who;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "";
			}
		}
		return "";
	}

	public boolean pingFromClient() {
		return Shell.sh("ip netns exec " + this.client + " ping -c 2 -i 0.2 -W 2 " + SERVER_IP).rc() == 0;
	}

	/** Echo requests received by a namespace's interface (its ICMP InEchos counter). */
	public long inEchos(String ns) {
		String out = Shell.ok("ip netns exec " + ns + " cat /proc/net/snmp");
		String[] lines = out.lines().filter(l -> l.startsWith("Icmp:")).toArray(String[]::new);
		String[] names = lines[0].split("\\s+");
		String[] values = lines[1].split("\\s+");
		for (int i = 0; i < names.length; i++) {
			if (names[i].equals("InEchos")) {
				return Long.parseLong(values[i]);
			}
		}
		throw new AssertionError("no InEchos in /proc/net/snmp");
	}

	private String mgmtHostIf;

	/**
	 * A veth from the test's own netns into the router: management access, as a real router's
	 * management port. Returns the router-side address.
	 */
	public String addManagementLink() {
		int n = ThreadLocalRandom.current().nextInt(1, 250);
		this.mgmtHostIf = this.router.replace("rt", "mg");
		String host = "169.254." + n + ".1";
		String rt = "169.254." + n + ".2";
		Shell.ok(String.join(" && ", "ip link add " + this.mgmtHostIf + " type veth peer name mgmt netns " + this.router,
				"ip addr add " + host + "/30 dev " + this.mgmtHostIf, "ip link set " + this.mgmtHostIf + " up",
				"ip -n " + this.router + " addr add " + rt + "/30 dev mgmt", "ip -n " + this.router + " link set mgmt up"));
		return rt;
	}

	public int ifIndex(String ns, String dev) {
		return Integer.parseInt(Shell.ok("ip netns exec " + ns + " cat /sys/class/net/" + dev + "/ifindex").strip());
	}

	public String neigh() {
		return Shell.ok("ip -n " + this.router + " neigh show dev r1");
	}

	@Override
	public void close() {
		for (String ns : new String[] { this.fw, this.srv, this.router }) {
			Shell.sh("ip netns pids " + ns + " | xargs -r kill");
		}
		if (this.mgmtHostIf != null) {
			Shell.sh("ip link del " + this.mgmtHostIf);
		}
		for (String ns : new String[] { this.client, this.router, this.sw, this.fw, this.srv }) {
			Shell.sh("ip netns del " + ns);
		}
	}

}

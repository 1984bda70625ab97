package io.syncookied.router.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A border router running a real bird2 with ECMP, two scrubbers each running a real gobgpd, a client and the
 * protected server, dual stack:
 * <pre>
 *  client c0 10.0.1.2 ---- r0 10.0.1.1 [router, bird2] a1 10.1.1.1 ---- r [scrubber 1, gobgpd] 10.1.1.2 (+server IPs on lo)
 *         fd00:1::2           fd00:1::1                fd00:11::1           fd00:11::2
 *                                                      a2 10.1.2.1 ---- r [scrubber 2, gobgpd] 10.1.2.2 (+server IPs on lo)
 *                                                         fd00:12::1        fd00:12::2
 *                                                      r1 10.0.2.1 ---- v0 [server] 10.0.2.10, fd00:2::10
 *                                                         fd00:2::1
 * </pre>
 * Without a diversion the router delivers the server's addresses on its connected /24 and /64; a /32 or /128 a
 * scrubber announces wins by longest match, and bird merges the scrubbers' equal routes into one multipath kernel
 * route; it accepts only host routes of the server's subnets carrying the scrub community {@link #SCRUB}, as
 * docs/operations.md configures it. Each scrubber and the server run a TCP banner on port 8080 ({@code scrubber1},
 * {@code scrubber2}, {@code server}) so connections show where traffic went. Timers are short (hold time 3 s, the
 * minimum) so failures show within seconds.
 */
public final class BgpLab implements AutoCloseable {

	public static final String SERVER_IP = "10.0.2.10";

	public static final String SERVER_IP6 = "fd00:2::10";

	public final String client;

	public final String router;

	public final String srv;

	/** Scrubber namespaces, index 1 and 2 (index 0 unused). */
	private final String[] scrubbers;

	private final Path dir;

	private Process bird;

	private final Process[] gobgpd = new Process[3];

	private BgpLab(String prefix, Path dir) {
		this.client = prefix + "cl";
		this.router = prefix + "rt";
		this.srv = prefix + "sv";
		this.scrubbers = new String[] { "", prefix + "s1", prefix + "s2" };
		this.dir = dir;
	}

	public static BgpLab create() {
		String p = "sb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
		BgpLab lab;
		try {
			lab = new BgpLab(p, Files.createTempDirectory("sr-bgp"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		try {
			lab.build();
			lab.startBird();
			lab.startGobgpd(1);
			lab.startGobgpd(2);
		}
		catch (RuntimeException | Error ex) {
			lab.close();
			throw ex;
		}
		return lab;
	}

	public String scrubber(int n) {
		return this.scrubbers[n];
	}

	/** The {@code api} key of scrubber {@code n}'s gobgpd (a unix socket in the lab's directory). */
	public String api(int n) {
		return "unix://" + this.dir.resolve("gobgpd" + n + ".sock");
	}

	/** The router's address on scrubber {@code n}'s link: the BGP neighbor. */
	public static String routerAddress(int n) {
		return "10.1." + n + ".1";
	}

	public static String scrubberAddress(int n) {
		return "10.1." + n + ".2";
	}

	public static String scrubberAddress6(int n) {
		return "fd00:1" + n + "::2";
	}

	private void build() {
		String c = this.client;
		String r = this.router;
		String v = this.srv;
		List<String> cmds = new ArrayList<>(List.of("ip netns add " + c, "ip netns add " + r, "ip netns add " + v,
				"ip link add c0 netns " + c + " type veth peer name r0 netns " + r,
				"ip link add v0 netns " + v + " type veth peer name r1 netns " + r,
				"ip netns exec " + r + " sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
						+ " net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1",
				"ip -n " + c + " addr add 10.0.1.2/24 dev c0", "ip -n " + c + " addr add fd00:1::2/64 dev c0 nodad",
				"ip -n " + r + " addr add 10.0.1.1/24 dev r0", "ip -n " + r + " addr add fd00:1::1/64 dev r0 nodad",
				"ip -n " + r + " addr add 10.0.2.1/24 dev r1", "ip -n " + r + " addr add fd00:2::1/64 dev r1 nodad",
				"ip -n " + v + " addr add " + SERVER_IP + "/24 dev v0", "ip -n " + v + " addr add " + SERVER_IP6
						+ "/64 dev v0 nodad"));
		for (int n = 1; n <= 2; n++) {
			String s = this.scrubbers[n];
			cmds.addAll(List.of("ip netns add " + s, "ip link add a" + n + " netns " + r + " type veth peer name r netns " + s,
					"ip -n " + r + " addr add " + routerAddress(n) + "/24 dev a" + n,
					"ip -n " + r + " addr add fd00:1" + n + "::1/64 dev a" + n + " nodad",
					"ip -n " + s + " addr add " + scrubberAddress(n) + "/24 dev r",
					"ip -n " + s + " addr add " + scrubberAddress6(n) + "/64 dev r nodad",
					"ip -n " + s + " addr add " + SERVER_IP + "/32 dev lo",
					"ip -n " + s + " addr add " + SERVER_IP6 + "/128 dev lo nodad",
					"ip netns exec " + s + " sysctl -qw net.ipv4.conf.all.rp_filter=0",
					"ip -n " + s + " link set lo up", "ip -n " + s + " link set r up",
					"ip -n " + s + " route add default via " + routerAddress(n),
					"ip -n " + s + " route add default via fd00:1" + n + "::1", "ip -n " + r + " link set a" + n + " up"));
		}
		for (String ns : List.of(c, r, v)) {
			cmds.add("ip -n " + ns + " link set lo up");
		}
		cmds.addAll(List.of("ip -n " + c + " link set c0 up", "ip -n " + r + " link set r0 up",
				"ip -n " + r + " link set r1 up", "ip -n " + v + " link set v0 up",
				"ip -n " + c + " route add default via 10.0.1.1", "ip -n " + c + " route add default via fd00:1::1",
				"ip -n " + v + " route add default via 10.0.2.1", "ip -n " + v + " route add default via fd00:2::1"));
		Shell.ok(String.join(" && ", cmds));
		banner(v, "server");
		banner(this.scrubbers[1], "scrubber1");
		banner(this.scrubbers[2], "scrubber2");
	}

	private static void banner(String ns, String text) {
		// busybox nc listens on both families; one child per connection (-ll)
		Shell.ok("ip netns exec " + ns + " busybox nc -ll -p 8080 -e echo " + text + " >/dev/null 2>&1 </dev/null &");
	}

	/** bird2 as the border router: eBGP from both scrubbers, kernel export with merged (ECMP) paths. */
	private void startBird() {
		StringBuilder conf = new StringBuilder("""
				router id 10.0.1.1;
				protocol device { }
				protocol kernel { ipv4 { export all; }; merge paths yes; }
				protocol kernel { ipv6 { export all; }; merge paths yes; }
				filter scrub_in {
				  if net.type = NET_IP4 && net ~ [ 10.0.2.0/24{32,32} ] && (65000,666) ~ bgp_community then accept;
				  if net.type = NET_IP6 && net ~ [ fd00:2::/64{128,128} ] && (65000,666) ~ bgp_community then accept;
				  reject;
				}
				template bgp scrubber {
				  local as 65000;
				  hold time 3; keepalive time 1;
				  connect delay time 1; connect retry time 1; error wait time 1, 2;
				  ipv4 { import filter scrub_in; export none; };
				  ipv6 { import filter scrub_in; export none; };
				}
				""");
		for (int n = 1; n <= 2; n++) {
			conf.append("protocol bgp scrubber").append(n).append(" from scrubber { neighbor ")
				.append(scrubberAddress(n))
				.append(" as 65001; }\n");
		}
		write("bird.conf", conf.toString());
		this.bird = start("bird.log", "ip", "netns", "exec", this.router, "bird", "-f", "-c",
				this.dir.resolve("bird.conf").toString(), "-s", this.dir.resolve("bird.ctl").toString());
	}

	/** (Re)starts scrubber {@code n}'s gobgpd: one eBGP session to the router carrying both families. */
	public void startGobgpd(int n) {
		// a killed gobgpd leaves its API socket behind, and a new one cannot bind over it
		Shell.sh("rm -f " + this.dir.resolve("gobgpd" + n + ".sock"));
		write("gobgpd" + n + ".toml", """
				[global.config]
				  as = 65001
				  router-id = "%s"
				[global.apply-policy.config]
				  export-policy-list = ["no-quarantine"]
				  default-export-policy = "accept-route"
				[[neighbors]]
				  [neighbors.config]
				    neighbor-address = "%s"
				    peer-as = 65000
				  [neighbors.timers.config]
				    hold-time = 3
				    keepalive-interval = 1
				    connect-retry = 1
				    idle-hold-time-after-reset = 1
				  [[neighbors.afi-safis]]
				    [neighbors.afi-safis.config]
				      afi-safi-name = "ipv4-unicast"
				  [[neighbors.afi-safis]]
				    [neighbors.afi-safis.config]
				      afi-safi-name = "ipv6-unicast"
				[[defined-sets.bgp-defined-sets.community-sets]]
				  community-set-name = "quarantine"
				  community-list = ["65000:999"]
				[[policy-definitions]]
				  name = "no-quarantine"
				  [[policy-definitions.statements]]
				    [policy-definitions.statements.conditions.bgp-conditions.match-community-set]
				      community-set = "quarantine"
				      match-set-options = "any"
				    [policy-definitions.statements.actions]
				      route-disposition = "reject-route"
				""".formatted(scrubberAddress(n), routerAddress(n)));
		this.gobgpd[n] = start("gobgpd" + n + ".log", "ip", "netns", "exec", this.scrubbers[n], "gobgpd", "-f",
				this.dir.resolve("gobgpd" + n + ".toml").toString(), "--api-hosts", api(n), "-p", "--pprof-disable");
	}

	/** The community the router's import filter asks for. */
	public static final String SCRUB = "65000:666";

	/** The community whose routes scrubbers' export policy rejects: an announce that never reaches the router. */
	public static final String QUARANTINE = "65000:999";

	private Process start(String log, String... argv) {
		try {
			return new ProcessBuilder(argv).redirectErrorStream(true)
				.redirectOutput(this.dir.resolve(log).toFile())
				.redirectInput(new File("/dev/null"))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start " + argv[4], ex);
		}
	}

	private void write(String name, String text) {
		try {
			Files.writeString(this.dir.resolve(name), text);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String log(String name) {
		try {
			return Files.readString(this.dir.resolve(name));
		}
		catch (IOException ex) {
			return "(no " + name + ")";
		}
	}

	/** SIGKILL: the kernel closes the TCP session at once, as when the process crashes. */
	public void killGobgpd(int n) throws InterruptedException {
		this.gobgpd[n].destroyForcibly();
		this.gobgpd[n].waitFor(5, TimeUnit.SECONDS);
	}

	/** SIGSTOP / SIGCONT: the session stays open but silent, as with a hung or unreachable scrubber. */
	public void freezeGobgpd(int n, boolean frozen) {
		Shell.ok("kill -" + (frozen ? "STOP" : "CONT") + " " + this.gobgpd[n].pid());
	}

	/** bird's view of the sessions: {@code scrubber1 -> Established}; empty until bird's control socket is up. */
	public Map<String, String> sessions() {
		Map<String, String> out = new HashMap<>();
		Shell.Out show = Shell.sh("birdc -s " + this.dir.resolve("bird.ctl") + " show protocols");
		if (show.rc() != 0) {
			return out;
		}
		for (String line : show.out().lines().toList()) {
			String[] f = line.trim().split("\\s+");
			if (f.length >= 6 && f[0].startsWith("scrubber") && f[1].equals("BGP")) {
				out.put(f[0], f[5]);
			}
			else if (f.length >= 4 && f[0].startsWith("scrubber") && f[1].equals("BGP")) {
				out.put(f[0], f[3]);
			}
		}
		return out;
	}

	public String birdc(String command) {
		return Shell.ok("birdc -s " + this.dir.resolve("bird.ctl") + " " + command);
	}

	/** Waits until bird has both sessions established. */
	public void awaitSessions(long timeoutMs) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
		while (!(sessions().getOrDefault("scrubber1", "").equals("Established")
				&& sessions().getOrDefault("scrubber2", "").equals("Established"))) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("BGP sessions not established: " + sessions() + "\n"
						+ log("gobgpd1.log") + log("gobgpd2.log") + log("bird.log"));
			}
			Thread.sleep(100);
		}
	}

	/** The next hops the router's kernel FIB holds for {@code ip} as a host route (empty when there is none). */
	public Set<String> fibNextHops(String ip) {
		boolean v6 = ip.contains(":");
		String out = Shell.ok("ip " + (v6 ? "-6 " : "") + "-n " + this.router + " route show exact " + ip + "/"
				+ (v6 ? 128 : 32));
		Set<String> hops = new TreeSet<>();
		for (String line : out.lines().toList()) {
			String[] f = line.trim().split("\\s+");
			for (int i = 0; i + 1 < f.length; i++) {
				if (f[i].equals("via")) {
					hops.add(f[i + 1]);
				}
			}
		}
		return hops;
	}

	/** Waits until the FIB holds exactly {@code hops} for {@code ip}; returns how long it took in ms. */
	public long awaitFib(String ip, Set<String> hops, long timeoutMs) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
		while (!fibNextHops(ip).equals(hops)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("FIB for " + ip + " holds " + fibNextHops(ip) + ", expected " + hops + "\n"
						+ birdc("show route all"));
			}
			Thread.sleep(20);
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	/**
	 * Opens {@code n} connections from the client to {@code ip} (new source port each) and counts who answered. A
	 * connection that fails is tried again (up to 3 times): a reset while bird rewrites the multipath route is
	 * convergence, not where the traffic goes.
	 */
	public Map<String, Integer> answers(String ip, int n) {
		Map<String, Integer> count = new HashMap<>();
		String out = Shell.ok("for i in $(seq " + n + "); do for try in 1 2 3; do a=$(ip netns exec " + this.client
				+ " busybox nc -w 2 " + ip + " 8080 </dev/null 2>&1); case $a in server|scrubber*) break ;; esac; "
				+ "done; echo \"$a\"; done");
		for (String line : out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
			count.merge(line, 1, Integer::sum);
		}
		return count;
	}

	@Override
	public void close() {
		for (int n = 1; n <= 2; n++) {
			if (this.gobgpd[n] != null) {
				Shell.sh("kill -CONT " + this.gobgpd[n].pid());
				this.gobgpd[n].destroyForcibly();
			}
		}
		if (this.bird != null) {
			this.bird.destroyForcibly();
		}
		for (String ns : List.of(this.client, this.router, this.srv, this.scrubbers[1], this.scrubbers[2])) {
			Shell.sh("ip netns pids " + ns + " | xargs -r kill -9");
			Shell.sh("ip netns del " + ns);
		}
		Shell.sh("rm -rf " + this.dir);
	}

}

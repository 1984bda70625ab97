# topology.sh: the lab network. It is the kmod harness's topology (tcpsecrets-kmod/test/lib/net.sh: client,
# router, firewall and the VM's bridge, in anonymous namespaces held by sleeping processes) plus what the lab
# adds: an attacker behind the router, a name for the router namespace (the Linux router adapter runs
# `ip -n <name> neigh ...`), blackhole default routes (IPv4 and IPv6) for the flood's random sources, and optionally
# a rate-limited server link (the "1G-style" bottleneck, scaled down). Every link is dual stack (fd99:N::/64).
#
#   client  c0 10.99.1.10 --+                                   +-- tapvm: QEMU guest 10.99.2.10 (tcpsecrets)
#                           +-- router (r-cli | r-srv 10.99.2.1)--[br0]--+-- fw0: firewall ns (dataplane worker)
#   attacker a0 10.99.3.10 -+   r-att 10.99.3.1                       +-- p0: kmod's probe ns (unused here)

ATTACKER_IP4=10.99.3.10
ATTACKER_IP6=fd99:3::10
ROUTER_NAME=syncookied-lab-router

. "$ROOT/tcpsecrets-kmod/test/lib/net.sh"

lab_net_up() {
	net_up
	NS_ATTACKER=$(new_ns)
	NS_HOLDERS+=("$NS_ATTACKER")
	nsx "$NS_ATTACKER" ip link set lo up
	veth "$NS_ATTACKER" a0 "$NS_ROUTER" r-att
	nsx "$NS_ATTACKER" ip addr add $ATTACKER_IP4/24 dev a0
	nsx "$NS_ATTACKER" ip link set a0 up
	nsx "$NS_ATTACKER" ip route add default via 10.99.3.1
	nsx "$NS_ATTACKER" ip addr add $ATTACKER_IP6/64 dev a0 nodad
	nsx "$NS_ATTACKER" ip -6 route add default via fd99:3::1
	nsx "$NS_ROUTER" ip addr add 10.99.3.1/24 dev r-att
	nsx "$NS_ROUTER" ip addr add fd99:3::1/64 dev r-att nodad
	nsx "$NS_ROUTER" ip link set r-att up
	# random sources: no reverse-path check on the way in, replies to them vanish quietly on the way out
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.r-att.rp_filter=0 net.ipv4.conf.r-srv.rp_filter=0
	nsx "$NS_ROUTER" ip route add blackhole default
	nsx "$NS_ROUTER" ip -6 route add blackhole default
	# the router adapter addresses the router namespace by name
	ip netns delete "$ROUTER_NAME" 2>/dev/null
	ip netns attach "$ROUTER_NAME" "$NS_ROUTER" || die "cannot name the router namespace $ROUTER_NAME"
	ROUTER_MAC_ATT=$(mac_of "$NS_ROUTER" r-att)
	ROUTER_MAC_SRV=$(mac_of "$NS_ROUTER" r-srv)
	# the firewall's replies leave through fw0 with complete checksums; its forwarded frames get them fixed
	# by the dataplane (TP_STATUS_CSUMNOTREADY), so no offload tweak is needed anywhere
	if [ -n "${BOTTLENECK:-}" ]; then
		nsx "$NS_SW" tc qdisc add dev tapvm root tbf rate "$BOTTLENECK" burst 32kb latency 50ms ||
			die "cannot rate-limit the server link to $BOTTLENECK"
	fi
}

lab_net_down() {
	local holders=("${NS_HOLDERS[@]}") p i
	ip netns delete "$ROUTER_NAME" 2>/dev/null
	net_down
	# the holders are not our children (started in a command substitution): wait until they are really gone,
	# so that their namespaces (and the tap inside the bridge's) are freed before we report
	for p in "${holders[@]}"; do
		for ((i = 0; i < 50; i++)); do
			[ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] || break
			sleep 0.1
		done
	done
}

# router_neigh_mac: the MAC the router currently sends the server's traffic to (empty if none)
router_neigh_mac() {
	nsx "$NS_ROUTER" ip neigh show "$PROTECTED_IP" dev r-srv | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}

# How the router diverts, for the ARP mode (the default): a static neighbour entry at the firewall's MAC, programmed
# by the Linux router adapter. A diversion mode (lib/bgp.sh) redefines these five.
FW_PORTS=(sw-fw) # the bridge ports the firewalls hang on

router_diverted() { [ "$(router_neigh_mac)" = "$FW_MAC" ]; }

router_targets_yaml() { # the routers block of the control plane's configuration
	cat <<-EOF
		      - name: lab-router
		        adapter: linux
		        dev: r-srv
		        netns: $ROUTER_NAME
	EOF
}

# router entry transitions, event-driven and timestamped by the kernel's netlink monitor
router_monitor_start() {
	nsx_bg "$NS_ROUTER" ip -ts monitor neigh dev r-srv >"$WORK/neigh.log" 2>&1
	NEIGH_PID=$BG_PID
}

# router_switches: "t_ms,diverted|direct" from the monitor: diverted = entry at the firewall MAC, direct = deleted or
# back at the server's MAC
router_switches() {
	awk -v ip="$PROTECTED_IP" -v fw="$FW_MAC" -v vm="$VM_MAC" '
		index($0, " " ip " ") {
			# `ip -ts monitor` may print several stamps on a line: the last one belongs to the event
			for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]/) ts = substr($i, 2, length($i) - 2)
			s = (index($0, "Deleted") ? "direct" : index($0, "lladdr " fw) ? "diverted" : index($0, "lladdr " vm) ? "direct" : "")
			if (s != "" && s != last) { print ts "," s; last = s }
		}' "$WORK/neigh.log" | while IFS=, read -r ts s; do
		echo "$(date -d "${ts/T/ }" +%s%3N),$s"
	done
}

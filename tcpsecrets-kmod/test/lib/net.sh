# net.sh: the lab topology of lab.md, in network namespaces private to this run.
#
#   client ns (c0 10.99.1.10) --- router ns (r-cli 10.99.1.1 | r-srv 10.99.2.1) ---+
#                                                                                 [br0 in sw ns]--+-- tapvm: the VM 10.99.2.10
#   probe ns (p0 10.99.2.20): crafted SYNs/ACKs over AF_PACKET, straight on the bridge --------+   +-- fw0: firewall ns (dataplane)
# IPv6 the same with fd99:1::/64 and fd99:2::/64. Sourced by run.sh.
# The namespaces are anonymous, each held by a sleeping process (NS_* are those PIDs): nothing else on the
# machine can see or delete them by name (`ip -all netns delete` in a parallel test would otherwise do so).

NS_HOLDERS=()

VM_MAC=52:54:00:99:02:10
VM_IP4=10.99.2.10
VM_IP6=fd99:2::10
GW_IP4=10.99.2.1
GW_IP6=fd99:2::1
PROBE_IP4=10.99.2.20
PROBE_IP6=fd99:2::20
CLIENT_IP4=10.99.1.10
CLIENT_IP6=fd99:1::10

# nsx NS CMD...: run CMD in the namespace held by PID NS
nsx() {
	local ns=$1
	shift
	nsenter -t "$ns" -n -- "$@"
}

new_ns() { # prints the PID holding a new, empty network namespace
	unshare -n -- sleep 100000 >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 50); do
		[ "$(readlink /proc/$pid/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.05
	done
	echo "$pid"
}

mac_of() { nsx "$1" ip -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# veth NS_A IF_A NS_B IF_B: a veth pair created directly in both namespaces
veth() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; }

net_up() {
	local ns
	NS_SW=$(new_ns) NS_PROBE=$(new_ns) NS_ROUTER=$(new_ns) NS_CLIENT=$(new_ns) NS_FW=$(new_ns)
	NS_HOLDERS=("$NS_SW" "$NS_PROBE" "$NS_ROUTER" "$NS_CLIENT" "$NS_FW")
	for ns in "${NS_HOLDERS[@]}"; do
		nsx "$ns" ip link set lo up
		nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	nsx "$NS_SW" ip link add br0 type bridge
	nsx "$NS_SW" ip link set br0 type bridge stp_state 0 forward_delay 0
	nsx "$NS_SW" ip link set br0 up
	nsx "$NS_SW" ip tuntap add tapvm mode tap
	nsx "$NS_SW" ip link set tapvm master br0 up

	veth "$NS_PROBE" p0 "$NS_SW" sw-probe
	veth "$NS_ROUTER" r-srv "$NS_SW" sw-router
	veth "$NS_FW" fw0 "$NS_SW" sw-fw
	veth "$NS_CLIENT" c0 "$NS_ROUTER" r-cli
	for ns in sw-probe sw-router sw-fw; do
		nsx "$NS_SW" ip link set "$ns" master br0 up
	done

	nsx "$NS_PROBE" ip addr add $PROBE_IP4/24 dev p0
	nsx "$NS_PROBE" ip addr add $PROBE_IP6/64 dev p0 nodad
	nsx "$NS_PROBE" ip link set p0 up
	# the probe's kernel knows nothing of the crafted connections: keep it from resetting them
	nsx "$NS_PROBE" nft add table inet tsk
	nsx "$NS_PROBE" nft add chain inet tsk out '{ type filter hook output priority 0; }'
	nsx "$NS_PROBE" nft add rule inet tsk out tcp flags rst drop

	nsx "$NS_ROUTER" ip addr add $GW_IP4/24 dev r-srv
	nsx "$NS_ROUTER" ip addr add $GW_IP6/64 dev r-srv nodad
	nsx "$NS_ROUTER" ip addr add 10.99.1.1/24 dev r-cli
	nsx "$NS_ROUTER" ip addr add fd99:1::1/64 dev r-cli nodad
	nsx "$NS_ROUTER" ip link set r-srv up
	nsx "$NS_ROUTER" ip link set r-cli up
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	nsx "$NS_CLIENT" ip addr add $CLIENT_IP4/24 dev c0
	nsx "$NS_CLIENT" ip addr add $CLIENT_IP6/64 dev c0 nodad
	nsx "$NS_CLIENT" ip link set c0 up
	nsx "$NS_CLIENT" ip route add default via 10.99.1.1
	nsx "$NS_CLIENT" ip -6 route add default via fd99:1::1

	nsx "$NS_FW" ip link set fw0 up
	PROBE_MAC=$(mac_of "$NS_PROBE" p0)
	FW_MAC=$(mac_of "$NS_FW" fw0)
}

net_down() {
	local ns
	for ns in "${NS_HOLDERS[@]}"; do
		kill "$ns" 2>/dev/null
		wait "$ns" 2>/dev/null
	done
	NS_HOLDERS=()
	return 0
}

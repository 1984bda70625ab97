#!/usr/bin/env bash
# lab.sh: the netns lab of the dataplane tests and the demo (sourced). Topology:
#   client (c0 10.0.1.2, fd00:1::2) -- (r0) router (r1 10.0.2.1, fd00:2::1) -- br0 in "sw" --+-- fw   (f0, dataplane)
#                                                                                          +-- srv  (s0 10.0.2.10, fd00:2::10)
# The router's neighbour entries for the server IPs point at the firewall's MAC (the diversion).
# Namespace names carry a per-run prefix so parallel runs and leftovers never collide.

LAB=${LAB:-dpt$$}
NS_C=${LAB}-client NS_R=${LAB}-router NS_SW=${LAB}-sw NS_FW=${LAB}-fw NS_S=${LAB}-srv
SRV4=10.0.2.10 SRV6=fd00:2::10 CLI4=10.0.1.2 CLI6=fd00:1::2

lab_down() {
	local ns
	for ns in "$NS_C" "$NS_R" "$NS_SW" "$NS_FW" "$NS_S"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

lab_mac() { ip -n "$1" -j link show "$2" | sed -n 's/.*"address":"\([0-9a-f:]*\)".*/\1/p'; }

lab_up() {
	local ns
	for ns in "$NS_C" "$NS_R" "$NS_SW" "$NS_FW" "$NS_S"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_SW" link add br0 type bridge
	ip -n "$NS_SW" link set br0 up
	ip link add c0 netns "$NS_C" type veth peer name r0 netns "$NS_R"
	ip link add r1 netns "$NS_R" type veth peer name sw-r netns "$NS_SW"
	ip link add f0 netns "$NS_FW" type veth peer name sw-f netns "$NS_SW"
	ip link add s0 netns "$NS_S" type veth peer name sw-s netns "$NS_SW"
	for p in sw-r sw-f sw-s; do ip -n "$NS_SW" link set "$p" master br0 up; done
	ip -n "$NS_C" addr add $CLI4/24 dev c0
	ip -n "$NS_C" addr add $CLI6/64 dev c0 nodad
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_C" route add default via 10.0.1.1
	ip -n "$NS_C" -6 route add default via fd00:1::1
	ip -n "$NS_R" addr add 10.0.1.1/24 dev r0
	ip -n "$NS_R" addr add fd00:1::1/64 dev r0 nodad
	ip -n "$NS_R" addr add 10.0.2.1/24 dev r1
	ip -n "$NS_R" addr add fd00:2::1/64 dev r1 nodad
	ip -n "$NS_R" link set r0 up
	ip -n "$NS_R" link set r1 up
	ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n "$NS_FW" link set f0 up
	# the firewall box never routes: only the dataplane answers for the protected IPs
	ip netns exec "$NS_FW" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	ip -n "$NS_S" addr add $SRV4/24 dev s0
	ip -n "$NS_S" addr add $SRV6/64 dev s0 nodad
	ip -n "$NS_S" link set s0 up
	ip -n "$NS_S" route add default via 10.0.2.1
	ip -n "$NS_S" -6 route add default via fd00:2::1
	FW_MAC=$(lab_mac "$NS_FW" f0)
	SRV_MAC=$(lab_mac "$NS_S" s0)
	RTR_MAC=$(lab_mac "$NS_R" r1)
	CLI_MAC=$(lab_mac "$NS_C" c0)
}

# Steers the router's traffic for the server IPs to the firewall (what the router adapters do in production).
lab_divert() {
	ip -n "$NS_R" neigh replace $SRV4 lladdr "$FW_MAC" nud permanent dev r1
	ip -n "$NS_R" -6 neigh replace $SRV6 lladdr "$FW_MAC" nud permanent dev r1
}

# Secrets in the /proc/tcp_secrets format (fixed test keys; jiffies as a 250 Hz server shows them now).
LAB_K0A=0123456789abcdef LAB_K0B=fedcba9876543210 LAB_K1A=0f1e2d3c4b5a6978 LAB_K1B=8796a5b4c3d2e1f0
lab_secrets() { # $1 = file, $2 = key variant (optional, changes the keys for rotation tests)
	local j=$(( $(date +%s) * 250 + 4294667296 )) v=${2:-0}
	local k0a=$LAB_K0A k1a=$LAB_K1A
	if [ "$v" != 0 ]; then k0a=00000000000000$(printf %02x "$v"); k1a=11111111111111$(printf %02x "$v"); fi
	cat > "$1" <<EOT
$j $(( j / 15000 )) 250
$k0a.$LAB_K0B.
$k1a.$LAB_K1B.
format 2
syncookie6_secret0 $k0a.$LAB_K0B.
syncookie6_secret1 $k1a.$LAB_K1B.
tcp_clock_ms $(( j * 4 ))
tcp_syncookies 2
tcp_timestamps 2
tcp_sack 1
tcp_window_scaling 1
tcp_ecn 2
overflow_hook disabled
EOT
	chmod 0400 "$1"
}
lab_count() { echo $(( ($(date +%s) * 250 + 4294667296) / 15000 )); }

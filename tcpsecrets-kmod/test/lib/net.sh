# net.sh: the lab topology of lab.md, in network namespaces private to this run.
#
#   client ns (c0 10.99.1.10) --- router ns (r-cli 10.99.1.1 | r-srv 10.99.2.1) ---+
#                                                                                 [br0 in sw ns]--+-- tapvm: the VM 10.99.2.10
#   probe ns (p0 10.99.2.20): crafted SYNs/ACKs over AF_PACKET, straight on the bridge --------+   +-- fw0: firewall ns (dataplane)
# IPv6 the same with fd99:1::/64 and fd99:2::/64. Sourced by run.sh.

NS_PREFIX=tsk$$
NS_SW=$NS_PREFIX-sw
NS_PROBE=$NS_PREFIX-probe
NS_ROUTER=$NS_PREFIX-router
NS_CLIENT=$NS_PREFIX-client
NS_FW=$NS_PREFIX-fw

VM_MAC=52:54:00:99:02:10
VM_IP4=10.99.2.10
VM_IP6=fd99:2::10
GW_IP4=10.99.2.1
GW_IP6=fd99:2::1
PROBE_IP4=10.99.2.20
PROBE_IP6=fd99:2::20
CLIENT_IP4=10.99.1.10
CLIENT_IP6=fd99:1::10

mac_of() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# veth NS_A IF_A NS_B IF_B: a veth pair created directly in both namespaces
veth() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; }

net_up() {
	local ns
	for ns in $NS_SW $NS_PROBE $NS_ROUTER $NS_CLIENT $NS_FW; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_SW" link add br0 type bridge
	ip -n "$NS_SW" link set br0 type bridge stp_state 0 forward_delay 0
	ip -n "$NS_SW" link set br0 up
	ip -n "$NS_SW" tuntap add tapvm mode tap
	ip -n "$NS_SW" link set tapvm master br0 up

	veth "$NS_PROBE" p0 "$NS_SW" sw-probe
	veth "$NS_ROUTER" r-srv "$NS_SW" sw-router
	veth "$NS_FW" fw0 "$NS_SW" sw-fw
	veth "$NS_CLIENT" c0 "$NS_ROUTER" r-cli
	for ns in sw-probe sw-router sw-fw; do
		ip -n "$NS_SW" link set "$ns" master br0 up
	done

	ip -n "$NS_PROBE" addr add $PROBE_IP4/24 dev p0
	ip -n "$NS_PROBE" addr add $PROBE_IP6/64 dev p0 nodad
	ip -n "$NS_PROBE" link set p0 up
	# the probe's kernel knows nothing of the crafted connections: keep it from resetting them
	ip netns exec "$NS_PROBE" nft add table inet tsk
	ip netns exec "$NS_PROBE" nft add chain inet tsk out '{ type filter hook output priority 0; }'
	ip netns exec "$NS_PROBE" nft add rule inet tsk out tcp flags rst drop

	ip -n "$NS_ROUTER" addr add $GW_IP4/24 dev r-srv
	ip -n "$NS_ROUTER" addr add $GW_IP6/64 dev r-srv nodad
	ip -n "$NS_ROUTER" addr add 10.99.1.1/24 dev r-cli
	ip -n "$NS_ROUTER" addr add fd99:1::1/64 dev r-cli nodad
	ip -n "$NS_ROUTER" link set r-srv up
	ip -n "$NS_ROUTER" link set r-cli up
	ip netns exec "$NS_ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	ip -n "$NS_CLIENT" addr add $CLIENT_IP4/24 dev c0
	ip -n "$NS_CLIENT" addr add $CLIENT_IP6/64 dev c0 nodad
	ip -n "$NS_CLIENT" link set c0 up
	ip -n "$NS_CLIENT" route add default via 10.99.1.1
	ip -n "$NS_CLIENT" -6 route add default via fd99:1::1

	ip -n "$NS_FW" link set fw0 up
	PROBE_MAC=$(mac_of "$NS_PROBE" p0)
	FW_MAC=$(mac_of "$NS_FW" fw0)
}

net_down() {
	local ns
	for ns in $NS_SW $NS_PROBE $NS_ROUTER $NS_CLIENT $NS_FW; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

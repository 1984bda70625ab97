# nodes.sh: --nodes 3. Three firewalls in cluster mode: each a firewall namespace on the bridge with its own dataplane
# worker, plus its control plane and its etcd member (one member per firewall, as docs/operations.md "Cluster" lays
# them out). The three control planes share the protection state in etcd, elect one leader, and point the router's
# static ARP/NDP entry for the protected IP at the MAC of the node the IP is assigned to (rendezvous hashing over the
# live nodes). The server's one agent reports to all three. During the flood the lab kills the leader's control plane
# (SIGKILL; its worker keeps running, as a crashed JVM leaves it), then the whole node that owns the protected IP at
# that moment (its worker, control plane and etcd member), so the IP really moves to a surviving node.
# Sourced by run.sh after the other lib files; it redefines the router functions of topology.sh, dataplane_counters
# and api.
#
#   router r-srv 10.99.2.1 --[br0]--+-- sw-fw  -> fw0 fw-1 (NS_FW)   worker 1   control plane 1, etcd member fw-1
#                                   +-- sw-fw2 -> fw0 fw-2 (NS_FW2)  worker 2   control plane 2, etcd member fw-2
#                                   +-- sw-fw3 -> fw0 fw-3 (NS_FW3)  worker 3   control plane 3, etcd member fw-3
# The control planes and etcd members run in the host's namespace on loopback (ports of their own, like the
# single-node lab's control plane), so the namespaces stay private and the host's addresses untouched; a real
# firewall keeps etcd and its API on a management interface.

NODE_COUNT=3
ETCD_PREFIX=/syncookied
NODE_IDS=(fw-1 fw-2 fw-3)
declare -A NODE_API=() NODE_TELEMETRY=() NODE_ETCD_CLIENT=() NODE_ETCD_PEER=() NODE_MAC=() NODE_NS=() NODE_CP=()
declare -A NODE_ETCD=() NODE_EVENTS=() NODE_PORT=() NODE_DEAD_CP=()

# node_free_port: a free loopback port (and the one above it) that no other node of this run took
node_free_port() {
	local p taken
	while :; do
		p=$(free_port tcp)
		taken=" ${NODE_API[*]} ${NODE_ETCD_CLIENT[*]} ${NODE_ETCD_PEER[*]} ${NODE_TELEMETRY[*]} $API_PORT "
		[[ $taken == *" $p "* || $taken == *" $((p + 1)) "* || $taken == *" $((p - 1)) "* ]] || { echo "$p"; return; }
	done
}

# nodes_net_up: the second and third firewall namespaces on the bridge, and every node's ports; after lab_net_up
nodes_net_up() {
	local n ns
	NODE_NS[fw-1]=$NS_FW NODE_MAC[fw-1]=$FW_MAC NODE_PORT[fw-1]=sw-fw
	for n in 2 3; do
		ns=$(new_ns)
		NS_HOLDERS+=("$ns")
		nsx "$ns" ip link set lo up
		veth "$ns" fw0 "$NS_SW" "sw-fw$n"
		nsx "$NS_SW" ip link set "sw-fw$n" master br0 up
		nsx "$ns" ip link set fw0 up
		NODE_NS[fw-$n]=$ns NODE_MAC[fw-$n]=$(mac_of "$ns" fw0) NODE_PORT[fw-$n]=sw-fw$n
	done
	FW_PORTS=(sw-fw sw-fw2 sw-fw3)
	NODE_API[fw-1]=$API_PORT NODE_TELEMETRY[fw-1]=$TELEMETRY_PORT
	for n in "${NODE_IDS[@]}"; do
		[ -n "${NODE_API[$n]:-}" ] || NODE_API[$n]=$(node_free_port)
		[ -n "${NODE_TELEMETRY[$n]:-}" ] || NODE_TELEMETRY[$n]=$(free_port udp)
		NODE_ETCD_CLIENT[$n]=$(node_free_port)
		NODE_ETCD_PEER[$n]=$((NODE_ETCD_CLIENT[$n] + 1))
	done
	AGENT_CONTROL_PLANES=$(for n in "${NODE_IDS[@]}"; do echo "127.0.0.1:${NODE_TELEMETRY[$n]}"; done | paste -sd, -)
	ETCD_ENDPOINTS=$(for n in "${NODE_IDS[@]}"; do echo "http://127.0.0.1:${NODE_ETCD_CLIENT[$n]}"; done | paste -sd, -)
}

etcdctl_lab() { ETCDCTL_API=3 etcdctl --endpoints="$ETCD_ENDPOINTS" --command-timeout=2s "$@"; }

# nodes_etcd_start: the three-member etcd cluster (Debian's etcd), each member with its data in the run's directory;
# heartbeat and election as docs/operations.md recommends for a LAN
nodes_etcd_start() {
	local n cluster
	cluster=$(for n in "${NODE_IDS[@]}"; do echo "$n=http://127.0.0.1:${NODE_ETCD_PEER[$n]}"; done | paste -sd, -)
	for n in "${NODE_IDS[@]}"; do
		etcd --name "$n" --data-dir "$WORK/etcd/$n" \
			--listen-client-urls "http://127.0.0.1:${NODE_ETCD_CLIENT[$n]}" \
			--advertise-client-urls "http://127.0.0.1:${NODE_ETCD_CLIENT[$n]}" \
			--listen-peer-urls "http://127.0.0.1:${NODE_ETCD_PEER[$n]}" \
			--initial-advertise-peer-urls "http://127.0.0.1:${NODE_ETCD_PEER[$n]}" \
			--initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "syncookied-lab-$$" \
			--heartbeat-interval 100 --election-timeout 500 >"$WORK/etcd-$n.log" 2>&1 &
		NODE_ETCD[$n]=$!
		record_pid "${NODE_ETCD[$n]}" "etcd $n"
	done
	wait_for 60 "etcd cluster" sh -c "ETCDCTL_API=3 etcdctl --endpoints=$ETCD_ENDPOINTS endpoint health" ||
		die "the etcd cluster did not become healthy: $(tail -5 "$WORK/etcd-fw-1.log")"
	# every change under the prefix, stamped on arrival (microseconds, without a fork per line): the leader key, assignments, router changes (the measurements
	# and the double-diversion count read this; it is etcd's own history, in revision order)
	# ($! is etcdctl itself: once it is stopped, the stamping loop sees the end of its output and ends too)
	ETCDCTL_API=3 etcdctl --endpoints="$ETCD_ENDPOINTS" watch -w json --prefix "$ETCD_PREFIX/" 2>>"$WORK/etcd-watch.err" \
		> >(while IFS= read -r line; do echo "${EPOCHREALTIME/./} $line"; done >"$WORK/etcd-watch.log" 2>&1) &
	ETCD_WATCH_PID=$!
	record_pid "$ETCD_WATCH_PID" "etcdctl watch"
}

# node_start ID: one node's control plane in cluster mode: the lab's configuration file plus this node's ports,
# worker (in its own namespace), MAC and cluster identity on the command line (command-line properties win)
node_start() {
	local n=$1 i=${1#fw-}
	mkdir -p "$WORK/state-$n"
	cat >"$WORK/bin/syncookied-dp-$n" <<-EOF
		#!/bin/sh
		exec nsenter -t ${NODE_NS[$n]} -n -- $DP "\$@"
	EOF
	chmod 0755 "$WORK/bin/syncookied-dp-$n"
	java -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$CP_JAR" \
		--spring.config.additional-location="file:$WORK/etc/controlplane.yml" --server.port="${NODE_API[$n]}" \
		--syncookied.telemetry.port="${NODE_TELEMETRY[$n]}" --syncookied.dataplane.binary="$WORK/bin/syncookied-dp-$n" \
		--syncookied.dataplane.control-socket="$WORK/state-$n/dataplane.sock" \
		--syncookied.dataplane.mac="${NODE_MAC[$n]}" \
		--syncookied.protection.journal="$WORK/state-$n/syncookied-state.journal" \
		--syncookied.cluster.endpoints="$ETCD_ENDPOINTS" --syncookied.cluster.node-id="$n" \
		--syncookied.cluster.advertise-url="http://127.0.0.1:${NODE_API[$n]}" \
		--syncookied.cluster.prefix="$ETCD_PREFIX" \
		--management.metrics.tags.node="$n" \
		$([ "$i" = 1 ] || echo --management.influx.metrics.export.enabled=false) >"$WORK/controlplane-$n.log" 2>&1 &
	NODE_CP[$n]=$!
	record_pid "${NODE_CP[$n]}" "control-plane $n"
}

node_api() { # node_api ID METHOD PATH
	curl -sf -m 3 -X "$2" -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:${NODE_API[$1]}$3"
}
node_api_sel() { node_api "$NODE_SEL" "$@"; } # node_api of the node in NODE_SEL (for dataplane_counters_of)

# nodes_control_start: the three control planes, started together (they join etcd as they come up), each with its
# event stream; CP_PID is any live control plane (the sampler only asks whether one runs)
nodes_control_start() {
	local n
	for n in "${NODE_IDS[@]}"; do node_start "$n"; done
	for n in "${NODE_IDS[@]}"; do
		wait_for 240 "control plane $n" node_up "$n" ||
			die "control plane $n did not come up: $(tail -20 "$WORK/controlplane-$n.log")"
		curl -sN -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:${NODE_API[$n]}/api/v1/events" \
			>"$WORK/events-$n.sse" 2>/dev/null &
		NODE_EVENTS[$n]=$!
		record_pid "${NODE_EVENTS[$n]}" "events-curl $n"
	done
	# the report's timeline reads events.sse: every node publishes every transition, so fw-1's stream serves
	ln -sf "events-fw-1.sse" "$WORK/events.sse"
	CP_PID=${NODE_CP[fw-1]}
	wait_for 30 "a leader" nodes_leader || die "no leader in etcd: $(etcdctl_lab get --prefix "$ETCD_PREFIX/" 2>&1 | head)"
	nodes_leader >"$WORK/first-leader"
}

node_up() {
	kill -0 "${NODE_CP[$1]}" 2>/dev/null || die "control plane $1 exited: $(grep -m3 -E 'ERROR|Caused by' "$WORK/controlplane-$1.log")"
	node_api "$1" GET /api/v1/hosts
}

# nodes_ready: every live node's worker healthy and its agent secrets fresh
nodes_ready() {
	local n
	for n in "${NODE_IDS[@]}"; do
		node_api "$n" GET "/api/v1/hosts/$PROTECTED_IP" | jq -e '.agent.secretsFresh == true' >/dev/null || return 1
		node_api "$n" GET /api/v1/dataplane | jq -e '.healthy == true' >/dev/null || return 1
	done
}

live_nodes() { local n; for n in "${NODE_IDS[@]}"; do [ -n "${NODE_CP[$n]:-}" ] && echo "$n"; done; }

# api METHOD PATH: the REST API of the first live node (reads are answered by every node from etcd)
api() {
	local n
	for n in $(live_nodes); do
		node_api "$n" "$@" && return 0
	done
	return 1
}

# nodes_leader: the node that leads now (the leader key's value)
nodes_leader() {
	etcdctl_lab get "$ETCD_PREFIX/leader" --print-value-only 2>/dev/null | jq -er '.node'
}

leader_other_than() { local l; l=$(nodes_leader) && [ -n "$l" ] && [ "$l" != "$1" ]; }

# nodes_owner: the node the protected IP is assigned to now
nodes_owner() {
	etcdctl_lab get "$ETCD_PREFIX/assign/$PROTECTED_IP" --print-value-only 2>/dev/null | jq -er '.node'
}

# node_kill_cp ID [MARK]: the node's control plane dies (SIGKILL); its worker runs on, as after a JVM crash. MARK
# records the moment in marks.csv, right before the signal
node_kill_cp() {
	local n=$1
	[ -z "${2:-}" ] || mark "$2"
	kill -KILL "${NODE_CP[$n]}" "${NODE_EVENTS[$n]}" 2>/dev/null
	wait "${NODE_CP[$n]}" "${NODE_EVENTS[$n]}" 2>/dev/null
	NODE_DEAD_CP[$n]=1 NODE_CP[$n]= NODE_EVENTS[$n]=
	CP_PID=$(for m in $(live_nodes); do echo "${NODE_CP[$m]}"; done | head -1)
}

# node_kill ID [MARK]: the whole firewall dies at once, no goodbye: its worker, control plane and etcd member
# (SIGKILL). The worker's PID is looked up first: the /proc scan takes a while on a busy machine
node_kill() {
	local n=$1 pids
	pids="$(pids_with_arg "$WORK/state-$n/dataplane.sock") ${NODE_ETCD[$n]}"
	node_kill_cp "$n" "${2:-}"
	kill -KILL $pids 2>/dev/null
	wait ${NODE_ETCD[$n]} 2>/dev/null
	NODE_ETCD[$n]=
}

# heir_capture_start VICTIM: one capture per other live node's bridge port, of the first SYN-ACK from the protected IP that
# its worker sends: that node answers (BPF's tcp[] reaches IPv4 only; over IPv6 the flags are byte 53)
heir_capture_start() {
	local n i
	for n in $(live_nodes); do
		[ "$n" != "$1" ] || continue
		: >"$WORK/heir-$n.txt"
		nsx_bg "$NS_SW" tcpdump -i "${NODE_PORT[$n]}" -Q in -c 1 -n -tt --time-stamp-precision=micro \
			"src host $PROTECTED_IP and ((ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)) or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x12))" \
			>"$WORK/heir-$n.txt" 2>"$WORK/heir-$n.log"
		HEIR_PIDS+=("$BG_PID")
		record_pid "$BG_PID" "tcpdump heir $n"
		for ((i = 0; i < 100; i++)); do
			grep -q 'listening on' "$WORK/heir-$n.log" && break
			sleep 0.05
		done
	done
}
HEIR_PIDS=()

# nodes_chaos: the two failures of the run, during the flood: the leader's control plane at a third of it, the node
# that owns the protected IP at two thirds
nodes_chaos() {
	local leader owner t0
	t0=$SECONDS
	progress $((ATTACK / 3)) flood
	leader=$(nodes_leader)
	[ -n "$leader" ] || die "no leader to kill"
	echo "$leader" >"$WORK/killed-leader"
	step "the leader's control plane dies: SIGKILL to $leader's control plane (its worker runs on; router at $(router_neigh_mac))"
	node_kill_cp "$leader" leader_killed
	wait_for 15 "a new leader" leader_other_than "$leader" || step "no new leader within 15 s"
	step "new leader: $(nodes_leader); the protected IP is assigned to $(nodes_owner)"
	progress $((ATTACK * 2 / 3 - (SECONDS - t0))) "flood, $leader's control plane dead"
	owner=$(nodes_owner)
	[ -n "$owner" ] && [ -n "${NODE_CP[$owner]:-}" ] || die "the protected IP has no live owner to kill (owner '$owner')"
	echo "$owner" >"$WORK/killed-node"
	heir_capture_start "$owner"
	step "the owner of $PROTECTED_IP dies: SIGKILL to $owner's worker, control plane and etcd member"
	node_kill "$owner" node_killed
	progress $((ATTACK - (SECONDS - t0))) "flood, $owner dead"
}

nodes_stop() {
	local n pid
	for pid in "${HEIR_PIDS[@]}"; do kill_wait "$pid" 2; done
	for n in "${NODE_IDS[@]}"; do
		kill_wait "${NODE_EVENTS[$n]:-}" 2
		kill_wait "${NODE_CP[$n]:-}" 20
		for pid in $(pids_with_arg "$WORK/state-$n/dataplane.sock"); do kill_wait "$pid" 5; done
	done
	kill_wait "${ETCD_WATCH_PID:-}" 2
	for n in "${NODE_IDS[@]}"; do kill_wait "${NODE_ETCD[$n]:-}" 5; done
}

# The router diverts while its entry for the server points at any node's MAC
router_diverted() {
	local mac
	mac=$(router_neigh_mac)
	[ -n "$mac" ] && [[ " ${NODE_MAC[*]} " == *" $mac "* ]]
}

# router_macs: "t_ms,mac" for every change of the router's entry for the server (mac "direct" when deleted or back at
# the server's own MAC), from the netlink monitor
router_macs() {
	awk -v ip="$PROTECTED_IP" -v vm="$VM_MAC" '
		index($0, " " ip " ") {
			for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]/) ts = substr($i, 2, length($i) - 2)
			m = ""
			if (index($0, "Deleted")) m = "direct"
			else for (i = 1; i < NF; i++) if ($i == "lladdr") m = ($(i + 1) == vm ? "direct" : $(i + 1))
			if (m != "" && m != last) { print ts "," m; last = m }
		}' "$WORK/neigh.log" | while IFS=, read -r ts m; do
		echo "$(date -d "${ts/T/ }" +%s%3N),$m"
	done
}

router_switches() {
	router_macs | awk -F, '{ s = ($2 == "direct" ? "direct" : "diverted"); if (s != last) { print $1 "," s; last = s } }'
}

# dataplane_counters: the workers' counters summed over the nodes (a node's last reading once its control plane is
# gone), and each node's own in nodes.csv
dataplane_counters() {
	local n v all=()
	for n in "${NODE_IDS[@]}"; do
		if [ -n "${NODE_CP[$n]:-}" ]; then
			NODE_SEL=$n
			v=$(dataplane_counters_of node_api_sel)
			[ -n "$v" ] && echo "$v" >"$WORK/dp-$n.last"
		fi
		all+=("$(cat "$WORK/dp-$n.last" 2>/dev/null || echo 0,0,0,0,0)")
	done
	echo "$(now_ms),${all[*]}" | tr ' ' ',' >>"$WORK/nodes.csv"
	printf '%s\n' "${all[@]}" | awk -F, '{ for (i = 1; i <= NF; i++) s[i] += $i; n = NF }
		END { for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? "," : ""), s[i]; print "" }'
}

. "$LAB/lib/nodes-report.sh"

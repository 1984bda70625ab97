# bgp.sh: --diversion bgp. Two scrubbers, each a firewall namespace with its own dataplane worker, control plane and
# GoBGP speaker (gobgpd), announce the attacked /32 (/128 with --ipv6) to the router, which runs bird2 with
# multipath: the router's kernel FIB holds one next hop per scrubber and spreads the flood and the legit flows over
# both. The server's one agent reports to both control planes. In the middle of the flood scrubber 2 dies (every
# process of it, SIGKILL): its BGP session closes and the router drops its next hop by itself; scrubber 1 carries on
# alone. Sourced by run.sh after the other lib files; it redefines the router functions of topology.sh and
# dataplane_counters.
#
#   router r-srv 10.99.2.1 --[br0]--+-- sw-fw  -> fw0 scrubber 1 (NS_FW)  10.99.2.3  gobgpd, worker, control plane
#                                   +-- sw-fw2 -> fw0 scrubber 2 (NS_FW2) 10.99.2.4  gobgpd, worker, control plane 2
# Each scrubber's IPv4 address on the bridge is its BGP session's source and the next hop of its /32s; the session
# carries IPv6 too (MP-BGP), with the scrubber's IPv6 address (fd99:2::3, fd99:2::4) as the next hop of its /128s
# (next-hop6). Its dataplane forwards valid packets to the server's MAC on the same bridge, as in the ARP mode.

SCRUB_COMMUNITY=65000:666
# Each scrubber's BGP session runs over its dataplane interface fw0, beside the diverted traffic: every backend
# leaves frames for no protected host (the session's) to the box's own IP stack. The worker's backend is the lab's
# default (LAB_BACKEND, control.sh).
BGP_HOLD=3 # seconds, the minimum BGP allows: a hung scrubber is dropped this fast (a dead one at once)

scrubber_ip4() { echo "10.99.2.$((2 + $1))"; }
scrubber_ip6() { echo "fd99:2::$((2 + $1))"; }
# scrubber_ip N: scrubber N's address of the protected address's family (the next hop the router should hold)
scrubber_ip() { [ "$FAMILY" = 6 ] && scrubber_ip6 "$1" || scrubber_ip4 "$1"; }
HOST_ROUTE=$PROTECTED_IP/$([ "$FAMILY" = 6 ] && echo 128 || echo 32) # what the scrubbers announce

# bgp_net_up: the second scrubber's namespace and both scrubbers' addresses; after lab_net_up
bgp_net_up() {
	mkdir -p "$WORK/etc" "$WORK/state" # the router and the speakers start before control_files
	chmod 0700 "$WORK/etc"
	NS_FW2=$(new_ns)
	NS_HOLDERS+=("$NS_FW2")
	nsx "$NS_FW2" ip link set lo up
	veth "$NS_FW2" fw0 "$NS_SW" sw-fw2
	nsx "$NS_SW" ip link set sw-fw2 master br0 up
	nsx "$NS_FW2" ip link set fw0 up
	FW2_MAC=$(mac_of "$NS_FW2" fw0)
	nsx "$NS_FW" ip addr add "$(scrubber_ip4 1)/24" dev fw0
	nsx "$NS_FW2" ip addr add "$(scrubber_ip4 2)/24" dev fw0
	nsx "$NS_FW" ip addr add "$(scrubber_ip6 1)/64" dev fw0 nodad
	nsx "$NS_FW2" ip addr add "$(scrubber_ip6 2)/64" dev fw0 nodad
	# flows of one client (one source address) spread by port too, as a real router's hash does
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1
	FW_PORTS=(sw-fw sw-fw2)
	# the server's one agent reports to both scrubbers' control planes, as on a real server
	API_PORT2=$(free_port tcp)
	TELEMETRY_PORT2=$(free_port udp)
	AGENT_CONTROL_PLANES=127.0.0.1:$TELEMETRY_PORT,127.0.0.1:$TELEMETRY_PORT2
}

# bgp_router_start: bird2 in the router namespace, one eBGP session per scrubber, only host routes of the server's
# subnet that carry the scrub community, merged into one multipath kernel route (docs/operations.md "BGP")
bgp_router_start() {
	cat >"$WORK/etc/bird.conf" <<-EOF
		router id $GW_IP4;
		protocol device { }
		protocol kernel { ipv4 { export all; }; merge paths yes; }
		protocol kernel { ipv6 { export all; }; merge paths yes; }
		filter scrub_in {
		  if (net ~ [ ${VM_IP4%.*}.0/24{32,32} ] || net ~ [ ${VM_IP6%::*}::/64{128,128} ]) &&
		     (${SCRUB_COMMUNITY%:*},${SCRUB_COMMUNITY#*:}) ~ bgp_community then accept;
		  reject;
		}
		template bgp scrubber {
		  local as 65000;
		  hold time $BGP_HOLD; keepalive time 1;
		  connect delay time 1; connect retry time 1; error wait time 1, 2;
		  ipv4 { import filter scrub_in; export none; };
		  ipv6 { import filter scrub_in; export none; };
		}
		protocol bgp scrubber1 from scrubber { neighbor $(scrubber_ip4 1) as 65001; }
		protocol bgp scrubber2 from scrubber { neighbor $(scrubber_ip4 2) as 65001; }
	EOF
	nsx_bg "$NS_ROUTER" bird -f -c "$WORK/etc/bird.conf" -s "$WORK/state/bird.ctl" >"$WORK/bird.log" 2>&1
	BIRD_PID=$BG_PID
}

birdc_lab() { birdc -s "$WORK/state/bird.ctl" "$@"; }

# bgp_speaker_start N: scrubber N's gobgpd, its API on a unix socket in its state directory
bgp_speaker_start() {
	local n=$1 ns
	ns=$([ "$n" = 1 ] && echo "$NS_FW" || echo "$NS_FW2")
	cat >"$WORK/etc/gobgpd$n.toml" <<-EOF
		[global.config]
		  as = 65001
		  router-id = "$(scrubber_ip4 "$n")"
		[[neighbors]]
		  [neighbors.config]
		    neighbor-address = "$GW_IP4"
		    peer-as = 65000
		  [neighbors.timers.config]
		    hold-time = $BGP_HOLD
		    keepalive-interval = 1
		    connect-retry = 1
		    idle-hold-time-after-reset = 1
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "ipv4-unicast"
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "ipv6-unicast"
	EOF
	rm -f "$WORK/state/gobgpd$n.sock"
	nsx_bg "$ns" gobgpd -f "$WORK/etc/gobgpd$n.toml" --api-hosts "unix://$WORK/state/gobgpd$n.sock" -p \
		--pprof-disable >"$WORK/gobgpd$n.log" 2>&1
	eval "GOBGPD${n}_PID=\$BG_PID"
}

bgp_sessions_up() {
	[ "$(birdc_lab show protocols | awk '$1 ~ /^scrubber/ && $6 == "Established"' | wc -l)" = 2 ]
}

# The routers block of the control planes' configuration: this scrubber's own gobgpd (control.sh writes it)
router_targets_yaml() { # NODE
	cat <<-EOF
		      - name: lab-router
		        adapter: bgp
		        api: unix://$WORK/state/gobgpd${1:-1}.sock
		        neighbor: $GW_IP4
		        next-hop6: $(scrubber_ip6 "${1:-1}")
		        communities: [ no-export, "$SCRUB_COMMUNITY" ]
		        timeout: 5s
	EOF
}

# The route for the server: the router diverts while its FIB holds a host route for it (one next hop per live
# scrubber)
router_next_hops() {
	nsx "$NS_ROUTER" ip "-$FAMILY" route show exact "$HOST_ROUTE" | awk '{ for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1) }' |
		sort | paste -sd, -
}
router_diverted() { [ -n "$(router_next_hops)" ]; }

router_monitor_start() {
	nsx_bg "$NS_ROUTER" ip -ts monitor route >"$WORK/route.log" 2>&1
	NEIGH_PID=$BG_PID
}

# route_events: "t_ms<TAB>event" for every change of the server's host route in the route monitor's log, a multipath
# route's "nexthop via ..." continuation lines joined to their event
route_events() {
	awk -v ip="$PROTECTED_IP" '
		function flush() { if (ev != "" && ev ~ "(^| )" ip "( |$)") print ts "\t" ev; ev = "" }
		{ gsub(/\t/, " ") } # the output below is tab-separated
		/^ / { ev = ev $0; next }
		{
			flush()
			for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]/) ts = substr($i, 2, length($i) - 2)
			ev = $0
		}
		END { flush() }' "$WORK/route.log" | while IFS=$'\t' read -r ts ev; do
		printf '%s\t%s\n' "$(date -d "${ts/T/ }" +%s%3N)" "$ev"
	done
}

# router_switches: "t_ms,diverted|direct": the host route added (diverted) or deleted (direct)
router_switches() {
	route_events | awk -F'\t' '{ s = index($2, "Deleted") ? "direct" : "diverted"; if (s != last) { print $1 "," s; last = s } }'
}

# The second scrubber's control plane: the first one's configuration file with its own ports, worker, journal and
# gobgpd (command-line properties win over the file; the targets list is given whole, as Spring replaces lists)
bgp_node2_start() {
	mkdir -p "$WORK/state2"
	cat >"$WORK/bin/syncookied-dp2" <<-EOF
		#!/bin/sh
		exec nsenter -t $NS_FW2 -n -- $DP "\$@"
	EOF
	chmod 0755 "$WORK/bin/syncookied-dp2"
	java -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$CP_JAR" \
		--spring.config.additional-location="file:$WORK/etc/controlplane.yml" --server.port="$API_PORT2" \
		--syncookied.telemetry.port="$TELEMETRY_PORT2" --syncookied.dataplane.binary="$WORK/bin/syncookied-dp2" \
		--syncookied.dataplane.control-socket="$WORK/state2/dataplane.sock" --syncookied.dataplane.mac="$FW2_MAC" \
		--syncookied.protection.journal="$WORK/state2/syncookied-state.journal" \
		--management.influx.metrics.export.enabled=false \
		--syncookied.routers.targets[0].name=lab-router --syncookied.routers.targets[0].adapter=bgp \
		--syncookied.routers.targets[0].api="unix://$WORK/state/gobgpd2.sock" \
		--syncookied.routers.targets[0].neighbor="$GW_IP4" \
		--syncookied.routers.targets[0].next-hop6="$(scrubber_ip6 2)" \
		--syncookied.routers.targets[0].communities="no-export,$SCRUB_COMMUNITY" \
		--syncookied.routers.targets[0].timeout=5s >"$WORK/controlplane2.log" 2>&1 &
	CP2_PID=$!
	echo "t_ms,syn1,forwarded1,bad_cookie1,flows1,picked_up1,syn2,forwarded2,bad_cookie2,flows2,picked_up2" >"$WORK/scrubbers.csv"
	wait_for 240 "control plane 2" api2 GET /api/v1/hosts ||
		die "scrubber 2's control plane did not come up: $(tail -20 "$WORK/controlplane2.log")"
	curl -sN -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$API_PORT2/api/v1/events" >"$WORK/events2.sse" \
		2>/dev/null &
	EVENTS2_PID=$!
}

api2() { curl -sf -X "$1" -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$API_PORT2$2"; }

# bgp_node2_kill [MARK]: scrubber 2 dies as a machine does: every process of it at once, no goodbye (SIGKILL); MARK
# records the moment in marks.csv (scrubber_loss_ms counts from it)
bgp_node2_kill() {
	local pid
	DP2_PID=$(pids_with_arg "$WORK/state2/dataplane.sock" | head -1)
	[ -z "${1:-}" ] || mark "$1"
	for pid in "${GOBGPD2_PID:-}" "${DP2_PID:-}" "${CP2_PID:-}" "${EVENTS2_PID:-}"; do
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done
	for pid in "${GOBGPD2_PID:-}" "${DP2_PID:-}" "${CP2_PID:-}" "${EVENTS2_PID:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
	done
	CP2_PID= EVENTS2_PID= GOBGPD2_PID=
}

bgp_stop() {
	bgp_node2_kill
	kill_wait "${GOBGPD1_PID:-}" 3
	kill_wait "${BIRD_PID:-}" 3
	local pid
	for pid in $(pids_with_arg "$WORK/state2/dataplane.sock"); do
		kill_wait "$pid" 5
	done
}

# dataplane_counters: the workers' counters summed over both scrubbers (scrubber 2's last reading once it is dead)
dataplane_counters() {
	local one two
	one=$(dataplane_counters_of api)
	if [ -n "${CP2_PID:-}" ]; then
		two=$(dataplane_counters_of api2)
		[ -n "$two" ] && echo "$two" >"$WORK/dp2.last"
	fi
	two=$(cat "$WORK/dp2.last" 2>/dev/null)
	awk -F, -v a="${one:-0,0,0,0,0}" -v b="${two:-0,0,0,0,0}" 'BEGIN {
		n = split(a, x, ","); split(b, y, ",")
		for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? "," : ""), x[i] + y[i]
		print "" }'
	echo "$(now_ms),${one:-0,0,0,0,0},${two:-0,0,0,0,0}" >>"$WORK/scrubbers.csv"
}

# bgp_results: the RESULT fields of this mode. scrubber_loss_ms = from scrubber 2's death to the router's FIB
# without its next hop; syn_share = each scrubber's share of the SYNs answered while both were up (percent)
bgp_results() {
	local kill lost
	kill=$(mark_time scrubber2_killed)
	# the first change after the kill that leaves scrubber 2 out, if the route had it when it died
	lost=$(route_events | awk -F'\t' -v k="${kill:-0}" -v nh="via $(scrubber_ip 2) " '
		$1 < k { had = !index($2, "Deleted") && index($2 " ", nh) }
		$1 >= k && had && (index($2, "Deleted") || !index($2 " ", nh)) { print $1; exit }')
	SCRUBBER_LOSS_MS=$([ -n "$kill" ] && [ -n "$lost" ] && echo $((lost - kill)) || echo -1)
	SYN_SHARE=$(awk -F, -v k="${kill:-0}" -v fs="$FS" '
		NR > 1 && $1 >= fs && $1 <= k { if (!n++) { a0 = $2; b0 = $7 } a = $2; b = $7 }
		END { t = (a - a0) + (b - b0); if (t > 0) printf "%.0f,%.0f", 100 * (a - a0) / t, 100 * (b - b0) / t; else print "0,0" }' \
		"$WORK/scrubbers.csv")
	result_field diversion bgp
	result_field scrubbers 2
	result_field scrubber_loss_ms "$SCRUBBER_LOSS_MS"
	result_field syn_share "$SYN_SHARE"
}

mode_results() { bgp_results; }

mode_text() {
	local kill
	kill=$(mark_time scrubber2_killed)
	echo "BGP diversion        : 2 scrubbers (eBGP to bird2, hold time ${BGP_HOLD}s, ECMP); SYNs answered while both were"
	echo "                       up: scrubber 1 ${SYN_SHARE%,*} %, scrubber 2 ${SYN_SHARE#*,} %"
	echo "                       scrubber 2 killed at $(rel "$kill"); the router dropped its next hop" \
		"$([ "$SCRUBBER_LOSS_MS" -ge 0 ] && echo "$SCRUBBER_LOSS_MS ms later" || echo "(not seen)")"
}

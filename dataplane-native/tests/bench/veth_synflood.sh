#!/usr/bin/env bash
# veth_synflood.sh [N]: CPU-seconds per million SYNs on veth for four SYN-flood answerers, same trafgen flood:
#   our dataplane (AF_PACKET), our dataplane (AF_XDP), the kernel's own syncookies (tcp_syncookies=2), nft SYNPROXY.
# Method (docs/benchmarks.md): the generator is pinned to CPU 0; everything the answerer does is steered to CPU 1
# (RPS on the receiving veth, the dataplane worker pinned to CPU 1, threaded NAPI pinned to CPU 1 for native XDP).
# The answerer's cost, made robust to unrelated load on a shared machine: softirq+irq time on CPU 1 (/proc/stat)
# + the run time of ksoftirqd/1 (softirq work deferred to it) + the run time of the answerer's own threads (the
# dataplane process, the NAPI thread for native XDP) from /proc/*/schedstat (exact ns); divided by the SYNs it
# answered. Each answerer runs ROUNDS times; the median is reported. Prints a markdown table. Root; 2 CPUs.
set -u
N=${1:-300000}
ONLY=${ONLY:-}  # "dp" = only our two backends
ROUNDS=${ROUNDS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
DP=${DP:-$HERE/../../target/native/syncookied-dp}
[ "$(id -u)" = 0 ] || { echo "run as root"; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; exit 2; }
G=bgen$$ T=btgt$$
SRV=10.0.2.10
WORK=$(mktemp -d /tmp/dp-bench.XXXXXX)
WMEM=$(sysctl -n net.core.wmem_default)
cleanup() {
	ip netns pids $T 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids $G 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del $G 2>/dev/null; ip netns del $T 2>/dev/null
	sysctl -qw net.core.wmem_default="$WMEM"
	rm -rf "$WORK"
}
trap cleanup EXIT
cp "$DP" "$WORK/syncookied-dp" && DP=$WORK/syncookied-dp # a private copy: a rebuild cannot swap it mid-run

# /proc/stat cpu1 in USER_HZ: user+nice, system, irq+softirq
cpu1() { awk '$1=="cpu1" {print $2+$3, $4, $7+$8}' /proc/stat; }
# run time (ns) of the given pids' threads
runtime() {
	local p t sum=0
	for p in "$@"; do
		for t in /proc/$p/task/*/schedstat; do
			[ -r "$t" ] && sum=$(( sum + $(cut -d' ' -f1 "$t") ))
		done
	done
	echo $sum
}
ANSWERER_PIDS=""
setup() { # fresh pair of namespaces for each run: gen (g0) <-> tgt (f0)
	ip netns del $G 2>/dev/null; ip netns del $T 2>/dev/null
	ip netns add $G; ip netns add $T
	ip link add g0 netns $G type veth peer name f0 netns $T
	ip -n $G link set lo up; ip -n $T link set lo up
	ip -n $G link set g0 up; ip -n $T link set f0 up
	ip -n $G addr add 10.0.2.1/24 dev g0
	GEN_MAC=$(ip -n $G -j link show g0 | sed -n 's/.*"address":"\([0-9a-f:]*\)".*/\1/p')
	TGT_MAC=$(ip -n $T -j link show f0 | sed -n 's/.*"address":"\([0-9a-f:]*\)".*/\1/p')
	ip netns exec $T sh -c 'echo 2 > /sys/class/net/f0/queues/rx-0/rps_cpus'
	hx() { echo "0x${1//:/, 0x}"; }
	# SYNs from random 10.1.x.x sources and ports, no options (trafgen writes complete checksums)
	cat > "$WORK/syn.cfg" <<EOT
{ $(hx "$TGT_MAC"), $(hx "$GEN_MAC"), c16(0x0800),
  0x45, 0x00, c16(40), drnd(2), c16(0x4000), 64, 6, csumip(14, 33),
  10, 1, drnd(2), 10, 0, 2, 10,
  drnd(2), c16(80), drnd(4), c32(0), c16(0x5002), c16(64240), csumtcp(14, 34), c16(0) }
EOT
}

flood() { # runs the flood ROUNDS times; $1 prints the answerer's absolute SYN-ACK counter. Sets BUSY (median
	# CPU-seconds), ANS (that round's SYN-ACKs) and SPLIT
	local r a b ra rb c0 c1 ks results=()
	ks=$(pgrep -x ksoftirqd/1)
	for r in $(seq "$ROUNDS"); do
		sleep 0.5
		c0=$($1); a=($(cpu1)); ra=$(runtime $ks $ANSWERER_PIDS)
		ip netns exec $G taskset -c 0 trafgen --dev g0 --in "$WORK/syn.cfg" --num "$N" -q >/dev/null 2>&1
		sleep 0.3
		b=($(cpu1)); rb=$(runtime $ks $ANSWERER_PIDS); c1=$($1)
		results+=("$(awk -v q=$(( b[2] - a[2] )) -v t=$(( rb - ra )) -v hz=$(getconf CLK_TCK) 'BEGIN {printf "%.3f", q/hz + t/1e9}') $(( c1 - c0 )) $(( b[2] - a[2] )) $(( rb - ra ))")
	done
	local med; med=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
	set -- $med
	BUSY=$1 ANS=$2
	SPLIT=$(awk -v q=$3 -v t=$4 -v hz=$(getconf CLK_TCK) 'BEGIN {q = q/hz; t = t/1e9; s = q + t; if (s == 0) s = 1; printf "softirq %d%% / threads (worker, NAPI, ksoftirqd) %d%%", 100*q/s, 100*t/s}')
}

row() { # name
	local ans=$ANS
	local per=$(awk -v b=$BUSY -v a=$ans 'BEGIN {if (a>0) printf "%.2f", b/(a/1e6); else print "n/a"}')
	local us=$(awk -v b=$BUSY -v a=$ans 'BEGIN {if (a>0) printf "%.2f", b*1e6/a; else print "n/a"}')
	local loss=$(awk -v a=$ans -v n=$N 'BEGIN {printf "%.1f%%", 100*(1-a/n)}')
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$N" "$ans" "$loss" "$per" "$us" "$SPLIT"
}

sysctl -qw net.core.wmem_default=4194304 # trafgen in a netns cannot raise its own socket buffer
echo "| answerer | SYNs sent | SYN-ACKs | loss | CPU-s per million SYNs | µs per SYN | where the CPU went |"
echo "|---|---|---|---|---|---|---|"

for backend in afpacket afxdp; do
	setup
	mkdir -p "$WORK/sec"
	j=$(( $(date +%s) * 250 ))
	printf '%s %s 250\n0123456789abcdef.fedcba9876543210.\n0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\nformat 2\ntcp_clock_ms %s\ntcp_syncookies 2\ntcp_timestamps 2\n' \
		$j $((j / 15000)) $((j * 4)) > "$WORK/sec/$SRV"
	printf -- '- ip: %s\n  mac: 02:00:00:00:00:10\n' $SRV > "$WORK/hosts.yml"
	ip netns exec $T "$DP" run --backend $backend --iface f0 --cpus 1 ${DP_ARGS:-} --hosts "$WORK/hosts.yml" \
		--secrets-dir "$WORK/sec" --stats-interval 3600 > "$WORK/fw.log" 2>&1 &
	FW=$!
	sleep 1
	if ! grep -q '^running' "$WORK/fw.log"; then
		echo "| syncookied-dp $backend | $N | - | - | n/a | n/a | did not start: $(tail -1 "$WORK/fw.log") |"
		kill $FW 2>/dev/null; continue
	fi
	if [ $backend = afxdp ]; then # native XDP on veth runs in NAPI: make it a thread and pin it to CPU 1
		ip netns exec $T sh -c 'echo 1 > /sys/class/net/f0/threaded' 2>/dev/null
		for t in $(pgrep "napi/f0" 2>/dev/null); do taskset -pc 1 $t >/dev/null 2>&1; done
	fi
	ours() {
		kill -USR1 $FW; sleep 0.3
		grep '^counters:' "$WORK/fw.log" | tail -1 | tr ' ' '\n' | sed -n 's/^rx_syn=//p'
	}
	ANSWERER_PIDS="$FW $(pgrep "napi/f0" 2>/dev/null | tr '\n' ' ')"
	flood ours
	ANSWERER_PIDS=""
	kill $FW; wait $FW 2>/dev/null
	row "syncookied-dp $backend (worker on CPU 1${DP_ARGS:+, $DP_ARGS})"
done

if [ "$ONLY" = dp ]; then
	echo; echo "(our backends only; generator: trafgen on CPU 0, $N SYNs; load average $(cut -d' ' -f1-3 /proc/loadavg))"
	exit 0
fi

kernel_target() { # $1 = extra setup
	setup
	ip -n $T addr add $SRV/24 dev f0
	ip -n $T route add default via 10.0.2.1 # SYN-ACKs to the random sources need a route
	ip netns exec $T sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_max_syn_backlog=4096
	ip netns exec $T busybox nc -l -p 80 >/dev/null 2>&1 &
	sleep 0.2
}

kernel_target
kern() { ip netns exec $T nstat -az TcpExtSyncookiesSent | awk '/SyncookiesSent/ {print $2}'; }
flood kern
row "Linux kernel syncookies (tcp_syncookies=2)"

kernel_target
if ip netns exec $T nft -f - <<'NFT' 2>"$WORK/nft.err"
table ip sp {
	chain pre { type filter hook prerouting priority raw; tcp dport 80 tcp flags syn notrack; }
	chain in {
		type filter hook input priority filter;
		tcp dport 80 ct state invalid,untracked counter synproxy mss 1460 wscale 7 timestamp sack-perm
		ct state invalid drop
	}
}
NFT
then
	ip netns exec $T sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0 2>/dev/null
	sp() { ip netns exec $T nft list chain ip sp in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -1; }
	flood sp
	row "nft SYNPROXY"
else
	echo "| nft SYNPROXY | $N | - | - | n/a | n/a | cannot set up: $(head -1 "$WORK/nft.err") |"
fi
echo
echo "(generator: trafgen on CPU 0, $N SYNs without options from random 10.1.x.x sources, median of $ROUNDS rounds;"
echo " $(uname -r); $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

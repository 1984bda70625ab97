#!/usr/bin/env bash
# test_large_frames.sh BACKEND: bulk uploads through the firewall on links of MTU 9000, with GSO/GRO on (veth hands
# packet sockets super-frames of up to 64 KB) and off (9014-byte jumbo frames), against the same uploads on the
# direct path; then a frame that cannot leave (a jumbo frame to a 1500-MTU output port): counted as tx_oversize and
# logged once. AF_XDP (single-buffer UMEM frames) must refuse to start on such a link, naming the MTU.
# Topology: lab.sh, every link at MTU 9000, plus f1 (MTU 1500) from the firewall to the switch.
# The protected host is passthrough here: the server's own kernel makes the handshake, so the uploads are real TCP
# connections whose every data frame crosses the firewall's forwarding path.
# Exit 0 when every check passed, 1 when one failed, 249 when a capability is missing (the reason is printed).
# Prints one line per upload: "upload <path> <gso> <bytes> <seconds> retrans=<n>" (the figures docs/benchmarks.md
# records).
set -u
BACKEND=${1:-afpacket}
HERE=$(cd "$(dirname "$0")" && pwd)
DP=${DP:-$HERE/../../target/native/syncookied-dp}
SKIP=249
PORT=5001

skip() { echo "SKIP ($BACKEND): $*" >&2; echo "0 passed, 0 failed, 1 skipped"; exit $SKIP; }
[ "$(id -u)" = 0 ] || skip "netns tests need root (CI runs as root)"
for t in ip ethtool busybox; do command -v $t >/dev/null || skip "$t is not installed (deploy/install-deps.sh)"; done
[ -x "$DP" ] || { echo "FAIL: $DP not built"; echo "0 passed, 1 failed"; exit 1; }
ip netns add dpt-probe$$ 2>/dev/null || skip "cannot create network namespaces here"
ip netns del dpt-probe$$

LAB=dj${BACKEND:0:2}$$
source "$HERE/lab.sh"
WORK=$(mktemp -d /tmp/dp-jumbo.XXXXXX)
PASSED=0 FAILED=0 FW_PID=
cleanup() {
	fw_stop
	lab_down
	[ "$FAILED" = 0 ] && rm -rf "$WORK" || echo "artifacts kept in $WORK"
}
trap cleanup EXIT
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }

counter() { # $1 name: the firewall's total, from the SIGUSR1 dump
	local before
	before=$(grep -c '^counters:' "$WORK/fw.log")
	kill -USR1 "$FW_PID"
	for _ in $(seq 100); do
		[ "$(grep -c '^counters:' "$WORK/fw.log")" -gt "$before" ] && break
		sleep 0.05
	done
	grep '^counters:' "$WORK/fw.log" | tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

fw_start() { # extra run options
	ip netns exec "$NS_FW" "$DP" run --backend "$BACKEND" --iface f0 --hosts "$WORK/hosts.yml" \
		--secrets-dir "$WORK/secrets" --stats-interval 60 "$@" > "$WORK/fw.log" 2>&1 &
	FW_PID=$!
	for _ in $(seq 50); do grep -q '^running' "$WORK/fw.log" && return 0; sleep 0.1; done
	if [ "$BACKEND" != afpacket ] && grep -qiE 'not available|EPERM|Operation not permitted|not supported|MTU' \
		"$WORK/fw.log"; then
		skip "backend $BACKEND cannot run here with MTU 9000: $(grep -v '^counters' "$WORK/fw.log" | tail -1)"
	fi
	cat "$WORK/fw.log"
	fail "firewall started with backend $BACKEND $*"
	echo "$PASSED passed, $FAILED failed"
	exit 1
}
fw_stop() { [ -n "$FW_PID" ] && kill "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null; FW_PID=; }

# The client's TCP retransmissions (its namespace's own MIB).
retrans() {
	ip netns exec "$NS_C" awk '/^Tcp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; n = 1 }
		else print $c }' /proc/net/snmp
}

# upload PATH-LABEL BYTES [TIMEOUT]: one connection from the client to the server sends BYTES; prints the figures
# line and sets UP_SECS, UP_RETRANS, UP_RECEIVED.
upload() {
	local label=$1 bytes=$2 limit=${3:-60} n=$RANDOM r0 t0 t1
	rm -f "$WORK/rx.$n"
	ip netns exec "$NS_S" bash -c "busybox nc -l -p $PORT | wc -c > $WORK/rx.$n.tmp; mv $WORK/rx.$n.tmp $WORK/rx.$n" &
	local srv=$!
	for _ in $(seq 50); do ip netns exec "$NS_S" ss -ltn | grep -q ":$PORT " && break; sleep 0.05; done
	r0=$(retrans)
	t0=$(date +%s%N)
	timeout "$limit" ip netns exec "$NS_C" bash -c "head -c $bytes /dev/zero > /dev/tcp/$SRV4/$PORT" 2>/dev/null
	for _ in $(seq $((limit * 10))); do [ -s "$WORK/rx.$n" ] && break; sleep 0.1; done
	t1=$(date +%s%N)
	UP_RECEIVED=$(cat "$WORK/rx.$n" 2>/dev/null || echo 0)
	UP_RETRANS=$(($(retrans) - r0))
	UP_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	kill "$srv" 2>/dev/null
	ip netns pids "$NS_S" | xargs -r kill 2>/dev/null
	wait "$srv" 2>/dev/null
	echo "upload $label $bytes ${UP_SECS}s retrans=$UP_RETRANS received=$UP_RECEIVED"
}

# offloads on|off: TSO/GSO/GRO on the client, the router, the firewall's port and the server
offloads() {
	local state=$1 ns_if
	for ns_if in "$NS_C c0" "$NS_R r0" "$NS_R r1" "$NS_FW f0" "$NS_S s0"; do
		# shellcheck disable=SC2086
		set -- $ns_if
		ip netns exec "$1" ethtool -K "$2" tso "$state" gso "$state" gro "$state" >/dev/null 2>&1
	done
}

lab_up || { echo "FAIL: lab setup"; echo "0 passed, 1 failed"; exit 1; }
ip link add f1 netns "$NS_FW" mtu 1500 type veth peer name sw-f1 netns "$NS_SW" mtu 1500
ip -n "$NS_SW" link set sw-f1 master br0 up
ip -n "$NS_FW" link set f1 up
for l in "$NS_C c0" "$NS_R r0" "$NS_R r1" "$NS_SW sw-r" "$NS_SW sw-f" "$NS_SW sw-s" "$NS_FW f0" "$NS_S s0"; do
	# shellcheck disable=SC2086
	set -- $l
	ip -n "$1" link set "$2" mtu 9000
done
ip -n "$NS_SW" link set br0 mtu 9000 2>/dev/null
mkdir -p "$WORK/secrets"
lab_secrets "$WORK/secrets/$SRV4"
cat > "$WORK/hosts.yml" <<EOT
- ip: $SRV4
  mac: $SRV_MAC
  passthrough: true
EOT
# Retransmissions are counted to find lost frames: tail-loss probes (a timer, not a loss, that fires when a busy
# machine delays an ACK) would count on either path, so the client does without them.
ip netns exec "$NS_C" sysctl -qw net.ipv4.tcp_early_retrans=0
ip netns exec "$NS_C" ping -c 1 -W 2 -M do -s 8972 $SRV4 >/dev/null 2>&1
check "MTU 9000 end to end on the direct path (8972-byte ping, DF)" [ $? = 0 ]

# --- AF_XDP takes single-buffer UMEM frames: on a link of MTU 9000 it must refuse to start, saying why
if [ "$BACKEND" = afxdp ]; then
	ip netns exec "$NS_FW" timeout 10 "$DP" run --backend afxdp --iface f0 --hosts "$WORK/hosts.yml" \
		--secrets-dir "$WORK/secrets" > "$WORK/fw.log" 2>&1
	rc=$?
	if grep -qiE 'not available|EPERM|Operation not permitted|not supported' "$WORK/fw.log"; then
		skip "backend afxdp cannot run here: $(tail -1 "$WORK/fw.log")"
	fi
	grep -m1 'MTU' "$WORK/fw.log"
	check "AF_XDP on a link of MTU 9000 refuses to start, naming the MTU (exit $rc)" \
		[ "$rc" != 0 ] && grep -q 'MTU is too large' "$WORK/fw.log"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit
fi

# --- GSO on: the direct path, then the same uploads through the firewall
offloads on
echo "offloads: $(ip netns exec "$NS_C" ethtool -k c0 | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload):' | tr -s '\n' ' ')"
upload direct-gso 2000000; D2=$UP_RETRANS
check "direct path: 2 MB upload complete" [ "$UP_RECEIVED" = 2000000 ]
upload direct-gso 300000
check "direct path: 300 kB upload complete" [ "$UP_RECEIVED" = 300000 ]
fw_start
lab_divert
upload firewall-gso 2000000 60; F2=$UP_RETRANS
check "through the firewall (GSO on): 2 MB upload complete" [ "$UP_RECEIVED" = 2000000 ]
check "through the firewall (GSO on): no more retransmissions than the direct path ($F2 <= $D2)" [ "$F2" -le "$D2" ]
upload firewall-gso 300000 60
check "through the firewall (GSO on): 300 kB upload complete" [ "$UP_RECEIVED" = 300000 ]
GSO=$(counter rx_gso) OVER=$(counter tx_oversize) TXF=$(counter tx_failed) FWD=$(counter rx_forwarded)
echo "firewall: rx_gso=$GSO rx_forwarded=$FWD tx_failed=$TXF tx_oversize=$OVER"
if [ "$BACKEND" = afpacket ]; then
	check "super-frames longer than the MTU were seen and forwarded as GSO (rx_gso=$GSO)" [ "${GSO:-0}" -gt 0 ]
fi
check "no frame refused or lost on transmit (tx_failed=$TXF tx_oversize=$OVER)" [ "${TXF:-1}" = 0 ] && [ "${OVER:-1}" = 0 ]
fw_stop
lab_undivert() { ip -n "$NS_R" neigh replace $SRV4 lladdr "$SRV_MAC" nud permanent dev r1; }
lab_undivert

# --- GSO off: 9014-byte jumbo frames, each its own
offloads off
upload direct-jumbo 2000000; D2=$UP_RETRANS
check "direct path, no GSO: 2 MB upload complete" [ "$UP_RECEIVED" = 2000000 ]
fw_start
lab_divert
upload firewall-jumbo 2000000 60; F2=$UP_RETRANS
check "through the firewall, jumbo frames: 2 MB upload complete" [ "$UP_RECEIVED" = 2000000 ]
check "through the firewall, jumbo frames: no more retransmissions than the direct path ($F2 <= $D2)" [ "$F2" -le "$D2" ]
upload firewall-jumbo 300000 60
check "through the firewall, jumbo frames: 300 kB upload complete" [ "$UP_RECEIVED" = 300000 ]
OVER=$(counter tx_oversize) TXF=$(counter tx_failed)
check "no frame refused or lost on transmit (tx_failed=$TXF tx_oversize=$OVER)" [ "${TXF:-1}" = 0 ] && [ "${OVER:-1}" = 0 ]
fw_stop

# --- a jumbo frame to a 1500-MTU output port cannot leave: counted and said once, not lost in silence
fw_start --tx-iface f1
upload firewall-to-mtu1500 300000 4
OVER=$(counter tx_oversize)
check "jumbo frames to a 1500-MTU port counted as tx_oversize ($OVER)" [ "${OVER:-0}" -gt 0 ]
LINES=$(grep -c 'too long to send' "$WORK/fw.log")
check "and logged once in a burst of $OVER (rate-limited: $LINES line)" [ "$LINES" = 1 ]
grep -m1 'too long to send' "$WORK/fw.log"
fw_stop

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

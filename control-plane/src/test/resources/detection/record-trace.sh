#!/usr/bin/env bash
# record-trace.sh SCENARIO > FILE.csv: records a real Linux server's TCP counters every 100 ms while real traffic
# hits it, for FloodDetectorTest. Two network namespaces joined by a veth pair: the server runs the lab's echo
# service (tcpsecrets-kmod/test/guest/tsk-listen.c, backlog 128) with net.ipv4.tcp_syncookies=$MODE (default 2, as
# in the lab's guest; 1 = cookies only when the SYN queue is full); the client runs the lab's legitimate clients
# (deploy/lab/tools/lab-client.c: complete handshakes, one echoed line, close) at 20 connections/s throughout, and
# from t=4 s to t=8 s one of:
#   flood   trafgen, random-source SYNs at 20000 pps (never answered: the sources do not exist)
#   surge   a flash crowd: 2000 more legitimate connections per second (every handshake completes)
#   noise   no event; instead, all along, background scanning (trafgen random-source SYNs at 60 pps) and two
#           one-second legitimate bursts of 400 connections/s at t=3 s and t=9 s
# Columns are the ones the control plane receives from an agent (TelemetrySample order); nic_rx_packets is the
# server interface's rx counter. Needs root, iproute2, trafgen, gcc. Run it alone (no other netns or benchmark job) on a shared
# machine (network namespaces, CPU).
set -euo pipefail

SCENARIO=${1:?usage: record-trace.sh flood|surge|noise}
MODE=${MODE:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../../.." && pwd)
TMP=$(mktemp -d)
SRV=sc-trace-srv CLI=sc-trace-cli SRV_IP=10.77.0.1 PORT=80
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$SRV" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

gcc -O2 -static -o "$TMP/tsk-listen" "$ROOT/tcpsecrets-kmod/test/guest/tsk-listen.c"
gcc -O2 -o "$TMP/lab-client" "$ROOT/deploy/lab/tools/lab-client.c"

ip netns add "$SRV"
ip netns add "$CLI"
ip link add v-srv netns "$SRV" type veth peer name v-cli netns "$CLI"
ip -n "$SRV" addr add $SRV_IP/24 dev v-srv
ip -n "$CLI" addr add 10.77.0.2/24 dev v-cli
for ns in "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set v-srv up
ip -n "$CLI" link set v-cli up
# replies to the flood's random sources leave through the veth and die in the client namespace
ip -n "$SRV" route add default dev v-srv
ip -n "$CLI" route add default dev v-cli
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_syncookies="$MODE"
ip netns exec "$SRV" "$TMP/tsk-listen" $PORT >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.3

SRV_MAC=$(ip -n "$SRV" -o link show v-srv | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
CLI_MAC=$(ip -n "$CLI" -o link show v-cli | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
cat >"$TMP/syn.trafgen" <<-EOF
	{
	  0x${SRV_MAC//:/, 0x},
	  0x${CLI_MAC//:/, 0x},
	  c16(0x0800),
	  0x45, 0x00, c16(40), drnd(2), c16(0x4000), 64, 6, csumip(14, 33),
	  dinc(11, 126), drnd(3),
	  ${SRV_IP//./, },
	  drnd(2), c16($PORT), drnd(4), c32(0),
	  c16(0x5002), c16(64240), csumtcp(14, 34), c16(0)
	}
EOF

clients() { # clients RATE SECONDS: legitimate connections for a while
	timeout "$2" ip netns exec "$CLI" "$TMP/lab-client" rate --dst $SRV_IP:$PORT --rate "$1" --timeout-ms 3000 \
		--out "$TMP/legit-$1-$RANDOM.csv" >/dev/null 2>&1 &
	PIDS+=($!)
}
syns() { # syns PPS SECONDS: random-source SYNs
	timeout -s INT "$2" ip netns exec "$CLI" trafgen --dev v-cli --conf "$TMP/syn.trafgen" --rate "${1}pps" \
		--cpus 1 -q >/dev/null 2>&1 &
	PIDS+=($!)
}

echo "# Recorded $(date -u +%F) with record-trace.sh $SCENARIO: Linux $(uname -r) server netns, tcp_syncookies=$MODE,"
echo "# listener backlog 128, 20 legitimate connections/s throughout; see the script for the event. Every 100 ms."
echo "t_ms,syncookies_sent,syncookies_recv,reqq_full_do_cookies,reqq_full_drop,listen_drops,passive_opens,nic_rx_packets"
clients 20 13
start=$(date +%s%3N)
for i in $(seq 1 120); do
	t=$(($(date +%s%3N) - start))
	case $SCENARIO in
	flood) [ $i = 40 ] && syns 20000 4 ;;
	surge) [ $i = 40 ] && clients 2000 4 ;;
	noise)
		[ $i = 1 ] && syns 60 12
		[ $i = 30 ] && clients 400 1
		[ $i = 90 ] && clients 400 1
		;;
	*) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
	esac
	ip netns exec "$SRV" awk -v t="$t" '
		FILENAME ~ /netstat/ && /^TcpExt:/ { if (!h1) { for (i = 2; i <= NF; i++) n1[i] = $i; h1 = 1 } else for (i = 2; i <= NF; i++) v[n1[i]] = $i }
		FILENAME ~ /snmp/ && /^Tcp:/ { if (!h2) { for (i = 2; i <= NF; i++) n2[i] = $i; h2 = 1 } else for (i = 2; i <= NF; i++) v["Tcp" n2[i]] = $i }
		FILENAME ~ /dev/ && /v-srv:/ { sub(/.*:/, ""); split($0, d, " "); rx = d[2] }
		END { printf "%d,%d,%d,%d,%d,%d,%d,%d\n", t, v["SyncookiesSent"], v["SyncookiesRecv"], v["TCPReqQFullDoCookies"],
			v["TCPReqQFullDrop"], v["ListenDrops"], v["TcpPassiveOpens"], rx }' /proc/net/netstat /proc/net/snmp /proc/net/dev
	sleep 0.085
done

#!/usr/bin/env bash
# demo.sh: the README's main job. Builds the dataplane, then shows it on a real (network-namespace) network:
# a client's kernel connects to a protected server whose traffic the router diverts to the firewall; the firewall
# answers the SYN with a cookie, validates the ACK and forwards it to the server's MAC; a SYN flood and an ACK
# flood are absorbed. Then the core benchmark. Self-cleaning; run as root on Debian 12.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DP=$ROOT/dataplane-native/target/native/syncookied-dp
# auto: the fastest backend this kernel and NIC run (xdp: SYNs answered and cookie ACKs forwarded inside the
# kernel's XDP hook; then afxdp, then afpacket); the firewall's first line says which it picked and why
BACKEND=${BACKEND:-auto}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (network namespaces, raw sockets)"

say "installing dependencies (deploy/install-deps.sh)"
./deploy/install-deps.sh || die "install-deps failed"
say "building the dataplane (./mvnw -pl dataplane-native -am -DskipTests package)"
./mvnw -q -B -ntp -pl dataplane-native -am -DskipTests package || die "build failed"
[ -x "$DP" ] || die "$DP was not built"
"$DP" --version

LAB=demo$$
source "$ROOT/dataplane-native/tests/netns/lab.sh"
WORK=$(mktemp -d /tmp/syncookied-demo.XXXXXX)
FW_PID=
cleanup() {
	[ -n "$FW_PID" ] && kill "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null
	lab_down
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say "building the lab: client -- router -- switch -- {firewall, server} in network namespaces"
lab_up || die "lab setup failed"
ip netns exec "$NS_S" nft 'add table inet demo; add chain inet demo out { type filter hook output priority 0 ; } ; add rule inet demo out tcp flags rst drop'
mkdir -p "$WORK/secrets"
lab_secrets "$WORK/secrets/$SRV4"
# no filters: the xdp backend hands every frame of a host with filters to userspace (docs/limitations.md)
cat > "$WORK/hosts.yml" <<EOT
- ip: $SRV4
  mac: $SRV_MAC
EOT
echo "server $SRV4 ($SRV_MAC), firewall MAC $FW_MAC, client $CLI4"

say "starting the firewall: syncookied-dp run --backend $BACKEND --iface f0 (in the firewall namespace)"
ip netns exec "$NS_FW" "$DP" run --backend "$BACKEND" --iface f0 --hosts "$WORK/hosts.yml" \
	--secrets-dir "$WORK/secrets" --stats-interval 1 > "$WORK/fw.log" 2>&1 &
FW_PID=$!
for _ in $(seq 50); do grep -q '^running' "$WORK/fw.log" && break; sleep 0.1; done
grep -q '^running' "$WORK/fw.log" || { cat "$WORK/fw.log"; die "firewall did not start"; }
head -3 "$WORK/fw.log"

say "diverting the server's traffic: ip -n router neigh replace $SRV4 lladdr $FW_MAC nud permanent"
lab_divert

say "a real client connects to $SRV4:80 and sends a line"
ip netns exec "$NS_S" tcpdump -nn -e -vv -U --immediate-mode -i s0 -w "$WORK/srv.pcap" tcp port 80 2>/dev/null &
CAP=$!
sleep 0.7
CONNECTED=no
ip netns exec "$NS_C" timeout 3 bash -c "exec 3<>/dev/tcp/$SRV4/80 && echo hello >&3 && sleep 0.5" && CONNECTED=yes
sleep 0.3; kill -INT $CAP; wait $CAP 2>/dev/null
echo "client handshake completed: $CONNECTED"
echo "what the server received (it never saw the SYN; the firewall answered it):"
tcpdump -nn -e -r "$WORK/srv.pcap" 2>/dev/null | sed 's/^/   /' | head -4
SYNS_AT_SERVER=$(tcpdump -nn -r "$WORK/srv.pcap" 'tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
ACK_AT_SERVER=$(tcpdump -nn -e -r "$WORK/srv.pcap" 'tcp[tcpflags] == tcp-ack' 2>/dev/null | grep -c "$FW_MAC > $SRV_MAC")

say "a SYN flood (3000 SYNs, random sources) and an ACK flood (1000 random ACKs) from the client side"
ip netns exec "$NS_C" hping3 -q -S --rand-source -p 80 -c 3000 -i u200 $SRV4 >/dev/null 2>&1
ip netns exec "$NS_C" hping3 -q -A -p 80 -c 1000 -i u200 $SRV4 >/dev/null 2>&1
sleep 1.2
kill -USR1 "$FW_PID"; sleep 0.5
C=$(grep '^counters:' "$WORK/fw.log" | tail -1)
cnt() { tr ' ' '\n' <<<"$C" | sed -n "s/^$1=//p"; }
kill -TERM "$FW_PID"; wait "$FW_PID"; FW_PID=
grep '^stats:' "$WORK/fw.log" | tail -3 | sed 's/^/   /'

say "dataplane core benchmark (syncookied-dp bench, one thread, 2 s per workload)"
BENCH=()
if "$DP" --help | grep -q bench; then
	for w in syn ack established filtered; do
		BENCH+=("$("$DP" bench --workload $w --seconds 2 --threads 1 2>&1 | tail -1)")
		echo "   ${BENCH[-1]}"
	done
else
	echo "   (this build has no bench command)"
fi

say "summary"
printf '   %-52s %s\n' "client kernel completed the handshake" "$CONNECTED" \
	"SYNs that reached the server (must be 0)" "$SYNS_AT_SERVER" \
	"validated ACKs forwarded to the server's MAC" "$ACK_AT_SERVER" \
	"SYNs answered with a cookie (rx_syn)" "$(cnt rx_syn)" \
	"invalid ACKs dropped (rx_drop_bad_cookie)" "$(cnt rx_drop_bad_cookie)" \
	"frames forwarded to the server (rx_forwarded)" "$(cnt rx_forwarded)" \
	"transmit failures (tx_failed)" "$(cnt tx_failed)"
[ "$CONNECTED" = yes ] && [ "$SYNS_AT_SERVER" = 0 ] && [ "$ACK_AT_SERVER" -ge 1 ] || die "demo checks failed (see above)"
echo
echo "demo OK: the firewall answered the client's SYN, validated its ACK and forwarded it to the server."

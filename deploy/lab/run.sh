#!/usr/bin/env bash
# run.sh: the Syncookied lab. One command, as root, on one Linux machine: builds what it needs, boots a real
# protected server (Debian kernel under QEMU/TCG with tcpsecrets), wires the host agent, the control plane, the
# dataplane worker and a Linux router in network namespaces, runs legit clients and a long-lived connection,
# floods the server with random-source SYNs, lets the control plane detect and divert on its own, stops the
# flood, waits for the automatic restore, and prints a timeline, a summary, an HTML report with a picture and,
# as its very last line, a machine-readable RESULT line. Everything it creates is removed on exit, Ctrl-C or
# failure (the run's output directory and its InfluxDB data stay). See docs/operations.md "Lab".
set -uo pipefail

LAB=$(cd "$(dirname "$0")" && pwd)
ROOT=${LAB_ROOT:-$(cd "$LAB/../.." && pwd)}   # LAB_ROOT: run a copy of deploy/lab against this tree

usage() {
	cat <<-EOF
		usage: sudo deploy/lab/run.sh [options]
		  --rate PPS            SYN flood rate (default 50000; bounded so the lab keeps CPU on 2 cores)
		  --legit-rate N        legit connections per second (default 20)
		  --baseline S          seconds of legit traffic before the flood (default 15)
		  --attack S            seconds of flood (default 45)
		  --after S             seconds of legit traffic after the restore (default 10)
		  --hold-down S         control plane hold-down for automatic protection (default 20)
		  --quiet S             calm seconds needed before the automatic restore (default 10)
		  --unprotected         the same flood against the server alone (kernel syncookies only): no agent,
		                        no control plane, no firewall; for the comparison in docs/benchmarks.md
		  --bottleneck RATE     the server's link rate (tc tbf; default 2mbit, about 4600 SYN/s: the TCG guest
		                        is a few hundred times slower than a real server, so this is its "1G uplink";
		                        without it a 50 kpps flood livelocks the emulated CPU). "none" = unlimited
		  --ipv6                protect the server's IPv6 address: IPv6 flood, legit clients and long-lived
		                        connection; the router diverts with a static NDP entry
		  --diversion arp|bgp   how the router diverts (default arp: a static ARP entry at the firewall's MAC,
		                        programmed over the Linux router adapter). bgp: two scrubbers, each with its
		                        own worker, control plane and gobgpd, announce the server's /32 (/128 with
		                        --ipv6) to a bird2 router with multipath (ECMP); scrubber 2 is killed halfway
		                        through the flood
		  --nodes 3             three firewalls in cluster mode: each a worker, a control plane and an etcd member;
		                        the leader's control plane is killed a third into the flood, the node that owns the
		                        protected IP two thirds in (the IP moves to a surviving node)
		  --out DIR             output directory (default deploy/lab/out/<UTC time>)
		  --no-build            use the artifacts already built (CI builds them before)
	EOF
	exit 2
}

FLOOD_PPS=50000 LEGIT_RATE=20 BASELINE=15 ATTACK=45 AFTER=10 HOLD_DOWN=20 QUIET=10
MODE=protected BOTTLENECK=2mbit OUTDIR= BUILD=1 DIVERSION=arp FAMILY=4 NODES=1
DETECT_START=${LAB_DETECT_START:-1500} DETECT_END=${LAB_DETECT_END:-500}
LONG_MAX_GAP_MS=${LAB_LONG_MAX_GAP_MS:-5000}
while [ $# -gt 0 ]; do
	case $1 in
	--rate) FLOOD_PPS=$2; shift ;;
	--legit-rate) LEGIT_RATE=$2; shift ;;
	--baseline) BASELINE=$2; shift ;;
	--attack) ATTACK=$2; shift ;;
	--after) AFTER=$2; shift ;;
	--hold-down) HOLD_DOWN=$2; shift ;;
	--quiet) QUIET=$2; shift ;;
	--unprotected) MODE=unprotected ;;
	--bottleneck) BOTTLENECK=$2; [ "$2" = none ] && BOTTLENECK=; shift ;;
	--diversion) DIVERSION=$2; shift ;;
	--nodes) NODES=$2; shift ;;
	--ipv6) FAMILY=6 ;;
	--out) OUTDIR=$2; shift ;;
	--no-build) BUILD=0 ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage ;;
	esac
	shift
done
for pair in FLOOD_PPS:rate LEGIT_RATE:legit-rate BASELINE:baseline ATTACK:attack AFTER:after HOLD_DOWN:hold-down QUIET:quiet; do
	v=${pair%%:*}
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "run.sh: --${pair#*:} must be a positive integer, got '${!v}'" >&2; exit 2; }
done
[ "$FLOOD_PPS" -le 500000 ] || { echo "run.sh: --rate $FLOOD_PPS is above 500000 pps: on one machine the generator would starve the lab" >&2; exit 2; }
[ "$LEGIT_RATE" -le 10000 ] || { echo "run.sh: --legit-rate must be at most 10000" >&2; exit 2; }
case $DIVERSION in
arp) ;;
bgp)
	[ "$MODE" = protected ] || { echo "run.sh: --diversion bgp needs the protected mode" >&2; exit 2; }
	;;
*) echo "run.sh: --diversion must be arp or bgp, got '$DIVERSION'" >&2; exit 2 ;;
esac
case $NODES in
1) ;;
3)
	[ "$MODE" = protected ] && [ "$DIVERSION" = arp ] ||
		{ echo "run.sh: --nodes 3 needs the protected mode and the ARP/NDP diversion" >&2; exit 2; }
	;;
*) echo "run.sh: --nodes must be 1 or 3, got '$NODES'" >&2; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (network namespaces, tap, AF_PACKET, sysctl)" >&2; exit 2; }
# a fresh machine gets its packages here (a no-op when they are installed); LAB_NO_INSTALL=1 skips it
[ "${LAB_NO_INSTALL:-0}" = 1 ] || "$ROOT/deploy/install-deps.sh" || { echo "run.sh: deploy/install-deps.sh failed" >&2; exit 2; }
for t in ip nsenter unshare tc trafgen qemu-system-x86_64 influxd gnuplot curl jq gcc make cpio java \
	$([ "$DIVERSION" = bgp ] && echo gobgpd bird birdc) $([ "$NODES" = 3 ] && echo etcd etcdctl); do
	command -v "$t" >/dev/null || { echo "run.sh: '$t' missing: run deploy/install-deps.sh" >&2; exit 2; }
done

WORK=${OUTDIR:-$LAB/out/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
: >"$WORK/run.log"
: >"$WORK/marks.csv"
: >"$WORK/legit.csv"
: >"$WORK/long.csv"
: >"$WORK/events.sse"
: >"$WORK/switches.csv"
: >"$WORK/pids.txt"

. "$LAB/lib/common.sh"
. "$LAB/lib/topology.sh"
. "$LAB/lib/guest.sh"
. "$LAB/lib/mirror.sh"
. "$LAB/lib/synwatch.sh"
. "$LAB/lib/influx.sh"
. "$LAB/lib/control.sh"
. "$LAB/lib/attack.sh"
. "$LAB/lib/sampler.sh"
. "$LAB/lib/report.sh"
# the address the run protects, floods and measures: the guest's IPv4 one, or its IPv6 one with --ipv6
PROTECTED_IP=$([ "$FAMILY" = 6 ] && echo "$VM_IP6" || echo "$VM_IP4")
SERVICE_DST=$([ "$FAMILY" = 6 ] && echo "[$PROTECTED_IP]:$SERVICE_PORT" || echo "$PROTECTED_IP:$SERVICE_PORT")
[ "$DIVERSION" = bgp ] && . "$LAB/lib/bgp.sh"
[ "$NODES" = 3 ] && . "$LAB/lib/nodes.sh"

trap 'run_cleanups' EXIT
trap 'step "interrupted: cleaning up"; exit 130' INT TERM

DP=$ROOT/dataplane-native/target/native/syncookied-dp
CP_JAR=$(ls "$ROOT"/control-plane/target/control-plane-*.jar 2>/dev/null | grep -v -e sources -e original | head -1)

step "output: $WORK"
if [ "$BUILD" = 1 ]; then
	step "building dataplane-native, host-agent, control-plane (./mvnw -q -DskipTests package)"
	(cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package -pl dataplane-native,host-agent,control-plane -am) \
		>"$WORK/build.log" 2>&1 || die "build failed: $(tail -30 "$WORK/build.log")"
	CP_JAR=$(ls "$ROOT"/control-plane/target/control-plane-*.jar | grep -v -e sources -e original | head -1)
fi
AGENT_JAR=$(ls "$ROOT"/host-agent/target/host-agent-*-agent.jar 2>/dev/null | head -1)
[ -x "$DP" ] || die "$DP missing: build dataplane-native (./mvnw -pl dataplane-native package)"
[ -n "$CP_JAR" ] || die "control-plane jar missing: build control-plane (./mvnw -pl control-plane -am package)"
[ -n "$AGENT_JAR" ] || die "host-agent jar missing: build host-agent (./mvnw -pl host-agent package)"
# run from a snapshot: a rebuild in the source tree during the run must not change what runs
mkdir -p "$WORK/artifacts"
cp "$DP" "$WORK/artifacts/syncookied-dp" && DP=$WORK/artifacts/syncookied-dp
cp "$CP_JAR" "$WORK/artifacts/control-plane.jar" && CP_JAR=$WORK/artifacts/control-plane.jar
cp "$AGENT_JAR" "$WORK/artifacts/syncookied-agent.jar" && export SYNCOOKIED_AGENT_JAR=$WORK/artifacts/syncookied-agent.jar
gcc -O2 -Wall -Wextra -Werror -o "$WORK/lab-client" "$LAB/tools/lab-client.c" || die "cannot build lab-client"
gcc -O2 -Wall -Wextra -Werror -o "$WORK/proc-relay" "$LAB/tools/proc-relay.c" || die "cannot build proc-relay"

step "starting InfluxDB on 127.0.0.1:$INFLUX_PORT (data in $WORK/influxdb)"
on_exit influx_stop
influx_start "$WORK/influxdb"
record_pid "$INFLUX_PID" influxd

step "building the guest: tcpsecrets for the Debian kernel, busybox initramfs (kmod harness)"
guest_build
step "guest kernel $KVER, module built"

step "creating the topology: client, attacker, router, firewall, bridge (network namespaces)"
on_exit lab_net_down
lab_net_up
if [ "$DIVERSION" = bgp ]; then
	bgp_net_up
	on_exit bgp_stop
	bgp_router_start
	record_pid "$BIRD_PID" bird
	for n in 1 2; do
		bgp_speaker_start "$n"
		eval "record_pid \$GOBGPD${n}_PID gobgpd"
	done
	wait_for 60 "BGP sessions" bgp_sessions_up || die "the scrubbers' BGP sessions did not come up: $(birdc_lab show protocols)"
	step "bird2 router with both scrubbers' gobgpd established (eBGP, hold time ${BGP_HOLD}s, multipath)"
fi
if [ "$NODES" = 3 ]; then
	nodes_net_up
	on_exit nodes_stop
	nodes_etcd_start
	step "three-member etcd cluster up (${NODE_IDS[*]}: $ETCD_ENDPOINTS); firewalls on the bridge: $(for n in "${NODE_IDS[@]}"; do printf '%s %s, ' "$n" "${NODE_MAC[$n]}"; done)"
fi
for p in "${NS_HOLDERS[@]}"; do record_pid "$p" netns-holder; done
[ -n "$BOTTLENECK" ] && step "server link rate-limited to $BOTTLENECK"

step "booting the protected server under QEMU/TCG (about 10-30 s)"
on_exit guest_stop
guest_boot
record_pid "$QEMU_PID" qemu-launcher
for p in $(ps -o pid= --ppid "$QEMU_PID"); do record_pid "$p" qemu; done
step "guest up in ${BOOT_SECONDS}s: $VM_IP4 and $VM_IP6, echo service on port $SERVICE_PORT, tcpsecrets loaded; protecting $PROTECTED_IP"

on_exit mirror_stop
mirror_start
record_pid "$MIRROR_PID" proc-relay
step "relaying the guest's /proc (tcp_secrets, netstat, snmp, dev, sysctls) to $MIRROR (virtio-serial, every ${MIRROR_PERIOD_MS} ms)"
step "guest clocksource $GUEST_CLOCKSOURCE, tcp_clock_ms rate vs host: ${GUEST_CLOCK_PPM} ppm (relay-jitter bound)"
relay_probe 20
step "relay data age at the mirror (20 probes): p50 ${RELAY_AGE_P50} ms, p95 ${RELAY_AGE_P95} ms, max ${RELAY_AGE_MAX} ms; one snapshot over the serial command channel takes ${SERIAL_SNAPSHOT_MS} ms"
synwatch_start

router_monitor_start
on_exit "kill_wait $NEIGH_PID 2"
record_pid "$NEIGH_PID" "ip monitor"

if [ "$MODE" = protected ]; then
	control_files
	if [ "$NODES" = 3 ]; then
		step "starting three control planes in cluster mode (REST 127.0.0.1:${NODE_API[*]})"
		nodes_control_start
		step "leader: $(nodes_leader)"
	else
		step "starting the control plane (REST 127.0.0.1:$API_PORT, telemetry 127.0.0.1:$TELEMETRY_PORT)"
		on_exit control_stop
		control_start
		record_pid "$CP_PID" control-plane
		record_pid "$EVENTS_PID" events-curl
	fi
	step "starting the host agent on the guest mirror (--proc-root $MIRROR)"
	on_exit agent_stop
	agent_start
	record_pid "$AGENT_PID" host-agent
	wait_for 60 secrets sh -c "curl -sf -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$API_PORT/api/v1/hosts/$PROTECTED_IP | jq -e '.agent.secretsFresh == true'" ||
		die "the control plane never got fresh secrets from the agent: $(tail -5 "$WORK/agent.log")"
	wait_for 60 dataplane sh -c "curl -sf -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$API_PORT/api/v1/dataplane | jq -e '.healthy == true'" ||
		die "the dataplane worker is not healthy: $(api GET /api/v1/dataplane) $(tail -5 "$WORK/controlplane.log")"
	if [ "$NODES" = 3 ]; then
		wait_for 60 "every node ready" nodes_ready || die "not every node got fresh secrets and a healthy worker"
		for n in "${NODE_IDS[@]}"; do record_pid "$(pids_with_arg "$WORK/state-$n/dataplane.sock" | head -1)" "dataplane-worker $n"; done
		step "agent -> all three control planes: secrets fresh; every node's worker healthy in its namespace"
	else
		DP_PID=$(pids_with_arg "$WORK/state/dataplane.sock" | head -1)
		record_pid "$DP_PID" dataplane-worker
		step "agent -> control plane: secrets fresh; dataplane worker healthy (pid ${DP_PID:-?}) in the firewall namespace"
	fi
fi
if [ "$DIVERSION" = bgp ]; then
	step "starting scrubber 2: its control plane and dataplane worker (the server's agent reports to both)"
	bgp_node2_start
	record_pid "$CP2_PID" control-plane-2
	record_pid "$EVENTS2_PID" events-curl-2
	wait_for 60 "scrubber 2 secrets" sh -c "curl -sf -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$API_PORT2/api/v1/hosts/$PROTECTED_IP | jq -e '.agent.secretsFresh == true'" ||
		die "scrubber 2's control plane never got fresh secrets: $(tail -5 "$WORK/controlplane2.log")"
	wait_for 60 "scrubber 2 dataplane" sh -c "curl -sf -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$API_PORT2/api/v1/dataplane | jq -e '.healthy == true'" ||
		die "scrubber 2's dataplane worker is not healthy: $(api2 GET /api/v1/dataplane) $(tail -5 "$WORK/controlplane2.log")"
	record_pid "$(pids_with_arg "$WORK/state2/dataplane.sock" | head -1)" dataplane-worker-2
	step "scrubber 2 ready; both scrubbers will announce $HOST_ROUTE when their control planes detect the flood"
fi

attack_prepare

on_exit sampler_stop
sampler_start
record_pid "$SAMPLER_PID" sampler
nsx_bg "$NS_CLIENT" "$WORK/lab-client" long --dst "$SERVICE_DST" --out "$WORK/long.csv" --interval-ms 200 \
	--stall-ms 600000
LONG_PID=$BG_PID
on_exit "kill_wait $LONG_PID 2"
record_pid "$LONG_PID" long-lived-client
# a connection counts when it connects and its echo is back within 5 s: two lost SYNs (retransmitted at 1 s
# and 3 s) still make it, three do not; the connect-time percentiles show what the retransmissions cost
nsx_bg "$NS_CLIENT" "$WORK/lab-client" rate --dst "$SERVICE_DST" --rate "$LEGIT_RATE" --timeout-ms 5000 \
	--out "$WORK/legit.csv"
LEGIT_PID=$BG_PID
on_exit "kill_wait $LEGIT_PID 2"
record_pid "$LEGIT_PID" legit-clients
mark traffic_start
step "baseline: $LEGIT_RATE legit connections/s and one long-lived connection (a line every 200 ms)"

# progress SECONDS LABEL: one status line every 3 s while waiting
progress() {
	local until=$(($(now_ms) + $1 * 1000)) label=$2 a b t pct
	while [ "$(now_ms)" -lt "$until" ]; do
		sleep 3
		a=$(tail -1 "$WORK/samples.csv") t=$(now_ms)
		pct=$(awk -F, -v t="$t" '$1 >= t - 4000 && $1 < t - 1000 { n++; ok += $2 } END { printf "%s", n ? sprintf("%.0f%% of %d", 100 * ok / n, n) : "-" }' "$WORK/legit.csv")
		b=$(awk -F, '$1 ~ /^[0-9]+$/ { if (p) { dt = ($1 - t) / 1000; r = sprintf("offered %.0f pps, to server %.0f pps, to firewall %.0f pps", ($2 - o) / dt, ($3 - s) / dt, ($4 - f) / dt) } p = 1; t = $1; o = $2; s = $3; f = $4; st = $NF; d = $5 }
			END { printf "%s | router: %s | state %s", r, d ? "DIVERTED" : "direct", st }' <(tail -2 "$WORK/samples.csv"))
		step "$label: $b | legit ok $pct"
	done
}

progress "$BASELINE" baseline
step "ATTACK: random-source SYN flood at $FLOOD_PPS pps from the attacker namespace"
on_exit attack_stop
attack_start "$FLOOD_PPS"
mark flood_start
record_pid "$ATTACK_PID" trafgen
record_pid "$FIRST_PID" tcpdump
for p in $(ps -o pid= --ppid "$ATTACK_PID"); do record_pid "$p" trafgen-sender; done
if [ "$DIVERSION" = bgp ]; then
	progress $((ATTACK / 2)) flood
	step "scrubber 2 dies: SIGKILL to its gobgpd, worker and control plane (router next hops: $(router_next_hops))"
	bgp_node2_kill scrubber2_killed
	progress $((ATTACK - ATTACK / 2)) "flood, scrubber 1 alone"
elif [ "$NODES" = 3 ]; then
	nodes_chaos
else
	progress "$ATTACK" flood
fi
attack_stop
mark flood_stop
FIRST=$(flood_first_ms)
[ -n "$FIRST" ] && echo "$FIRST,flood_first" >>"$WORK/marks.csv"
step "flood stopped (its first SYN reached the router $([ -n "$FIRST" ] && echo "at $FIRST, $((FIRST - $(mark_time flood_start))) ms after trafgen started" || echo "at an uncaptured time"))"

if [ "$MODE" = protected ]; then
	limit=$((HOLD_DOWN + QUIET + 60))
	step "waiting for the automatic restore (hold-down ${HOLD_DOWN}s, quiet ${QUIET}s; at most ${limit}s)"
	t0=$SECONDS
	while router_diverted && ((SECONDS - t0 < limit)); do
		progress 3 restore
	done
	router_diverted && step "NOT restored after ${limit}s" || step "direct path restored"
fi
progress "$AFTER" after
kill_wait "$LEGIT_PID" 5
kill_wait "$LONG_PID" 5
mark traffic_stop
sampler_stop

router_switches >"$WORK/switches.csv"

step "collecting results"
# the echo service's own account (accepts, echoes, short writes), for a run whose legitimate traffic failed
guest 'wc -l </tmp/listen.log; tail -n 300 /tmp/listen.log' >"$WORK/guest-listen.log" 2>&1 || true
read -r FW_SYNS FW_SYNACKS FW_WS_KERNEL FW_WS_OTHER < <(synwatch_read)
report_build

# Stop and remove everything now, so that the RESULT line really is the last line printed.
run_cleanups
LEFT=$(ip netns list | grep -c "$ROUTER_NAME" || true)
[ "$LEFT" = 0 ] || echo "WARNING: router namespace name still present"
echo
cat "$WORK/summary.txt"
echo "Report: $WORK/index.html (picture: $WORK/report.svg)"
echo
result_line | tee "$WORK/result.txt"

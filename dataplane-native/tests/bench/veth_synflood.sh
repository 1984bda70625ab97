#!/usr/bin/env bash
# veth_synflood.sh: CPU per SYN and zero-loss throughput of every SYN-flood answerer on one veth pair, under the same
# SYN flood (docs/benchmarks.md has the table, the command and the conditions). Root; 2 CPUs; prints markdown.
#
# The pair: the generator g0 (namespace G) and f0 (namespace T), where each answerer in turn answers for 10.0.2.10.
# The generator (GEN): synflood-gen (tests/bench/synflood_gen.c, the default): an XDP program run by
# BPF_PROG_TEST_RUN with live frames writes each SYN and redirects it into g0, so the frame lands in f0's receive ring
# with no skb and no socket on the generator's CPU, evenly paced at the offered rate; or trafgen (GEN=trafgen: a
# packet socket, one skb per SYN on CPU 0, which bounds what it offers to a few hundred kpps).
# With synflood-gen, f0 receives in NAPI in every row, as a NIC driver does: f0 has an XDP program in every row (the
# answerer's own, else the helpers' `pass`), since a veth takes redirected frames only into the NAPI instance that
# an XDP program gives it.
# Accounting, the same for every row:
#   - the generator's side runs on CPU 0 and is not counted: the generator, and the receive of the SYN-ACKs on g0
#     (g0's XDP program synack_sink drops them in g0's NAPI thread, on CPU 0, without handing them to the stack);
#   - everything on CPU 1 is counted: its busy time (wall time minus idle, from /proc/stat), i.e. the answerer's
#     threads, the softirq and NAPI work of f0 (RPS and f0's NAPI thread are on CPU 1), and whatever else runs there;
#   - on a shared machine "whatever else" is other people's work: a second figure counts only the answering path,
#     from a perf profile of CPU 1 during the same trial (cpu_attribution.py: samples in the answerer's threads,
#     ksoftirqd, NAPI threads, or softirq on top of any thread). On a quiet machine the two agree;
#   - SYN-ACKs are counted where they arrive, on g0: the veth's XDP drop counter (ethtool -S g0). The answerers' own
#     counters do not count.
#   - NAPI threads (veth has NAPI only with XDP) run SCHED_FIFO, as a NIC's receive runs in softirq: a veth's NAPI
#     thread left to the CFS scheduler on a loaded CPU drops what its 256-frame ring cannot hold.
# Rows: XDP_TX floor (tests/xdp/veth_helpers.bpf.c: a SYN reflected in place, no SipHash), syncookied-dp xdp, afxdp
# and afpacket, the kernel's syncookies (tcp_syncookies=2), nft SYNPROXY.
# Per row: µs of CPU 1 per SYN-ACK and the loss at a fixed offered rate that every answerer sustains (RATE kpps;
# median of ROUNDS trials of SECS seconds), then the zero-loss throughput: the highest rate the generator achieved in
# a trial with under 0.1 % loss, by bisection on a log scale (RFC 2544 style) between the fixed rate (or 1 kpps, if
# that lost SYNs) and what the generator offers on one CPU with no answerer.
#
# A trial that lost SYNs while the hypervisor took time from CPU 0 or 1 (steal in /proc/stat), or a fixed-rate trial
# with more than STEAL_MS stolen from them, is run again, up to REDO times: see measured().
#
# Env: RATE (kpps, 100), SECS (3), ROUNDS (3), ROWS ("floor xdp afxdp afpacket kernel synproxy"), SEARCH (1 = find the
# zero-loss throughput), STEPS (bisection steps, 7), REDO (3), STEAL_MS (50), GEN (synflood-gen | trafgen), BURST (synflood-gen:
# frames per burst at the same average rate, 8; 1 = evenly spaced, which wakes f0's NAPI thread once per frame, where
# a NIC that moderates its interrupts hands its driver a few frames at once), DP_ARGS (more options for syncookied-dp
# run, e.g. "--rt-priority 10"), DP (the syncookied-dp binary), DIAG (1 = where the lost SYNs went, per row, and every
# trial's raw figures, with its stolen time and f0's drops), PERF (1 = the answering-path figure; needs perf), TRACE (a
# directory: each fixed-rate trial traced with ftrace into TRACE/<row>.<n>; tests/bench/ring_stalls.py reads them),
# PERF_KEEP (a directory: each fixed-rate trial's CPU 1 profile, with PERF=1, is kept there as
# <row>.<kpps>kpps.<n>, n counting every trial of the run, redone ones included, for `perf report -i`).
set -u
RATE=${RATE:-100}
SECS=${SECS:-3}
ROUNDS=${ROUNDS:-3}
ROWS=${ROWS:-floor xdp afxdp afpacket kernel synproxy}
SEARCH=${SEARCH:-1}
STEPS=${STEPS:-7}
REDO=${REDO:-3}
STEAL_MS=${STEAL_MS:-50}
PERF_KEEP=${PERF_KEEP:-}
[[ $STEAL_MS =~ ^[0-9]+$ ]] || { echo "STEAL_MS must be a number of milliseconds, not '$STEAL_MS'" >&2; exit 2; }
GEN=${GEN:-synflood-gen}
BURST=${BURST:-8}
DIAG=${DIAG:-0}
TRACE=${TRACE:-}
PERF=${PERF:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(cd "$HERE/../.." && pwd)
DP=${DP:-$MOD/target/native/syncookied-dp}
HELPERS=$MOD/target/native/xdp/veth_helpers.bpf.o
GEN_BIN=$MOD/target/native/synflood-gen
GEN_OBJ=$MOD/target/native/xdp/synflood.bpf.o
[ "$(id -u)" = 0 ] || { echo "run as root"; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; exit 2; }
command -v perf >/dev/null || PERF=0
case $GEN in
synflood-gen) [ -x "$GEN_BIN" ] && [ -f "$GEN_OBJ" ] || { echo "$GEN_BIN missing: make -C $MOD"; exit 2; } ;;
trafgen) command -v trafgen >/dev/null || { echo "trafgen missing (deploy/install-deps.sh)"; exit 2; } ;;
*) echo "GEN: synflood-gen or trafgen, not $GEN"; exit 2 ;;
esac
for t in nft ethtool busybox python3; do command -v $t >/dev/null || { echo "$t missing (deploy/install-deps.sh)"; exit 2; }; done
[ -x "$DP" ] || { echo "$DP missing: make -C $MOD"; exit 2; }
[ -f "$HELPERS" ] || make -s -C "$MOD" xdp-helpers >/dev/null || { echo "cannot build $HELPERS"; exit 2; }
G=bgen$$ T=btgt$$
TRACE_FS=/sys/kernel/tracing/instances/dpbench$$ # a private ftrace instance: the global trace is left alone
SRV=10.0.2.10
WORK=$(mktemp -d /tmp/dp-bench.XXXXXX)
WMEM=$(sysctl -n net.core.wmem_default)
cleanup() {
	ip netns pids $T 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids $G 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del $G 2>/dev/null
	ip netns del $T 2>/dev/null
	sysctl -qw net.core.wmem_default="$WMEM"
	[ -d "$TRACE_FS" ] && echo 0 >"$TRACE_FS/tracing_on" && rmdir "$TRACE_FS"
	rm -rf "$WORK"
}
trap cleanup EXIT
cp "$DP" "$WORK/syncookied-dp" && DP=$WORK/syncookied-dp # a private copy: a rebuild cannot swap it mid-run
cp "$HELPERS" "$WORK/helpers.o" && HELPERS=$WORK/helpers.o
if [ "$GEN" = synflood-gen ]; then
	cp "$GEN_BIN" "$WORK/synflood-gen" && GEN_BIN=$WORK/synflood-gen
	cp "$GEN_OBJ" "$WORK/synflood.bpf.o" && GEN_OBJ=$WORK/synflood.bpf.o
fi

now_ns() { date +%s%N; }
# CPU 1: busy = wall time - idle - iowait - steal (USER_HZ ticks of /proc/stat), its softirq share, and the time the
# hypervisor took from either CPU (steal)
cpu1() {
	awk '$1=="cpu0" {s0 = $9} $1=="cpu1" {c = $5 + $6 + $9; si = $8; s1 = $9} END {print c, si, s0 + s1}' /proc/stat
}
pin_napi() { # $1 ns, $2 dev, $3 cpu: the device's NAPI threads, made threaded, on that CPU, SCHED_FIFO
	ip netns exec "$1" sh -c "echo 1 > /sys/class/net/$2/threaded" 2>/dev/null
	for t in $(pgrep "napi/$2-"); do
		taskset -pc "$3" "$t" >/dev/null 2>&1
		chrt -f -p 50 "$t" 2>/dev/null
	done
}

setup() { # fresh namespaces for each row: gen (g0) <-> tgt (f0)
	ip netns pids $T 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del $G 2>/dev/null
	ip netns del $T 2>/dev/null
	ip netns add $G
	ip netns add $T
	ip link add g0 netns $G type veth peer name f0 netns $T
	ip -n $G link set lo up
	ip -n $T link set lo up
	ip -n $G link set g0 up
	ip -n $T link set f0 up
	ip -n $G addr add 10.0.2.1/24 dev g0
	GEN_MAC=$(ip -n $G -j link show g0 | sed -n 's/.*"address":"\([0-9a-f:]*\)".*/\1/p')
	TGT_MAC=$(ip -n $T -j link show f0 | sed -n 's/.*"address":"\([0-9a-f:]*\)".*/\1/p')
	ip netns exec $G sh -c 'echo 1 > /sys/class/net/g0/queues/rx-0/rps_cpus' # SYN-ACKs received on CPU 0
	ip netns exec $T sh -c 'echo 2 > /sys/class/net/f0/queues/rx-0/rps_cpus' # SYNs received on CPU 1
	# the SYN-ACKs that arrive on g0 are counted and dropped there (the generator's side, CPU 0)
	ip -n $G link set dev g0 xdpdrv obj "$HELPERS" sec synack_sink
	pin_napi $G g0 0
	hx() { echo "0x${1//:/, 0x}"; }
	# trafgen's SYNs: random 10.1.x.x sources and ports, no options (trafgen writes complete checksums), as
	# synflood-gen's
	cat > "$WORK/syn.cfg" <<-EOT
	{ $(hx "$TGT_MAC"), $(hx "$GEN_MAC"), c16(0x0800),
	  0x45, 0x00, c16(40), drnd(2), c16(0x4000), 64, 6, csumip(14, 33),
	  10, 1, drnd(2), 10, 0, 2, 10,
	  drnd(2), c16(80), drnd(4), c32(0), c16(0x5002), c16(64240), csumtcp(14, 34), c16(0) }
	EOT
}
f0_drops() { # f0's rx dropped (SYNs its full ring refused) and tx dropped (SYN-ACKs g0's full ring refused)
	ip -n $T -j -s link show f0 | python3 -c 'import json, sys
s = json.load(sys.stdin)[0]["stats64"]; print(s["rx"]["dropped"], s["tx"]["dropped"])'
}
# trace_start / trace_stop FILE: what ring_stalls.py needs to place f0's drops: the scheduler, NAPI polls, the
# generator's redirects and f0's XDP_TX flushes (their drops), IPIs, timers and softirqs, on both CPUs
trace_start() {
	mkdir "$TRACE_FS" && echo mono >"$TRACE_FS/trace_clock" && echo 65536 >"$TRACE_FS/buffer_size_kb" || return 1
	for e in sched/sched_switch sched/sched_waking napi/napi_poll xdp/xdp_devmap_xmit xdp/xdp_bulk_tx \
		irq_vectors/reschedule_entry irq_vectors/call_function_single_entry irq_vectors/local_timer_entry \
		irq/softirq_entry irq/irq_handler_entry workqueue/workqueue_execute_start timer/hrtimer_expire_entry; do
		echo 1 >"$TRACE_FS/events/$e/enable" 2>/dev/null
	done
	echo 1 >"$TRACE_FS/tracing_on"
}
trace_stop() {
	echo 0 >"$TRACE_FS/tracing_on"
	cat "$TRACE_FS/trace" >"$1"
	rmdir "$TRACE_FS"
}
synacks() { ip netns exec $G ethtool -S g0 | sed -n 's/^ *rx_queue_0_xdp_drops: *//p'; }
f0_pass() { # f0's NAPI receive for the rows whose answerer has no XDP program of its own
	[ "$GEN" = synflood-gen ] || return 0
	ip -n $T link set dev f0 xdpdrv obj "$HELPERS" sec pass && pin_napi $T f0 1
}

# generate KPPS N: N SYNs at KPPS from CPU 0; sets OFFERED (the kpps achieved) and LATE (synflood-gen: frames the
# generator sent late, when something else had CPU 0)
generate() {
	local t0 t1 out
	LATE=-
	if [ "$GEN" = trafgen ]; then
		t0=$(now_ns)
		ip netns exec $G taskset -c 0 trafgen -P 1 -C --dev g0 --in "$WORK/syn.cfg" --num $2 \
			$([ "$1" -gt 0 ] && echo -b $(($1 * 1000))pps) -q >/dev/null 2>&1
		t1=$(now_ns)
		OFFERED=$(awk -v n=$2 -v d=$((t1 - t0)) 'BEGIN {printf "%d", n / (d / 1e9) / 1000}')
		return 0
	fi
	# nice -20: the generator busy-waits between frames (that is how it paces them evenly), so at the default weight
	# anything else runnable on CPU 0 would take turns of milliseconds from it, and those frames would go late
	out=$(ip netns exec $G nice -n -20 taskset -c 0 "$GEN_BIN" --obj "$GEN_OBJ" --dev g0 --dst-mac "$TGT_MAC" --dst $SRV \
		--rate "$1" --count "$2" --burst "$BURST" 2>&1)
	OFFERED=$(echo "$out" | sed -n 's/.* kpps=\([0-9]*\).*/\1/p')
	LATE=$(echo "$out" | sed -n 's/.* late=\([0-9]*\).*/\1/p')
	[ -n "$OFFERED" ] || { echo "synflood-gen: $out" >&2; OFFERED=0; }
}

# trial KPPS [PROFILE]: N = KPPS * 1000 * SECS SYNs at that rate; sets BUSY (CPU 1 seconds), ANS (SYN-ACKs), SOFT
# (softirq % of BUSY), LOSS (%), OFFERED (kpps the generator achieved), STOLEN (ms the hypervisor took from CPU 0 or
# 1, in 10 ms ticks) and, with PROFILE=1 and PERF=1, OURS (seconds of CPU 1 in the answering path)
trial() {
	local n=$(($1 * 1000 * SECS)) a b c0 c1 d0 d1 t0 t1 hz pp=
	hz=$(getconf CLK_TCK)
	sleep 0.3
	if [ "${2:-0}" = 1 ] && [ "$PERF" = 1 ]; then
		taskset -c 0 perf record -q -C 1 -F 1000 -e cpu-clock -g -o "$WORK/perf.data" >/dev/null 2>&1 &
		pp=$!
		sleep 0.5
	fi
	c0=$(synacks)
	[ "$DIAG" = 1 ] && d0=($(f0_drops))
	a=($(cpu1))
	[ -n "$TRACE" ] && [ "${2:-0}" = 1 ] && trace_start
	t0=$(now_ns)
	generate "$1" $n
	sleep 0.3
	t1=$(now_ns)
	if [ -d "$TRACE_FS" ]; then
		TRACED=$((TRACED + 1))
		trace_stop "$TRACE/$ROW.$TRACED"
	fi
	b=($(cpu1))
	c1=$(synacks)
	[ "$DIAG" = 1 ] && d1=($(f0_drops))
	OURS=-
	if [ -n "$pp" ]; then
		kill -INT $pp
		wait $pp 2>/dev/null
		KEPT=$((KEPT + 1))
		[ -n "$PERF_KEEP" ] && cp "$WORK/perf.data" "$PERF_KEEP/$ROW.${1}kpps.$KEPT"
		# the profile spans the trial plus 0.5 s of quiet before it: its idle-time answering work is counted too
		OURS=$(perf script -i "$WORK/perf.data" -F comm,pid,tid,cpu,ip,sym 2>/dev/null |
			python3 "$HERE/cpu_attribution.py" 1000 --pids "${ANSWERER:-0}" | sed -n 's/^ours=\([0-9.]*\).*/\1/p')
	fi
	ANS=$((c1 - c0))
	SENT=$n
	BUSY=$(awk -v w=$((t1 - t0)) -v i=$((b[0] - a[0])) -v hz=$hz 'BEGIN {printf "%.4f", w / 1e9 - i / hz}')
	SOFT=$(awk -v s=$((b[1] - a[1])) -v hz=$hz -v busy=$BUSY 'BEGIN {printf "%d", (busy > 0) ? 100 * s / hz / busy : 0}')
	LOSS=$(awk -v a=$ANS -v n=$n 'BEGIN {printf "%.2f", 100 * (1 - a / n)}')
	STOLEN=$(((b[2] - a[2]) * 1000 / hz))
	[ "$DIAG" = 1 ] && echo "<!-- trial $1 kpps: sent $n, SYN-ACKs $ANS, loss $LOSS %, $GEN $OFFERED kpps" \
		"(late $LATE), CPU 1 busy ${BUSY}s, answering path ${OURS}s, stolen ${STOLEN} ms;" \
		"f0 rx/tx dropped $((d1[0] - d0[0]))/$((d1[1] - d0[1])) -->"
	return 0
}

# A trial that lost SYNs while the hypervisor held one of the CPUs (steal): the receiving vCPU, halted between
# bursts, can stay off for milliseconds after the generator's wakeup (traced: 3-4 ms with no event at all on CPU 1),
# longer than f0's 256 frames last, whatever the answerer. That trial measures the host, not the answerer: it is run
# again, up to REDO times, and the row says how many were (its last column); a trial still stolen at the end is kept
# as it is. A search trial that lost nothing stands, stolen or not. A fixed-rate trial (its second argument 1) also
# gives the row's CPU figure, and CPU 1's busy time is not the answerer's once more than STEAL_MS was stolen: a vCPU
# that the host holds while it is halted is counted as idle by the guest and as stolen by the host (busy time even
# went negative), so such a trial is run again too, lossless or not. The stolen time counted is both CPUs' (a
# generator held on CPU 0 bunches its frames as well).
measured() {
	local k
	for k in $(seq $((REDO + 1))); do
		trial "$@"
		if [ "$STOLEN" -eq 0 ] || [ "$k" -gt "$REDO" ]; then return 0; fi
		if [ "$ANS" -ge "$SENT" ] && { [ "${2:-0}" != 1 ] || [ "$STOLEN" -le "$STEAL_MS" ]; }; then return 0; fi
		REDONE=$((REDONE + 1))
	done
}

# The fixed rate, ROUNDS times: the round with the median µs per SYN-ACK (all of CPU 1) gives every figure
fixed() {
	local r res=()
	for r in $(seq "$ROUNDS"); do
		measured "$RATE" 1
		res+=("$(awk -v b=$BUSY -v a=$ANS 'BEGIN {printf "%.3f", (a > 0) ? b * 1e6 / a : 999}') $LOSS $SOFT \
$(awk -v o=$OURS -v a=$ANS 'BEGIN {if (o == "-") print "-"; else printf "%.3f", (a > 0) ? o * 1e6 / a : 999}') $OFFERED")
	done
	set -- $(printf '%s\n' "${res[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
	US=$1 FLOSS=$2 FSOFT=$3 UPATH=$4 FOFF=$5
}

# Bisection on a log scale over the generator's rate for the highest achieved rate with under 0.1 % loss (ZL); the
# generator shares CPU 0 with the SYN-ACKs' receive, so what it achieves, not what it was asked for, is the figure.
# ZL is the generator's bound, not the answerer's, only where the trial at the ceiling lost nothing.
zero_loss() {
	local lo=1 hi=$GENMAX mid s best=0
	if [ "$SEARCH" != 1 ]; then ZL=-; return; fi
	if awk -v l=$FLOSS 'BEGIN {exit !(l < 0.1)}'; then lo=$RATE best=$FOFF; fi
	measured "$hi"
	if awk -v l=$LOSS 'BEGIN {exit !(l < 0.1)}'; then ZL=">= $OFFERED (all $GEN offered)"; return; fi
	for s in $(seq "$STEPS"); do
		mid=$(awk -v l=$lo -v h=$hi 'BEGIN {printf "%d", sqrt(l * h)}')
		[ $mid -le $lo ] || [ $mid -ge $hi ] && break
		measured $mid
		if awk -v l=$LOSS 'BEGIN {exit !(l < 0.1)}'; then
			lo=$mid
			[ "$OFFERED" -gt "$best" ] && best=$OFFERED
		else
			hi=$mid
		fi
	done
	ZL=$best
}

row() { # name: after fixed and zero_loss
	printf '| %s | %s | %s | %s%% | %s | %s | %s%% | %s |\n' "$1" "$US" "$UPATH" "$FLOSS" "$ZL" "$FOFF" "$FSOFT" "$REDONE"
}

diag() { # where a row's lost SYNs went: softnet drops per CPU, f0's drops, the answerer's counters
	[ "$DIAG" = 1 ] || return 0
	echo "<!-- $1: softnet dropped per CPU: $(python3 -c 'import sys
print(" ".join(str(int(l.split()[1], 16)) for l in open("/proc/net/softnet_stat")))');" \
		"f0 rx/tx dropped: $(ip -n $T -j -s link show f0 | python3 -c 'import json, sys
s = json.load(sys.stdin)[0]["stats64"]; print(s["rx"]["dropped"], s["tx"]["dropped"])'); answerer: ${2:-} -->"
}

start_dp() { # $1 backend: syncookied-dp on CPU 1 answering for SRV
	mkdir -p "$WORK/sec"
	local j=$(($(date +%s) * 250))
	printf '%s %s 250\n0123456789abcdef.fedcba9876543210.\n0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\nformat 2\ntcp_clock_ms %s\ntcp_syncookies 2\ntcp_timestamps 2\n' \
		$j $((j / 15000)) $((j * 4)) >"$WORK/sec/$SRV"
	printf -- '- ip: %s\n  mac: 02:00:00:00:00:10\n' $SRV >"$WORK/hosts.yml"
	# the fast path in native mode: g0 has the XDP program that a veth's native XDP_TX needs on the peer
	ip netns exec $T "$DP" run --backend "$1" $([ $1 = xdp ] && echo --xdp-mode drv) --iface f0 --cpus 1 \
		${DP_ARGS:-} --hosts "$WORK/hosts.yml" \
		--secrets-dir "$WORK/sec" --stats-interval 3600 >"$WORK/fw.log" 2>&1 &
	FW=$!
	ANSWERER=$FW # ip netns exec execs the dataplane: the same process
	for _ in $(seq 50); do grep -q '^running' "$WORK/fw.log" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
dp_counters() {
	kill -USR1 $FW
	sleep 0.3
	grep '^counters:' "$WORK/fw.log" | tail -1 | tr ' ' '\n' | grep -E '^(rx_frames|rx_pps|rx_syn|rx_kernel_drops|rx_truncated|tx_pps|tx_failed)=' | tr '\n' ' '
}
kernel_target() {
	ip -n $T addr add $SRV/24 dev f0
	ip -n $T route add default via 10.0.2.1 # SYN-ACKs to the random sources need a route
	ip netns exec $T sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_max_syn_backlog=4096
	ip netns exec $T busybox nc -l -p 80 >/dev/null 2>&1 &
	sleep 0.2
}

sysctl -qw net.core.wmem_default=4194304 # trafgen in a netns cannot raise its own socket buffer
# What the generator offers on CPU 0 with no answerer: the ceiling of the search.
setup
f0_pass
generate 0 $([ "$GEN" = trafgen ] && echo 300000 || echo 3000000)
GENMAX=$OFFERED
COMMIT=$(git -C "$MOD" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Command: \`RATE=$RATE SECS=$SECS ROUNDS=$ROUNDS STEPS=$STEPS REDO=$REDO STEAL_MS=$STEAL_MS GEN=$GEN BURST=$BURST ${DP_ARGS:+DP_ARGS=\"$DP_ARGS\" }bash tests/bench/veth_synflood.sh\`" \
	"(commit $COMMIT, $(uname -r), $(nproc) CPUs, $(date -u +%FT%TZ), load average at the start" \
	"$(cut -d' ' -f1-3 /proc/loadavg); $GEN offers up to $GENMAX kpps on CPU 0)"
echo
echo "| answerer | µs per SYN (all of CPU 1) | µs per SYN (answering path) | loss | zero-loss kpps |" \
	"offered kpps achieved | softirq share of CPU 1 | trials redone (time stolen) |"
echo "|---|---|---|---|---|---|---|---|"

TRACED=0
[ -z "$TRACE" ] || mkdir -p "$TRACE" || exit 2
[ -z "$PERF_KEEP" ] || mkdir -p "$PERF_KEEP" || exit 2
KEPT=0
for r in $ROWS; do
	ROW=$r
	REDONE=0
	ANSWERER=0 # the answerer's process, when it has one: its threads count (cpu_attribution.py --pids)
	setup
	case $r in
	floor)
		if ! ip -n $T link set dev f0 xdpdrv obj "$HELPERS" sec floor 2>"$WORK/floor.err"; then
			echo "| XDP_TX floor | n/a | n/a | n/a | n/a | n/a | cannot attach: $(head -1 "$WORK/floor.err") | - |"
			continue
		fi
		pin_napi $T f0 1
		fixed
		zero_loss
		row "XDP_TX floor (in-place SYN-ACK, no SipHash)"
		;;
	xdp | afxdp | afpacket)
		[ $r = afpacket ] && f0_pass
		if ! start_dp $r; then
			echo "| syncookied-dp $r | n/a | n/a | n/a | n/a | n/a | did not start: $(tail -1 "$WORK/fw.log") | - |"
			kill $FW 2>/dev/null
			continue
		fi
		[ $r != afpacket ] && pin_napi $T f0 1
		fixed
		zero_loss
		row "syncookied-dp $r (worker on CPU 1${DP_ARGS:+, $DP_ARGS})"
		diag "$r" "$(dp_counters)"
		kill $FW
		wait $FW 2>/dev/null
		;;
	kernel)
		f0_pass
		kernel_target
		fixed
		zero_loss
		row "Linux kernel syncookies (tcp_syncookies=2)"
		diag kernel
		;;
	synproxy)
		f0_pass
		kernel_target
		if ! ip netns exec $T nft -f - <<-'NFT' 2>"$WORK/nft.err"; then
		table ip sp {
			chain pre { type filter hook prerouting priority raw; tcp dport 80 tcp flags syn notrack; }
			chain in {
				type filter hook input priority filter;
				tcp dport 80 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
				ct state invalid drop
			}
		}
		NFT
			echo "| nft SYNPROXY | n/a | n/a | n/a | n/a | n/a | cannot set up: $(head -1 "$WORK/nft.err") | - |"
			continue
		fi
		ip netns exec $T sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0 2>/dev/null
		fixed
		zero_loss
		row "nft SYNPROXY"
		diag synproxy
		;;
	*) echo "unknown row $r (rows: floor xdp afxdp afpacket kernel synproxy)" >&2 ;;
	esac
done
echo
echo "($GEN: $RATE kpps of SYNs without options from random 10.1.x.x sources, $SECS s per trial, median of" \
	"$ROUNDS at the fixed rate; zero-loss: under 0.1 % lost, $STEPS bisection steps; load average at the end:" \
	"$(cut -d' ' -f1-3 /proc/loadavg))"

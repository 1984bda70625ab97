#!/usr/bin/env bash
# ci-test.sh OUTDIR: the lab scenario (deploy/lab/run.sh) as an end-to-end test with assertions. Run by
# `./mvnw verify` (deploy/lab/pom.xml, integration-test phase) after the modules it runs are built.
# Asserts: every field of the RESULT line (check_field below): the flood is detected and the server diverted, the
# server's kernel sends no cookie while diverted; legit success >= 99 % while diverted; the long-lived
# connection (asymmetric bytes, so no accidental cookie match) survives both switches because the dataplane
# picked it up (flows_picked_up rose); the direct path is restored; nothing the run started is left (processes,
# namespaces, the router namespace name, the tap); the report picture exists, is non-empty and its series
# covers the whole timeline. Shorter phases than the interactive default, bounded traffic: a few minutes.
set -uo pipefail

LAB=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$LAB/target/lab-e2e}

skip() {
	echo "##################################################################"
	echo "## lab end-to-end test SKIPPED: $*"
	echo "##################################################################"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "not root (needs network namespaces, tap, AF_PACKET, sysctl)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
ls /lib/modules/*/build >/dev/null 2>&1 || skip "no kernel headers (/lib/modules/*/build) for the guest's module"

ROOT=${LAB_ROOT:-$(cd "$LAB/../.." && pwd)}
MODE_ARGS=() # the lab mode under test, from the environment (deploy/lab/pom.xml runs one execution per mode)
FAMILY=4
[ "${LAB_CI_IPV6:-0}" = 1 ] && MODE_ARGS+=(--ipv6) FAMILY=6 # the server's IPv6 address flooded and protected
DIVERSION=${LAB_CI_DIVERSION:-arp} # bgp: two scrubbers behind a bird2 router with ECMP, one killed mid-flood
if [ "$DIVERSION" = bgp ]; then
	for t in gobgpd bird birdc; do
		command -v "$t" >/dev/null || skip "$t not installed (deploy/install-deps.sh installs it)"
	done
	MODE_ARGS+=(--diversion bgp)
fi
NODES=${LAB_CI_NODES:-1} # 3: three firewalls in cluster mode with etcd; the leader's control plane, then a node killed
if [ "$NODES" = 3 ]; then
	for t in etcd etcdctl; do
		command -v "$t" >/dev/null || skip "$t not installed (deploy/install-deps.sh installs etcd-server)"
	done
	MODE_ARGS+=(--nodes 3)
fi
BUILD=--no-build
if [ ! -x "$ROOT/dataplane-native/target/native/syncookied-dp" ] ||
	! ls "$ROOT"/control-plane/target/control-plane-*.jar >/dev/null 2>&1 ||
	! ls "$ROOT"/host-agent/target/host-agent-*-agent.jar >/dev/null 2>&1; then
	echo "lab: dataplane-native, host-agent or control-plane not built yet: run.sh builds them (-DskipTests)"
	BUILD=
fi
rm -rf "$OUT"
mkdir -p "$OUT"
t0=$SECONDS
# a run that hangs is interrupted (run.sh cleans up as on Ctrl-C) and fails the test; the bound is far above a
# normal run (2-3 minutes, plus the build when the artifacts are missing)
LIMIT=${LAB_CI_TIMEOUT:-1200}
timeout --signal=INT --kill-after=120 "$LIMIT" \
	"$LAB/run.sh" $BUILD --rate "${LAB_CI_RATE:-50000}" --baseline 10 --attack 30 --after 6 --hold-down 10 --quiet 6 \
	"${MODE_ARGS[@]}" --out "$OUT" 2>&1 | tee "$OUT/console.txt"
rc=${PIPESTATUS[0]}
[ "$rc" = 124 ] && echo "ci-test: run.sh did not finish within ${LIMIT}s (LAB_CI_TIMEOUT): interrupted"
elapsed=$((SECONDS - t0))

FAILS=()
check() { # check DESCRIPTION CMD...
	if "${@:2}"; then
		echo "  ok    $1"
	else
		echo "  FAIL  $1"
		FAILS+=("$1")
	fi
}

echo "=== lab end-to-end assertions (run took ${elapsed}s, exit $rc) ==="
RESULT=$(tail -1 "$OUT/console.txt")
echo "  $RESULT"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$RESULT"; }
check "run.sh exited 0" [ "$rc" = 0 ]
check "the last line is a RESULT line of key=value fields" grep -qE '^RESULT( [a-z0-9_]+=[^ =]+)+$' <<<"$RESULT"
# every field of the RESULT line, and every field the lab must print (lib/result-checks.sh)
. "$LAB/lib/result-checks.sh"
PROTECTED_IP=$(sed -n 's/^- ip: *//p' "$OUT/etc/hosts.yml" 2>/dev/null | head -1)
[[ $RESULT == "RESULT "* ]] || RESULT=RESULT # not a RESULT line: every required field is reported missing
for kv in ${RESULT#RESULT}; do
	check "$(describe_field "${kv%%=*}"): ${kv#*=}" check_field "${kv%%=*}" "${kv#*=}" "$RESULT" "$PROTECTED_IP"
done
# the run protected the address of the family asked for (the hosts file is the run's own, so check it too)
family_of() { [[ $1 == *:* ]] && echo 6 || echo 4; }
check "the protected address is IPv$FAMILY ($PROTECTED_IP)" [ "$(family_of "$PROTECTED_IP")" = "$FAMILY" ]
# a BGP run reports its scrubbers: how many, the dead one's loss at the router, each one's share of the flood
if [ "$DIVERSION" = bgp ]; then
	REQUIRED_FIELDS+=(diversion scrubbers scrubber_loss_ms syn_share)
	two_bgp_scrubbers() { [ "$(field diversion)" = bgp ] && [ "$(field scrubbers)" = 2 ]; }
	check "the run diverted over BGP to two scrubbers (diversion=bgp scrubbers=2)" two_bgp_scrubbers
fi
# a cluster run reports its failovers: the new leader, the protected IP's move, and no overlapping router changes
if [ "$NODES" = 3 ]; then
	REQUIRED_FIELDS+=(nodes leader_failover_ms node_failover_ms double_diversions moved_conns_survived move_gap_ms
		legit_after_move_pct restores_during_flood)
	check "the run had three firewall nodes (nodes=3)" [ "$(field nodes)" = 3 ]
	two_killed() { [ -s "$OUT/killed-leader" ] && [ -s "$OUT/killed-node" ]; }
	check "the lab killed the leader's control plane and the owner's node" two_killed
fi
for key in "${REQUIRED_FIELDS[@]}"; do
	check "the RESULT line has $key" grep -q " $key=" <<<"$RESULT"
done
# it survives on its merits: its byte counts differ by the urgent preamble (>= 4 bytes: an off-by-less-than-4 ACK
# could still decode to a valid MSS index), so its ACKs carry no valid cookie, and the dataplane adopted it (and
# any other connection established before the switch) in the pickup window
asymmetric() {
	local end
	end=$(grep '^end,' "$OUT/long.csv" | tail -1)
	[ -n "$end" ] && [ $(($(cut -d, -f6 <<<"$end") - $(cut -d, -f7 <<<"$end"))) -ge 4 ]
}
check "the long-lived connection's traffic is asymmetric (sent - received >= 4 bytes)" asymmetric
check "report.svg exists and is non-empty" [ -s "$OUT/report.svg" ]
check "index.html embeds the picture" grep -q 'src="report.svg"' "$OUT/index.html"
# the per-second series behind the picture starts at 0 and ends at the end of the traffic
covers() {
	local t0 tend last
	t0=$(awk -F, '$2 == "traffic_start" { print $1 }' "$OUT/marks.csv")
	tend=$(awk -F, '$2 == "traffic_stop" { print $1 }' "$OUT/marks.csv")
	last=$(tail -1 "$OUT/series.dat" | cut -d' ' -f1)
	[ "$(head -1 "$OUT/series.dat" | cut -d' ' -f1)" = 0 ] && [ "$last" -ge $(((tend - t0) / 1000)) ] &&
		grep -q "set xrange \[0:$last\]" "$OUT/plot.gp" && [ "$(wc -l <"$OUT/series.dat")" -ge 30 ]
}
check "the picture covers the whole timeline (series 0..end, x range set to it)" covers
# nothing left behind: every PID the run started, its namespaces (held by PIDs), the router namespace name
leftovers() {
	local pid bad=0
	while read -r pid what; do
		# gone, or a zombie waiting for its reaper, counts as stopped
		if [ -n "$pid" ] && [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
			echo "    still running: $pid ($what): $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null | cut -c1-120)"
			bad=1
		fi
	done <"$OUT/pids.txt"
	if ip netns list | grep -q '^syncookied-lab-router'; then
		echo "    router namespace name syncookied-lab-router still present"
		bad=1
	fi
	if ip link show tapvm >/dev/null 2>&1; then
		echo "    tap tapvm present in the root namespace"
		bad=1
	fi
	return $bad
}
check "pids.txt lists what the run started" [ -s "$OUT/pids.txt" ]
check "no process, namespace or tap left behind" leftovers

if ((${#FAILS[@]})); then
	echo "lab end-to-end test FAILED (${#FAILS[@]} assertion(s)); files in $OUT"
	echo "--- summary ---"
	cat "$OUT/summary.txt" 2>/dev/null
	exit 1
fi
echo "lab end-to-end test passed in ${elapsed}s"

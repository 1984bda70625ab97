#!/usr/bin/env bash
# result-checks-test.sh: the lab's RESULT checks (lib/result-checks.sh) accept a good line and reject each bad value,
# so that ci-test.sh cannot pass a run in which, for example, the server answered the flood itself. No root, no lab:
# run by `./mvnw test -pl deploy/lab`.
set -uo pipefail
LAB=$(cd "$(dirname "$0")/.." && pwd)
. "$LAB/lib/result-checks.sh"

GOOD="RESULT detect_ms=310 divert_ms=480 legit_during_pct=99.8 longlived=survived restored=yes syn_answered=1793945 acks_valid=1110 server_cookies_sent_during=0 picked_up=3 protected_ms=495 syn_unanswered=0 legit_p99_ms_during=12.5 protected_ip=10.99.2.10 synack_ws_kernel=1104 synack_ws_other=0"
IP=10.99.2.10
failures=0

# failing_checks RESULT: how many of its checks fail (every printed field, then every required one)
failing_checks() {
	local kv key n=0
	for kv in ${1#RESULT}; do
		check_field "${kv%%=*}" "${kv#*=}" "$1" "$IP" >/dev/null || n=$((n + 1))
	done
	for key in "${REQUIRED_FIELDS[@]}"; do
		grep -q " $key=" <<<"$1" || n=$((n + 1))
	done
	echo "$n"
}

expect() { # expect WHAT N RESULT
	local got
	got=$(failing_checks "$3")
	if [ "$got" = "$2" ]; then
		echo "  ok    $1"
	else
		echo "  FAIL  $1: $got failing checks, expected $2"
		failures=$((failures + 1))
	fi
}

# with_field KEY VALUE: the good line with one field replaced (or removed when VALUE is empty)
with_field() {
	local kv out=RESULT
	for kv in ${GOOD#RESULT}; do
		if [ "${kv%%=*}" = "$1" ]; then
			[ -n "$2" ] && out+=" $1=$2"
		else
			out+=" $kv"
		fi
	done
	echo "$out"
}

expect "a good RESULT line passes" 0 "$GOOD"
expect "the server sent cookies while diverted" 1 "$(with_field server_cookies_sent_during 7)"
expect "server_cookies_sent_during not measured" 1 "$(with_field server_cookies_sent_during -1)"
expect "no detection" 1 "$(with_field detect_ms -1)"
expect "protected before detected" 1 "$(with_field protected_ms 200)"
expect "never protected" 1 "$(with_field protected_ms -1)"
expect "never diverted" 1 "$(with_field divert_ms -1)"
expect "legit success below 99 %" 1 "$(with_field legit_during_pct 98.9)"
expect "legit p99 not a number" 1 "$(with_field legit_p99_ms_during -)"
expect "long-lived connection broken" 1 "$(with_field longlived broken)"
expect "not restored" 1 "$(with_field restored no)"
expect "no SYN answered" 1 "$(with_field syn_answered 0)"
expect "the firewall announced another window scale than the server's" 1 "$(with_field synack_ws_other 3)"
expect "no SYN-ACK with the server's window scale" 1 "$(with_field synack_ws_kernel 0)"
expect "window scales not counted" 1 "$(with_field synack_ws_other "")"
expect "unanswered SYNs negative" 1 "$(with_field syn_unanswered -3)"
expect "no cookie ACK validated" 1 "$(with_field acks_valid 0)"
expect "nothing picked up" 1 "$(with_field picked_up 0)"
expect "another address" 1 "$(with_field protected_ip 10.99.2.11)"
expect "a missing field" 1 "$(with_field syn_unanswered '')"
expect "a field without a check" 1 "$GOOD sparkles=2"
BGP="$GOOD diversion=bgp scrubbers=2 scrubber_loss_ms=12 syn_share=48,52"
expect "a good --diversion bgp line passes" 0 "$BGP"
expect "the dead scrubber's next hop never left the router" 1 "${BGP/scrubber_loss_ms=12/scrubber_loss_ms=-1}"
expect "one scrubber took the whole flood (no ECMP)" 1 "${BGP/syn_share=48,52/syn_share=100,0}"
expect "an unknown diversion mode" 1 "${BGP/diversion=bgp/diversion=ospf}"
NODES="$GOOD nodes=3 leader_failover_ms=1831 node_failover_ms=6510 double_diversions=0 moved_conns_survived=1/1 move_gap_ms=202 legit_after_move_pct=100.0 restores_during_flood=0"
expect "a good --nodes 3 line passes" 0 "$NODES"
expect "no new leader after the leader died" 1 "${NODES/leader_failover_ms=1831/leader_failover_ms=-1}"
expect "the protected IP never moved off the dead node" 1 "${NODES/node_failover_ms=6510/node_failover_ms=-1}"
expect "two leaders' router changes overlapped" 1 "${NODES/double_diversions=0/double_diversions=1}"
expect "the moved IP's long-lived connection broke" 1 "${NODES/moved_conns_survived=1\/1/moved_conns_survived=0/1}"
expect "no connection of the moved IP was watched" 1 "${NODES/moved_conns_survived=1\/1/moved_conns_survived=0/0}"
expect "the echo gap across the move not measured" 1 "${NODES/move_gap_ms=202/move_gap_ms=-1}"
expect "restores during the flood not counted" 1 "${NODES/restores_during_flood=0/restores_during_flood=-1}"
expect "the leader restored while the flood was on (a flap)" 1 "${NODES/restores_during_flood=0/restores_during_flood=2}"
((failures == 0)) || { echo "result-checks-test: $failures failure(s)"; exit 1; }
echo "result-checks-test: all passed"

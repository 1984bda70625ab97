# nodes-report.sh: the RESULT fields and the summary lines of --nodes 3 (lib/nodes.sh), from the run's raw files:
# etcd-watch.log (every change under the cluster's prefix, stamped on arrival, in revision order), neigh.log (the
# router's entry for the server), heir-<node>.txt (the first SYN-ACK each surviving node's worker sent after the node
# kill) and marks.csv (leader_killed, node_killed).

# etcd_events: "t_ms<TAB>key<TAB>type<TAB>value<TAB>mod_revision" per event of the watch (type 0 = put, 1 = delete)
etcd_events() {
	awk '{ t = substr($1, 1, length($1) - 3); $1 = ""; print "{\"t\":" t ",\"r\":" substr($0, 2) "}" }' "$WORK/etcd-watch.log" 2>/dev/null |
		jq -r '.t as $t | .r.Events[]? | [$t, (.kv.key | @base64d), (.type // 0), ((.kv.value // "") | @base64d),
			.kv.mod_revision] | @tsv' 2>/dev/null
}

# leader_failover_ms: from the leader's control plane's death to a new leader key in etcd naming another node
nodes_leader_failover_ms() {
	local kill killed at
	kill=$(mark_time leader_killed) killed=$(cat "$WORK/killed-leader" 2>/dev/null)
	[ -n "$kill" ] || { echo -1; return; }
	at=$(etcd_events | awk -F'\t' -v k="$kill" -v key="$ETCD_PREFIX/leader" -v old="\"$killed\"" '
		$1 >= k && $2 == key && $3 == 0 && !index($4, old) { print $1; exit }')
	[ -n "$at" ] && echo $((at - kill)) || echo -1
}

# node_failover: "ms heir": from the owner's death to the router's entry at a surviving node's MAC with that node's
# worker answering (its first SYN-ACK on its bridge port), whichever comes later; "-1 -" when either never happened
nodes_node_failover() {
	local kill killed at mac heir n answered
	kill=$(mark_time node_killed) killed=$(cat "$WORK/killed-node" 2>/dev/null)
	[ -n "$kill" ] || { echo "-1 -"; return; }
	read -r at mac < <(router_macs | awk -F, -v k="$kill" -v dead="${NODE_MAC[$killed]:-none}" \
		'$1 >= k && $2 != "direct" && $2 != dead { print $1, $2; exit }')
	for n in "${NODE_IDS[@]}"; do [ "${NODE_MAC[$n]}" = "${mac:-}" ] && heir=$n; done
	[ -n "${at:-}" ] && [ -n "${heir:-}" ] || { echo "-1 -"; return; }
	answered=$(awk 'NR == 1 && $1 ~ /^[0-9]+\.[0-9]+$/ { split($1, t, "."); printf "%d%03d\n", t[1], substr(t[2], 1, 3) }' \
		"$WORK/heir-$heir.txt" 2>/dev/null)
	[ -n "$answered" ] || { echo "-1 $heir"; return; }
	echo "$(((answered > at ? answered : at) - kill)) $heir"
}

# double_diversions: router changes that overlapped. In etcd's history of router/<ip> (revision order), a record
# written under an older leadership term after a newer term had written one is a deposed leader's write that the
# fence let through; at the router, a switch to a node's MAC that no leader recorded as a DIVERT is a write nobody
# fenced. An ARP/NDP entry holds one MAC, so two MACs for the IP at once shows up as one of these.
nodes_double_diversions() {
	local regressions unrecorded macs
	regressions=$(etcd_events | awk -F'\t' -v p="$ETCD_PREFIX/router/" 'index($2, p) == 1 && $3 == 0 { print $4 }' |
		jq -r '.term' 2>/dev/null | awk '{ if ($1 < max) n++; if ($1 > max) max = $1 } END { print n + 0 }')
	macs=$(etcd_events | awk -F'\t' -v p="$ETCD_PREFIX/router/" 'index($2, p) == 1 && $3 == 0 { print $4 }' |
		jq -r 'select(.action == "DIVERT") | .mac' 2>/dev/null | sort -u | paste -sd' ' -)
	unrecorded=$(router_macs | awk -F, -v macs=" $macs " '$2 != "direct" && !index(macs, " " $2 " ") { n++ } END { print n + 0 }')
	echo $((regressions + unrecorded))
}

nodes_results() {
	local kill end after
	LEADER_FAILOVER_MS=$(nodes_leader_failover_ms)
	read -r NODE_FAILOVER_MS HEIR <<<"$(nodes_node_failover)"
	DOUBLE_DIVERSIONS=$(nodes_double_diversions)
	# the router back on the direct path while the flood was on (the server took the flood until a re-diversion)
	RESTORES_DURING=$(awk -F, -v d="${DIV:-0}" -v fe="$FE" '$2 == "direct" && $1 > d && $1 < fe && d > 0 { n++ } END { print n + 0 }' \
		"$WORK/switches.csv")
	kill=$(mark_time node_killed)
	# the connections of the moved IP: the long-lived one was open before the move; it survived when it is still
	# open at the end, echoes came back after the move, and its longest wait across the move stayed within the limit
	MOVE_GAP_MS=$(long_gap_around "$kill")
	LEADER_GAP_MS=$(long_gap_around "$(mark_time leader_killed)")
	after=$(awk -F, -v t="${kill:-0}" '$1 ~ /^[0-9]+$/ && $1 > t + 0 { n++ } END { print n + 0 }' "$WORK/long.csv")
	if [ -n "$kill" ] && [ "$LONG_STATE" = open ] && [ "$after" -gt 0 ] && [ "${MOVE_GAP_MS:-999999}" -le "$LONG_MAX_GAP_MS" ]; then
		MOVED_SURVIVED=1/1
	else
		MOVED_SURVIVED=0/1
	fi
	read -r MOVE_N MOVE_OK MOVE_PCT _ MOVE_P99 <<<"$(legit_phase "${kill:-0}" "$FE")"
	result_field nodes "$NODE_COUNT"
	result_field leader_failover_ms "$LEADER_FAILOVER_MS"
	result_field node_failover_ms "$NODE_FAILOVER_MS"
	result_field double_diversions "$DOUBLE_DIVERSIONS"
	result_field moved_conns_survived "$MOVED_SURVIVED"
	result_field move_gap_ms "${MOVE_GAP_MS:--1}"
	result_field legit_after_move_pct "$MOVE_PCT"
	result_field restores_during_flood "$RESTORES_DURING"
}

mode_results() { nodes_results; }

mode_text() {
	echo "Cluster              : $NODE_COUNT nodes (etcd members ${NODE_IDS[*]}), leader at the start: $(cat "$WORK/first-leader" 2>/dev/null || echo ?)"
	echo "                       $(cat "$WORK/killed-leader" 2>/dev/null)'s control plane killed at $(rel "$(mark_time leader_killed)"): a new leader" \
		"$([ "$LEADER_FAILOVER_MS" -ge 0 ] && echo "in etcd $LEADER_FAILOVER_MS ms later" || echo "never seen"); long-lived echo gap ${LEADER_GAP_MS:--} ms"
	echo "                       $(cat "$WORK/killed-node" 2>/dev/null) (owner of $PROTECTED_IP) killed at $(rel "$(mark_time node_killed)"):" \
		"$([ "$NODE_FAILOVER_MS" -ge 0 ] && echo "router at $HEIR's MAC and $HEIR answering $NODE_FAILOVER_MS ms later" || echo "no surviving node took the IP")"
	echo "                       the moved IP's connections: long-lived $MOVED_SURVIVED survived (echo gap ${MOVE_GAP_MS:--} ms);" \
		"legit from the move to the flood's end: $MOVE_OK of $MOVE_N ($MOVE_PCT %), p99 $MOVE_P99 ms"
	echo "                       restores while the flood was on: $RESTORES_DURING"
	echo "                       double diversions (etcd term overlaps + unrecorded router switches): $DOUBLE_DIVERSIONS"
	echo "Router entry changes : $(router_macs | while IFS=, read -r t m; do
		for n in "${NODE_IDS[@]}"; do [ "${NODE_MAC[$n]}" = "$m" ] && m=$n; done
		printf '%s %s; ' "$(rel "$t" | tr -d ' ')" "$m"
	done)"
}

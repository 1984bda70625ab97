# result-checks.sh: what deploy/lab/ci-test.sh requires of each field of the RESULT line (report.sh). Every field the
# line prints must have a check here: a lab mode that adds a field (result_field) adds its check and, if every run
# prints it, its key to REQUIRED_FIELDS. Targets that are benchmark figures (protected_ms <= 1000,
# syn_unanswered = 0, legit_p99_ms_during < 200; docs/benchmarks.md) are checked for form only: performance is
# never a timed assertion. tests/result-checks-test.sh proves that each check fails on a bad value.

REQUIRED_FIELDS=(protected_ip detect_ms protected_ms divert_ms legit_during_pct legit_p99_ms_during longlived restored
	syn_answered syn_unanswered acks_valid server_cookies_sent_during picked_up synack_ws_kernel synack_ws_other)

is_int() { [[ $1 =~ ^-?[0-9]+$ ]]; }
is_num() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
result_value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; } # result_value KEY RESULT

# check_field KEY VALUE RESULT PROTECTED_IP: 0 when the value holds the lab's claim
check_field() {
	local v=$2
	case $1 in
	protected_ip) [ -n "$v" ] && [ "$v" = "$4" ] ;;
	detect_ms | divert_ms) is_int "$v" && [ "$v" -ge 0 ] ;;
	protected_ms) is_int "$v" && [ "$v" -ge 0 ] && is_int "$(result_value detect_ms "$3")" &&
		[ "$v" -ge "$(result_value detect_ms "$3")" ] ;;
	legit_during_pct) is_num "$v" && awk -v p="$v" 'BEGIN { exit !(p >= 99.0) }' ;;
	legit_p99_ms_during) is_num "$v" ;;
	longlived) [ "$v" = survived ] ;;
	restored) [ "$v" = yes ] ;;
	syn_answered | acks_valid | picked_up) is_int "$v" && [ "$v" -gt 0 ] ;;
	syn_unanswered) is_int "$v" && [ "$v" -ge 0 ] ;;
	server_cookies_sent_during) [ "$v" = 0 ] ;;
	synack_ws_kernel) is_int "$v" && [ "$v" -gt 0 ] ;;
	synack_ws_other) [ "$v" = 0 ] ;;
	diversion) [ "$v" = arp ] || [ "$v" = bgp ] ;;
	scrubbers) is_int "$v" && [ "$v" -ge 1 ] ;;
	scrubber_loss_ms) is_int "$v" && [ "$v" -ge 0 ] ;;
	syn_share) [[ $v =~ ^[0-9]+,[0-9]+$ ]] && [ "${v%,*}" -gt 0 ] && [ "${v#*,}" -gt 0 ] ;;
	nodes) is_int "$v" && [ "$v" -ge 1 ] ;;
	leader_failover_ms | node_failover_ms | move_gap_ms) is_int "$v" && [ "$v" -ge 0 ] ;;
	double_diversions) [ "$v" = 0 ] ;;
	restores_during_flood) [ "$v" = 0 ] ;;
	moved_conns_survived) [[ $v =~ ^([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[2]}" -gt 0 ] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ;;
	legit_after_move_pct) is_num "$v" ;;
	*) echo "    no check for RESULT field '$1': add one to deploy/lab/lib/result-checks.sh"; return 1 ;;
	esac
}

describe_field() {
	case $1 in
	protected_ip) echo "the RESULT line names the protected address (protected_ip)" ;;
	detect_ms) echo "the flood was detected (detect_ms >= 0)" ;;
	protected_ms) echo "the router read the diversion back, after the detection (protected_ms >= detect_ms)" ;;
	divert_ms) echo "the router entry switched to the firewall (divert_ms >= 0)" ;;
	legit_during_pct) echo "legit success >= 99% while diverted" ;;
	legit_p99_ms_during) echo "legit connect time p99 while diverted is a number (legit_p99_ms_during)" ;;
	longlived) echo "the long-lived connection survived both switches" ;;
	restored) echo "the direct path was restored" ;;
	syn_answered) echo "the firewall answered SYNs (syn_answered > 0)" ;;
	acks_valid) echo "the firewall validated cookie ACKs (acks_valid > 0)" ;;
	picked_up) echo "the dataplane picked up established connections during the diversion (picked_up > 0)" ;;
	syn_unanswered) echo "the SYNs the firewall left unanswered are counted (syn_unanswered >= 0)" ;;
	server_cookies_sent_during) echo "the server's kernel sent no cookie while diverted (server_cookies_sent_during = 0)" ;;
	synack_ws_kernel) echo "the firewall's SYN-ACKs announced the guest kernel's window scale (synack_ws_kernel > 0)" ;;
	synack_ws_other) echo "no firewall SYN-ACK announced another window scale (synack_ws_other = 0)" ;;
	diversion) echo "the diversion mode is named (arp or bgp)" ;;
	scrubbers) echo "the number of scrubbers is given (scrubbers >= 1)" ;;
	scrubber_loss_ms) echo "the router dropped the dead scrubber's next hop (scrubber_loss_ms >= 0)" ;;
	syn_share) echo "each scrubber answered a share of the flood (syn_share: both > 0 %)" ;;
	nodes) echo "the number of firewall nodes is given (nodes >= 1)" ;;
	leader_failover_ms) echo "a new leader took over after the leader's control plane died (leader_failover_ms >= 0)" ;;
	node_failover_ms) echo "the protected IP moved to a surviving node that answers (node_failover_ms >= 0)" ;;
	move_gap_ms) echo "the long-lived connection's echo gap across the move is measured (move_gap_ms >= 0)" ;;
	double_diversions) echo "no two leaders' router changes overlapped (double_diversions = 0)" ;;
	restores_during_flood) echo "the router never went back to the direct path while the flood was on (restores_during_flood = 0)" ;;
	moved_conns_survived) echo "every long-lived connection of the moved IP survived the move (moved_conns_survived n/n)" ;;
	legit_after_move_pct) echo "legit success from the move to the end of the flood is a number (legit_after_move_pct)" ;;
	*) echo "RESULT field $1" ;;
	esac
}

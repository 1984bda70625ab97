# sampler.sh: once a second, every counter the report needs, as one CSV line in $WORK/samples.csv (cumulative
# values; the report differentiates), and the same as InfluxDB points (measurement syncookied_lab) next to the
# control plane's own metrics. Columns:
#   t_ms offered server_pkts fw_pkts diverted guest_cookies_sent guest_cookies_recv guest_passive_opens
#   dp_syn dp_forwarded dp_bad_cookie dp_flows_created dp_flows_picked_up state
# offered = frames the attacker put on its link; server_pkts = frames the bridge delivered to the guest's tap;
# fw_pkts = frames delivered to the firewall(s); diverted = the router sends the server's traffic to the firewall(s)
# (router_diverted); guest_* = the guest kernel's TcpExt/Tcp counters (through the /proc mirror); dp_* = the
# dataplane worker's counters (through the control plane's REST API); state = the host's protection state.

SAMPLES_HEADER="t_ms,offered,server_pkts,fw_pkts,diverted,guest_cookies_sent,guest_cookies_recv,guest_passive_opens,dp_syn,dp_forwarded,dp_bad_cookie,dp_flows_created,dp_flows_picked_up,state"

guest_tcpext() { # NAME...: values from the mirrored /proc/net/netstat (TcpExt) and /proc/net/snmp (Tcp)
	awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		/^(TcpExt|Tcp):/ { if (!(($1) in hdr)) { hdr[$1] = 1; for (i = 2; i <= NF; i++) name[$1, i] = $i; next }
			for (i = 2; i <= NF; i++) v[name[$1, i]] = $i }
		END { for (j = 1; j <= n; j++) printf "%s%s", (j > 1 ? "," : ""), (w[j] in v) ? v[w[j]] : 0 }
	' "$MIRROR/net/netstat" "$MIRROR/net/snmp" 2>/dev/null
}

# dataplane_counters_of API_FN: "rx_syn,rx_forwarded,rx_drop_bad_cookie,flows_created,flows_picked_up" of the worker
# behind one control plane's REST API (api, or a mode's second one)
dataplane_counters_of() {
	"$1" GET /api/v1/dataplane 2>/dev/null | jq -r '.status.counters // {} | "\(.rx_syn // 0),\(.rx_forwarded // 0),\(.rx_drop_bad_cookie // 0),\(.flows_created // 0),\(.flows_picked_up // 0)"' 2>/dev/null
}

# dataplane_counters: the lab's firewall (a mode with several firewalls sums them)
dataplane_counters() { dataplane_counters_of api; }

sample_once() {
	local t off srv fw div=0 g dp st host
	t=$(now_ms)
	# on a shared machine another test may remove /run/netns entries: keep the router's name attached
	if [ ! -e "/run/netns/$ROUTER_NAME" ]; then
		ip netns attach "$ROUTER_NAME" "$NS_ROUTER" 2>/dev/null &&
			echo "$(date +%T.%3N) router namespace name was removed by someone else; re-attached" >>"$WORK/run.log"
	fi
	read -r _ off < <(netdev_counters "$NS_ATTACKER" a0)
	read -r _ srv < <(netdev_counters "$NS_SW" tapvm)
	fw=$(netdev_counters "$NS_SW" "${FW_PORTS[@]}" | awk '{ for (i = 2; i <= NF; i += 2) s += $i; print s + 0 }')
	router_diverted && div=1
	g=$(guest_tcpext SyncookiesSent SyncookiesRecv PassiveOpens)
	dp= st=none
	[ -n "${CP_PID:-}" ] && dp=$(dataplane_counters)
	[ -n "$dp" ] || dp=0,0,0,0,0
	if [ -n "${CP_PID:-}" ]; then
		host=$(api GET "/api/v1/hosts/$PROTECTED_IP" 2>/dev/null)
		st=$(jq -r '.state // "unknown"' <<<"$host" 2>/dev/null)
		[ -n "$st" ] || st=unknown
	fi
	echo "$t,${off:-0},${srv:-0},${fw:-0},$div,$g,$dp,$st" >>"$WORK/samples.csv"
	influx_write "syncookied_lab offered_packets=${off:-0}i,server_packets=${srv:-0}i,firewall_packets=${fw:-0}i,diverted=${div}i,state=\"$st\" $t" ||
		true
}

sampler_start() {
	echo "$SAMPLES_HEADER" >"$WORK/samples.csv"
	(
		trap 'exit 0' TERM
		while :; do
			sample_once
			sleep 0.8
		done
	) &
	SAMPLER_PID=$!
}

sampler_stop() { kill_wait "${SAMPLER_PID:-}" 3; SAMPLER_PID=; }

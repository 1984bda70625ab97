# report.sh: turns the run's raw files into the summary, the timeline, the RESULT line, a per-second series,
# the gnuplot picture and a small HTML report. Inputs in $WORK: samples.csv (sampler.sh), legit.csv and
# long.csv (lab-client), switches.csv (router entry transitions from `ip monitor neigh`), events.sse (control plane),
# marks.csv (what the lab itself did and when). Everything is plain text, so a run can be re-analysed with
# a rerun of report_build on the same directory.

mark() { echo "$(now_ms),$1" >>"$WORK/marks.csv"; }
mark_time() { awk -F, -v m="$1" '$2 == m { print $1; exit }' "$WORK/marks.csv"; }

# legit_phase FROM_MS TO_MS: "attempts ok pct p50_ms p99_ms" of the legit attempts started in [FROM, TO)
legit_phase() {
	awk -F, -v a="$1" -v b="$2" '
		$1 >= a && $1 < b { n++; if ($2 == 1) { ok++; c[ok] = $3 / 1000.0 } }
		END {
			if (!n) { print "0 0 0.0 - -"; exit }
			# insertion sort is enough for a few thousand values
			for (i = 2; i <= ok; i++) { v = c[i]; j = i - 1; while (j > 0 && c[j] > v) { c[j + 1] = c[j]; j-- } c[j + 1] = v }
			p50 = ok ? c[int((ok - 1) * 0.50) + 1] : -1; p99 = ok ? c[int((ok - 1) * 0.99) + 1] : -1
			printf "%d %d %.1f %s %s\n", n, ok, 100.0 * ok / n, ok ? sprintf("%.1f", p50) : "-", ok ? sprintf("%.1f", p99) : "-"
		}' "$WORK/legit.csv"
}

# sample_at COLUMN T_MS: the cumulative counter of the last sample at or before T (first sample if none)
sample_at() {
	awk -F, -v col="$1" -v t="$2" 'NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
		NR == 2 { first = $idx[col] } $1 <= t { v = $idx[col] } END { print (v != "" ? v : first) }' "$WORK/samples.csv"
}

# sample_from COLUMN T_MS: the cumulative counter of the first sample at or after T (last sample if none)
sample_from() {
	awk -F, -v col="$1" -v t="$2" 'NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
		{ last = $idx[col] } $1 >= t { print $idx[col]; found = 1; exit } END { if (!found) print last }' "$WORK/samples.csv"
}

# long_gap_around T_MS: longest wait for an echo (ms) across the switch at T: the gap between the last echo
# before T and the first echo after it (empty without a switch, 999999 when no echo came after it)
long_gap_around() {
	[ -n "$1" ] || return 0
	awk -F, -v t="$1" '$1 ~ /^[0-9]+$/ { if ($1 <= t) b = $1; else if (!a) a = $1 }
		END { print (a && b) ? a - b : 999999 }' "$WORK/long.csv"
}

report_build() {
	local out=$WORK
	# the flood's start is its first SYN at the router (attack.sh), or when trafgen was started if none was captured
	T0=$(mark_time traffic_start) FS=$(mark_time flood_first) FE=$(mark_time flood_stop) TEND=$(mark_time traffic_stop)
	[ -n "$FS" ] || FS=$(mark_time flood_start)
	DET=$(event_time_after "$FS" 'select(.decision == "ATTACK_START")')
	# PROTECTED = the router adapter read the diversion back (DiversionAdapter's contract)
	PROT=$(event_time_after "$FS" 'select(.to == "PROTECTED")')
	DIV=$(awk -F, -v fs="$FS" '$2 == "diverted" && $1 >= fs { print $1; exit }' "$WORK/switches.csv" 2>/dev/null)
	# the restore is the switch back after the flood; one while it is on is a flap (counted by restores_during_flood)
	RES=$(awk -F, -v d="${DIV:-0}" -v fe="$FE" '$2 == "direct" && $1 > d && $1 >= fe && d > 0 { print $1; exit }' "$WORK/switches.csv" 2>/dev/null)
	DETECT_MS=$([ -n "$DET" ] && echo $((DET - FS)) || echo -1)
	PROTECTED_MS=$([ -n "$PROT" ] && echo $((PROT - FS)) || echo -1)
	DIVERT_MS=$([ -n "$DIV" ] && echo $((DIV - FS)) || echo -1)
	local during_from=${DIV:-$FS} during_to=$FE
	read -r B_N B_OK B_PCT B_P50 B_P99 <<<"$(legit_phase "$T0" "$FS")"
	read -r W_N W_OK W_PCT W_P50 W_P99 <<<"$(legit_phase "$FS" "$during_from")"
	read -r D_N D_OK D_PCT D_P50 D_P99 <<<"$(legit_phase "$during_from" "$during_to")"
	read -r A_N A_OK A_PCT A_P50 A_P99 <<<"$(legit_phase "$FE" "$((TEND + 1))")"
	SYN_ANSWERED=$(($(sample_at dp_syn "$TEND") - $(sample_at dp_syn "$T0")))
	ACKS_VALID=$(($(sample_at dp_flows_created "$TEND") - $(sample_at dp_flows_created "$T0")))
	# connections established before the diversion, adopted by the dataplane in its pickup window
	PICKED_UP=$(($(sample_at dp_flows_picked_up "$TEND") - $(sample_at dp_flows_picked_up "$T0")))
	BAD_ACKS=$(($(sample_at dp_bad_cookie "$TEND") - $(sample_at dp_bad_cookie "$T0")))
	OFFERED=$(($(sample_at offered "$FE") - $(sample_at offered "$FS")))
	if [ -n "$DIV" ]; then
		# what the server's kernel answered itself while the firewall held its traffic (should be flat): from the
		# first sample taken 1.5 s after the switch (the mirror's age is far below that) to the last one before
		# the restore
		local div_end=${RES:-$TEND}
		SRV_COOKIES_DURING=$(($(sample_at guest_cookies_sent "$div_end") - $(sample_from guest_cookies_sent "$((DIV + 1500))")))
	else
		SRV_COOKIES_DURING=$(($(sample_at guest_cookies_sent "$FE") - $(sample_at guest_cookies_sent "$FS")))
	fi
	SRV_COOKIES_UNDIVERTED=$(($(sample_at guest_cookies_sent "${DIV:-$FE}") - $(sample_at guest_cookies_sent "$FS")))
	local end
	end=$(grep '^end,' "$WORK/long.csv" 2>/dev/null | tail -1)
	LONG_STATE=$(cut -d, -f3 <<<"$end")
	LONG_GAP=$(cut -d, -f4 <<<"$end")
	LONG_ECHOES=$(cut -d, -f5 <<<"$end")
	LONG_SENT=$(cut -d, -f6 <<<"$end")
	LONG_RECEIVED=$(cut -d, -f7 <<<"$end")
	# survived = never reset or closed, and echoes came back after the diversion and after the restore
	# (the longest gap is reported too: before the diversion the flood congests the server's link)
	LONG_AFTER_DIV=$(awk -F, -v t="${DIV:-0}" '$1 ~ /^[0-9]+$/ && $1 > t + 0 { n++ } END { print n + 0 }' "$WORK/long.csv")
	LONG_AFTER_RES=$(awk -F, -v t="${RES:-0}" '$1 ~ /^[0-9]+$/ && $1 > t + 0 { n++ } END { print n + 0 }' "$WORK/long.csv")
	LONG_GAP_DIV=$(long_gap_around "${DIV:-}")
	LONG_GAP_RES=$(long_gap_around "${RES:-}")
	if [ "$LONG_STATE" = open ] && { [ -z "$DIV" ] || [ "$LONG_AFTER_DIV" -gt 0 ]; } &&
		{ [ -z "$RES" ] || [ "$LONG_AFTER_RES" -gt 0 ]; } && [ "${LONG_GAP_DIV:-0}" -le "$LONG_MAX_GAP_MS" ] &&
		[ "${LONG_GAP_RES:-0}" -le "$LONG_MAX_GAP_MS" ]; then
		LONGLIVED=survived
	else
		LONGLIVED=broken
	fi
	RESTORED=$([ -n "$RES" ] && echo yes || echo no)
	SYN_UNANSWERED=$((${FW_SYNS:-0} - ${FW_SYNACKS:-0}))
	read -r RELAY_FRAMES RELAY_INTERVAL_MS RELAY_TRANSFER_P50 RELAY_TRANSFER_P95 RELAY_DROPPED <<<"$(relay_stats)"
	result_fields
	! declare -F mode_results >/dev/null || mode_results # a lab mode's own fields (lib/bgp.sh)
	report_series
	report_text >"$out/summary.txt"
	report_plot
	report_html >"$out/index.html"
}

# event_time_after T_MS JQ_FILTER: the time (ms) of the first control-plane event at or after T that the filter keeps
event_time_after() {
	grep -h '^data:' "$WORK/events.sse" 2>/dev/null | sed 's/^data://' | jq -r "$2 | .at" 2>/dev/null |
		while read -r at; do date -d "$at" +%s%3N; done | awk -v t="$1" '$1 >= t { print; exit }'
}

# The RESULT line is an ordered list of key=value fields. report_build adds the base ones; a lab mode adds its own
# with result_field (after the base ones, so that existing keys keep their place). Values never contain spaces.
RESULT_KEYS=()
declare -A RESULT_VALUES=()
result_field() { # result_field KEY VALUE
	[ -n "${RESULT_VALUES[$1]+set}" ] || RESULT_KEYS+=("$1")
	RESULT_VALUES[$1]=${2// /_}
}

result_fields() {
	result_field detect_ms "$DETECT_MS"
	result_field divert_ms "$DIVERT_MS"
	result_field legit_during_pct "$D_PCT"
	result_field longlived "$LONGLIVED"
	result_field restored "$RESTORED"
	result_field syn_answered "$SYN_ANSWERED"
	result_field acks_valid "$ACKS_VALID"
	result_field server_cookies_sent_during "$SRV_COOKIES_DURING"
	result_field picked_up "${PICKED_UP:-0}"
	result_field protected_ms "$PROTECTED_MS"
	result_field syn_unanswered "$SYN_UNANSWERED"
	result_field legit_p99_ms_during "$D_P99"
	result_field protected_ip "$PROTECTED_IP"
	result_field synack_ws_kernel "${FW_WS_KERNEL:-0}"
	result_field synack_ws_other "${FW_WS_OTHER:-0}"
}

# series.dat: one row per second since traffic_start:
#   t_s offered_pps server_pps fw_pps server_cookies_ps fw_syn_ps diverted legit_attempts legit_ok_pct
#   connect_p50_ms connect_max_ms
report_series() {
	awk -F, -v t0="$T0" -v tend="$TEND" '
		FNR == 1 { file++ }
		file == 1 && FNR > 1 {           # samples.csv: rates between consecutive samples, bucketed by second
			s = int(($1 - t0) / 1000)
			if (have && $1 > pt) {
				dt = ($1 - pt) / 1000.0
				off[s] = ($2 - po) / dt; srv[s] = ($3 - ps) / dt; fw[s] = ($4 - pf) / dt
				gck[s] = ($6 - pg) / dt; dps[s] = ($9 - pd) / dt; seen[s] = 1
			}
			div[s] = $5; pt = $1; po = $2; ps = $3; pf = $4; pg = $6; pd = $9; have = 1
		}
		file == 2 && $1 >= t0 {          # legit.csv
			s = int(($1 - t0) / 1000); n[s]++
			if ($2 == 1) { ok[s]++; ms = $3 / 1000.0; sum[s] += ms; if (ms > mx[s]) mx[s] = ms
				k = ++cnt[s]; v[s, k] = ms }
		}
		END {
			last = int((tend - t0) / 1000); d = 0
			for (s = 0; s <= last; s++) {
				if (s in div) d = div[s]
				p50 = "NaN"
				if (cnt[s]) {
					m = cnt[s]; for (i = 1; i <= m; i++) a[i] = v[s, i]
					for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
					p50 = a[int((m - 1) / 2) + 1]
				}
				printf "%d %.0f %.0f %.0f %.0f %.0f %d %d %s %s %s\n", s, off[s], srv[s], fw[s], gck[s], dps[s], d,
					n[s], n[s] ? sprintf("%.1f", 100.0 * ok[s] / n[s]) : "NaN", p50, cnt[s] ? sprintf("%.1f", mx[s]) : "NaN"
			}
		}' "$WORK/samples.csv" "$WORK/legit.csv" >"$WORK/series.dat"
}

rel() { [ -n "$1" ] && awk -v t="$1" -v t0="$T0" 'BEGIN { printf "%6.1fs", (t - t0) / 1000 }' || echo "     -"; }

report_text() {
	echo "Syncookied lab run $(date -u -d "@$((T0 / 1000))" +%FT%TZ) (flood ${FLOOD_PPS} pps, mode ${MODE})"
	echo
	echo "Timeline (seconds since legit traffic started)"
	echo "  $(rel "$T0")  legit clients start (${LEGIT_RATE}/s) and the long-lived connection opens"
	echo "  $(rel "$FS")  SYN flood starts (trafgen, random sources, ${FLOOD_PPS} pps)"
	[ -n "$DET" ] && echo "  $(rel "$DET")  control plane detects the flood (ATTACK_START)"
	[ -n "$DIV" ] && echo "  $(rel "$DIV")  router entry for $PROTECTED_IP points at the firewall (diverted)"
	echo "  $(rel "$FE")  SYN flood stops"
	[ -n "$RES" ] && echo "  $(rel "$RES")  router entry removed: direct path restored"
	echo "  $(rel "$TEND")  legit traffic stops"
	echo
	echo "Latencies from the flood's first SYN at the router$([ -n "$(mark_time flood_first)" ] || echo " (not captured: from trafgen's start)"):"
	echo "  detection (ATTACK_START)          : $([ "$DETECT_MS" -ge 0 ] && echo "$DETECT_MS ms" || echo "no detection")"
	echo "  router entry switched (netlink)   : $([ "$DIVERT_MS" -ge 0 ] && echo "$DIVERT_MS ms" || echo "no diversion")"
	echo "  protected (router read back)      : $([ "$PROTECTED_MS" -ge 0 ] && echo "$PROTECTED_MS ms" || echo "not protected")"
	echo "Guest /proc relay   : a snapshot every ${RELAY_INTERVAL_MS:--} ms (median), ${RELAY_TRANSFER_P50:--} ms transfer (p95 ${RELAY_TRANSFER_P95:--}), $RELAY_FRAMES snapshots, $RELAY_DROPPED dropped; data age at the mirror p50 ${RELAY_AGE_P50:--} / p95 ${RELAY_AGE_P95:--} / max ${RELAY_AGE_MAX:--} ms (probe); one snapshot over the serial command channel: ${SERIAL_SNAPSHOT_MS:--} ms"
	echo
	printf '%-22s %8s %8s %8s %10s %10s\n' "Legit clients" attempts ok "ok %" "p50 ms" "p99 ms"
	printf '%-22s %8s %8s %8s %10s %10s\n' "before the flood" "$B_N" "$B_OK" "$B_PCT" "$B_P50" "$B_P99"
	if [ -n "$DIV" ]; then
		printf '%-22s %8s %8s %8s %10s %10s\n' "flood, not yet diverted" "$W_N" "$W_OK" "$W_PCT" "$W_P50" "$W_P99"
		printf '%-22s %8s %8s %8s %10s %10s\n' "flood, diverted" "$D_N" "$D_OK" "$D_PCT" "$D_P50" "$D_P99"
	else
		printf '%-22s %8s %8s %8s %10s %10s\n' "during the flood" "$D_N" "$D_OK" "$D_PCT" "$D_P50" "$D_P99"
	fi
	printf '%-22s %8s %8s %8s %10s %10s\n' "after the flood" "$A_N" "$A_OK" "$A_PCT" "$A_P50" "$A_P99"
	echo
	echo "Long-lived connection: $LONG_STATE at the end, $LONG_ECHOES echoes; echo gap across the diversion ${LONG_GAP_DIV:--} ms, across the restore ${LONG_GAP_RES:--} ms (limit ${LONG_MAX_GAP_MS} ms); longest gap overall ${LONG_GAP} ms -> $LONGLIVED"
	echo "Flood offered        : $OFFERED SYNs"
	echo "Long-lived bytes     : sent ${LONG_SENT:--}, received ${LONG_RECEIVED:--} (unequal: its ACKs never pass as a cookie by accident)"
	echo "Firewall             : $SYN_ANSWERED SYNs answered with cookies, $ACKS_VALID cookie ACKs validated, $BAD_ACKS invalid ACKs dropped, $PICKED_UP established connections picked up"
	echo "Firewall on the wire : ${FW_SYNS:-0} SYNs reached it, ${FW_SYNACKS:-0} SYN-ACKs came back, $SYN_UNANSWERED unanswered"
	echo "Firewall SYN-ACK scale: ${FW_WS_KERNEL:-0} with the guest kernel's wscale ${GUEST_WSCALE:-?}, ${FW_WS_OTHER:-0} with another"
	if [ -n "$DIV" ]; then
		echo "Server kernel        : SyncookiesSent +$SRV_COOKIES_UNDIVERTED before the diversion, +$SRV_COOKIES_DURING while diverted"
	else
		echo "Server kernel        : SyncookiesSent +$SRV_COOKIES_DURING during the flood (never diverted)"
	fi
	echo "Restored             : $RESTORED"
	! declare -F mode_text >/dev/null || mode_text
	echo
	echo "InfluxDB data        : $WORK/influxdb (view: deploy/lab/view.sh $WORK)"
}

result_line() {
	local k line=RESULT
	for k in "${RESULT_KEYS[@]}"; do
		line+=" $k=${RESULT_VALUES[$k]}"
	done
	echo "$line"
}

report_plot() {
	local last fs fe
	last=$(((TEND - T0) / 1000))
	fs=$(((FS - T0) / 1000)) fe=$(((FE - T0) / 1000))
	cat >"$WORK/plot.gp" <<-EOF
		set terminal svg size 1000,900 dynamic font "sans,11" background "#ffffff"
		set output "$WORK/report.svg"
		set datafile missing "NaN"
		set multiplot layout 3,1 title "Syncookied lab: ${FLOOD_PPS} pps random-source SYN flood against $PROTECTED_IP (${MODE})"
		set xrange [0:$last]
		set grid
		set key outside right top
		set style fill transparent solid 0.15 noborder
		set xtics add ("flood" $fs, "stop" $fe)
		set lmargin 10
		set rmargin 24
		set ylabel "packets/s"
		set logscale y
		set yrange [1:*]
		plot "$WORK/series.dat" using 1:(\$7 > 0 ? 1e6 : 1/0) with filledcurves x1 lc rgb "orange" title "diverted", \
		     "" using 1:(\$2 + 1) with lines lw 2 lc rgb "red" title "SYNs offered", \
		     "" using 1:(\$3 + 1) with lines lw 2 lc rgb "blue" title "pkts at server", \
		     "" using 1:(\$6 + 1) with lines lw 2 lc rgb "dark-green" title "cookies by firewall", \
		     "" using 1:(\$5 + 1) with lines lw 1 lc rgb "purple" title "cookies by server"
		unset logscale y
		set ylabel "legit success %"
		set yrange [0:105]
		plot "$WORK/series.dat" using 1:(\$7 > 0 ? 105 : 1/0) with filledcurves x1 lc rgb "orange" title "diverted", \
		     "" using 1:9 with linespoints pt 7 ps 0.4 lc rgb "dark-green" title "success % (per s)"
		set ylabel "connect time ms"
		set yrange [0:*]
		set xlabel "seconds since legit traffic started"
		plot "$WORK/series.dat" using 1:10 with linespoints pt 7 ps 0.4 lc rgb "blue" title "p50", \
		     "" using 1:11 with lines lc rgb "gray" title "max"
		unset multiplot
	EOF
	gnuplot "$WORK/plot.gp" >"$WORK/gnuplot.log" 2>&1
	[ -s "$WORK/report.svg" ] || step "gnuplot failed: $(tail -5 "$WORK/gnuplot.log")"
}

report_html() {
	cat <<-EOF
		<!DOCTYPE html>
		<html lang="en"><head><meta charset="utf-8"><title>Syncookied lab report</title>
		<style>body{font-family:sans-serif;max-width:1050px;margin:2em auto}pre{background:#f4f4f4;padding:1em}</style>
		</head><body>
		<h1>Syncookied lab report</h1>
		<p><img src="report.svg" alt="flood, diversion and legit traffic over time" width="1000"></p>
		<pre>
		$(sed 's/&/\&amp;/g; s/</\&lt;/g' "$WORK/summary.txt")

		$(result_line)
		</pre>
		<p>Raw data: <a href="samples.csv">samples.csv</a>, <a href="legit.csv">legit.csv</a>,
		<a href="long.csv">long.csv</a>, <a href="series.dat">series.dat</a>, <a href="events.sse">control-plane events</a>,
		<a href="run.log">run log</a>.</p>
		</body></html>
	EOF
}

#!/usr/bin/env bash
# bench_ab.sh OLD NEW [ROUNDS] [SECONDS]: `syncookied-dp bench` of two binaries, interleaved run by run (OLD, NEW,
# OLD, NEW, ...) on CPU 1 for every workload, so that the machine's drift hits both alike; prints every run, the
# medians and NEW/OLD. A benchmark, not a test: run it on a quiet machine (alone, with no other benchmark or netns job, on a shared one).
set -eu
OLD=$1 NEW=$2 ROUNDS=${3:-8} SECS=${4:-1}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   $(date -u +%FT%TZ)"
for w in syn ack established filtered; do
	o=() n=()
	for _ in $(seq "$ROUNDS"); do
		o+=("$(taskset -c 1 "$OLD" bench --workload $w --seconds "$SECS" --threads 1 | sed 's/.*"ns_per_packet":\([0-9.]*\).*/\1/')")
		n+=("$(taskset -c 1 "$NEW" bench --workload $w --seconds "$SECS" --threads 1 | sed 's/.*"ns_per_packet":\([0-9.]*\).*/\1/')")
	done
	med() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	mo=$(med "${o[@]}") mn=$(med "${n[@]}")
	rr=() && for i in "${!o[@]}"; do rr+=("$(awk -v a="${o[$i]}" -v b="${n[$i]}" 'BEGIN { print b / a }')"); done
	printf '%-12s old %s\n%-12s new %s\n' "$w" "${o[*]}" "" "${n[*]}"
	awk -v mo="$mo" -v mn="$mn" -v rr="$(med "${rr[@]}")" -v w="" 'BEGIN {
		printf "%-12s median old %.1f ns, new %.1f ns, new/old %.3f; run-by-run ratio median %.3f\n", w, mo, mn, mn / mo, rr }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   $(date -u +%FT%TZ)"

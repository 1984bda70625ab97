#!/bin/sh
# Measures the idle agent: CPU share of one core and RSS of the real runnable jar, started by bin/syncookied-agent,
# against a proc root whose net/ and sys/ are the real /proc files and whose tcp_secrets has a ticking clock.
# Sends only to 127.0.0.1. Stops everything it started. Usage: idle-agent.sh [WARMUP_S=60] [MEASURE_S=120]
set -eu
warmup=${1:-60}
measure=${2:-120}
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
work=$(mktemp -d)
ticker_pid=
agent_pid=
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
	[ -n "$ticker_pid" ] && kill "$ticker_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/proc"
ln -s /proc/net "$work/proc/net"
ln -s /proc/sys "$work/proc/sys"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/agent.key"
chmod 600 "$work/agent.key"
# the kernel's clock moves; a frozen fake one would look like a clock step at every poll
(
	while :; do
		ms=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
		printf '%d 2 250\n0123456789abcdef.fedcba9876543210.\n1111111111111111.2222222222222222.\nformat 2\ntcp_clock_ms %d\nts_offset_rule net_secret\n' \
			$((ms / 4)) "$ms" > "$work/proc/tcp_secrets.tmp"
		mv "$work/proc/tcp_secrets.tmp" "$work/proc/tcp_secrets"
		sleep 0.05
	done
) &
ticker_pid=$!
sleep 0.2
"$here/../bin/syncookied-agent" --proc-root "$work/proc" --control-plane 127.0.0.1:1488 --key-id 7 \
	--key-file "$work/agent.key" > "$work/agent.log" 2>&1 &
agent_pid=$!
sleep "$warmup"
hz=$(getconf CLK_TCK)
t0=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat")
sleep "$measure"
t1=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat")
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$measure" 'BEGIN { printf "idle agent cpu: %.2f %% of one core over %d s\n", 100 * d / hz / s, s }'
grep -E 'VmRSS|VmHWM' "/proc/$agent_pid/status"

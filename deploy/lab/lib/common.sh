# common.sh: logging with elapsed time, the cleanup stack and small helpers for the lab. Sourced by run.sh.

LAB_T0_MS=$(date +%s%3N)
CLEANUPS=()

now_ms() { date +%s%3N; }

# step MESSAGE: live progress line "[  12.3s] message" on the terminal and in the run log
step() {
	local t=$(($(now_ms) - LAB_T0_MS))
	printf '[%4d.%01ds] %s\n' $((t / 1000)) $((t % 1000 / 100)) "$*" | tee -a "$WORK/run.log"
}

die() {
	step "FATAL: $*" >&2
	exit 1
}

# on_exit CMD: push a cleanup command; they run in reverse order on exit, Ctrl-C or failure
on_exit() { CLEANUPS+=("$*"); }

run_cleanups() {
	local i
	trap - EXIT INT TERM
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[i]}" >/dev/null 2>&1 || true
	done
	CLEANUPS=()
}

# kill_wait PID [GRACE_S]: SIGTERM, then SIGKILL after GRACE_S seconds; only the PID we started
kill_wait() {
	local pid=$1 grace=${2:-5} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# nsx_bg NS_PID CMD...: start CMD in the background inside a namespace; BG_PID is CMD's own PID (nsenter -n
# execs in place), never a wrapper subshell, so kill_wait really stops it
nsx_bg() {
	local ns=$1
	shift
	nsenter -t "$ns" -n -- "$@" &
	BG_PID=$!
}

# free_port tcp|udp: a loopback port nobody listens on now (the lab never collides with a test running beside it)
free_port() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if [ "$1" = udp ]; then
			ss -Hlun "sport = :$p" | grep -q . || { echo "$p"; return; }
		else
			ss -Hltn "( sport = :$p or sport = :$((p + 1)) )" | grep -q . || { echo "$p"; return; }
		fi
	done
	echo 0
}

# record_pid PID WHAT: every process the lab starts is listed in pids.txt (the CI test checks none survives)
record_pid() { [ -n "$1" ] && echo "$1 $2" >>"$WORK/pids.txt"; }

# pids_with_arg TEXT: PIDs whose command line contains TEXT (used to find, never to kill by name)
pids_with_arg() {
	local d
	for d in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF -- "$1" && echo "${d#/proc/}"
	done
}

# wait_for SECONDS WHAT CMD...: poll CMD every 0.2 s until it succeeds
wait_for() {
	local limit=$1 what=$2 t0=$SECONDS
	shift 2
	until "$@" >/dev/null 2>&1; do
		((SECONDS - t0 < limit)) || return 1
		sleep 0.2
	done
}

# netdev_counters NS_PID IF...: "rx_packets tx_packets" per interface, read from the namespace's own
# /proc/net/dev (sysfs would show the namespace of whoever mounted it); 0 0 when absent
netdev_counters() {
	local ns=$1
	shift
	nsenter -t "$ns" -n -- cat /proc/net/dev 2>/dev/null | sed 's/:/ /' | awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{ rx[$1] = $3; tx[$1] = $11 }
		END { for (i = 1; i <= n; i++) printf "%s %s ", (w[i] in rx) ? rx[w[i]] : 0, (w[i] in tx) ? tx[w[i]] : 0 }'
}

# mirror.sh: the relay that lets the real host agent read the guest kernel's real /proc.
#
# Why a relay: the agent is a JVM and the guest is a busybox initramfs under TCG (no JVM, and a JVM there would
# steal the one emulated CPU from the kernel under test). So the guest pushes snapshots of its /proc files
# (guest/lab-snapd) every $MIRROR_PERIOD_MS through a virtio-serial port of its own (QEMU pipe chardev
# $OUT/snap.{in,out}: never on the network), and tools/proc-relay.c writes them into $MIRROR, laid out like /proc
# (tcp_secrets, net/netstat, net/snmp, net/dev, sys/net/ipv4/*, sys/kernel/hostname). Every file is replaced
# atomically (write + rename), so the agent, run with --proc-root $MIRROR, never reads half a file.
#
# The data's age when the agent reads it is what detection waits for. relay_probe measures it end to end: it opens a
# connection to the guest and times until the mirror shows the guest's PassiveOpens rise. The clock sample inside
# tcp_secrets is as old as that; the dataplane's clock estimate is conservative (never ahead), so that only ages the
# estimate, it never produces a cookie the server would reject.

MIRROR_PERIOD_MS=${MIRROR_PERIOD_MS:-50}

# relay_qemu_args: the virtio-serial device and port for vm.sh (VM_QEMU_ARGS), before the guest boots
relay_qemu_args() {
	rm -f "$OUT/snap.in" "$OUT/snap.out"
	mkfifo "$OUT/snap.in" "$OUT/snap.out"
	VM_QEMU_ARGS=(-device virtio-serial-pci,id=vser0 -chardev "pipe,id=snap,path=$OUT/snap"
		-device "virtserialport,bus=vser0.0,chardev=snap,name=lab.snap")
}

mirror_start() {
	MIRROR=$WORK/guest-proc
	mkdir -p "$MIRROR"/{net,sys/net/ipv4,sys/net/core,sys/kernel} \
		"$MIRROR"/.staging/{net,sys/net/ipv4,sys/net/core,sys/kernel}
	"$WORK/proc-relay" "$MIRROR" "$WORK/relay.csv" <"$OUT/snap.out" 2>>"$WORK/mirror.log" &
	MIRROR_PID=$!
	guest "setsid lab-snapd push $((MIRROR_PERIOD_MS * 1000)) </dev/null >/dev/null 2>>/tmp/lab-snapd.log 3>&- &" ||
		die "cannot start lab-snapd in the guest"
	wait_for 20 "first snapshot" test -s "$MIRROR/sys/kernel/hostname" ||
		die "the guest /proc relay got no snapshot: $(guest cat /tmp/lab-snapd.log) $(tail -3 "$WORK/relay.csv")"
	mirror_tcp_stack
	# the guest's clock rate against ours over 3 s (see guest.sh: it must not run slow)
	local c0 t0 c1 t1
	c0=$(sed -n 's/^tcp_clock_ms //p' "$MIRROR/tcp_secrets") t0=$(now_ms)
	sleep 3
	c1=$(sed -n 's/^tcp_clock_ms //p' "$MIRROR/tcp_secrets") t1=$(now_ms)
	GUEST_CLOCK_PPM=$(((c1 - c0 - (t1 - t0)) * 1000000 / (t1 - t0)))
}

# mirror_tcp_stack: what the agent computes the server's cookie SYN-ACK window and scale from (its tcp_profile),
# copied once: these settings and the guest's routes and MTU do not change during a run, so they stay out of the
# 50 ms snapshots. The MTU goes to $WORK/guest-sys (the agent's --sys-root). Without them the agent would report no
# profile, and the firewall would answer with its built-in window scale instead of the guest kernel's (6 at 512M).
mirror_tcp_stack() {
	local f
	for f in sys/kernel/osrelease sys/net/ipv4/tcp_rmem sys/net/ipv4/tcp_adv_win_scale \
		sys/net/ipv4/tcp_workaround_signed_windows sys/net/core/rmem_max net/route net/ipv6_route; do
		guest "cat /proc/$f" >"$MIRROR/.staging/$f" && mv "$MIRROR/.staging/$f" "$MIRROR/$f" ||
			die "cannot copy the guest's /proc/$f into the mirror"
	done
	mkdir -p "$WORK/guest-sys/class/net/eth0"
	guest 'cat /sys/class/net/eth0/mtu' >"$WORK/guest-sys/class/net/eth0/mtu" || die "cannot read the guest's eth0 MTU"
	TCP_PROFILE=$("$ROOT/host-agent/bin/syncookied-agent" tcp-profile --proc-root "$MIRROR" --sys-root "$WORK/guest-sys" 2>&1) ||
		die "the agent cannot compute the guest's SYN-ACK profile from the mirror: $TCP_PROFILE"
	echo "guest SYN-ACK profile (agent): $(tr '\n' ';' <<<"$TCP_PROFILE")"
	GUEST_WSCALE=$(sed -n 's/^default wscale=\([0-9]*\) .*/\1/p' <<<"$TCP_PROFILE")
	[ -n "$GUEST_WSCALE" ] || die "no default wscale in the agent's profile: $TCP_PROFILE"
}

mirror_stop() { kill_wait "${MIRROR_PID:-}" 3; MIRROR_PID=; }

guest_passive_opens() {
	awk '/^Tcp:/ { if (h) { for (i = 2; i <= NF; i++) if (n[i] == "PassiveOpens") print $i; exit } for (i = 2; i <= NF; i++) n[i] = $i; h = 1 }' \
		"$MIRROR/net/snmp" 2>/dev/null
}

# relay_probe N: N times, open (and close) a connection from the client namespace to the guest's service and time
# until the mirror shows it; RELAY_AGE_P50/P95/MAX (ms) are the data's age when it reaches the mirror, an upper
# bound (the clock starts before nsenter forks the client). Also compares the serial command channel: the time
# one snapshot takes to come back over it (SERIAL_SNAPSHOT_MS), the way the relay used to fetch them.
relay_probe() {
	local n=$1 i base t0 t v ages=()
	for ((i = 0; i < n; i++)); do
		base=$(guest_passive_opens) t0=$(now_ms) v=$base
		timeout 3 nsenter -t "$NS_CLIENT" -n -- bash -c "exec 3<>/dev/tcp/$VM_IP4/$SERVICE_PORT" 2>/dev/null
		while [ "${v:-0}" -le "${base:-0}" ]; do
			t=$(now_ms)
			((t - t0 < 3000)) || break
			v=$(guest_passive_opens)
		done
		ages+=($((t - t0)))
		sleep 0.0$((RANDOM % 9 + 1)) # start the next probe at a random phase of the snapshot period
	done
	printf '%s\n' "${ages[@]}" >"$WORK/relay-probe.txt"
	read -r RELAY_AGE_P50 RELAY_AGE_P95 RELAY_AGE_MAX < <(percentiles 0.5 0.95 1 <"$WORK/relay-probe.txt")
	t0=$(now_ms)
	guest lab-snapd once >/dev/null
	SERIAL_SNAPSHOT_MS=$(($(now_ms) - t0))
}

# relay_stats: "frames median_interval_ms median_transfer_ms p95_transfer_ms dropped" from relay.csv
# (transfer = first byte of a snapshot to its files renamed into the mirror)
relay_stats() {
	local frames dropped interval transfer
	frames=$(awk -F, 'NR > 1 && $5 == "ok"' "$WORK/relay.csv" | wc -l)
	dropped=$(awk -F, 'NR > 1 && $5 != "ok"' "$WORK/relay.csv" | wc -l)
	interval=$(awk -F, 'NR > 1 && $5 == "ok" { if (p) print $1 - p; p = $1 }' "$WORK/relay.csv" | percentiles 0.5)
	transfer=$(awk -F, 'NR > 1 && $5 == "ok" { print $3 - $1 }' "$WORK/relay.csv" | percentiles 0.5 0.95)
	echo "$frames ${interval:--} ${transfer:--} $dropped"
}

# percentiles Q...: the Q-quantiles (nearest rank) of the numbers on stdin, one line; nothing when there are none
percentiles() {
	sort -n | awk -v qs="$*" '{ v[NR] = $1 } END { if (!NR) exit; n = split(qs, q, " ")
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " " : ""), v[int((NR - 1) * q[i]) + 1]; print "" }'
}

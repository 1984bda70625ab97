# mirror.sh: the relay that lets the real host agent read the guest kernel's real /proc.
#
# Why a relay: the agent is a JVM and the guest is a busybox initramfs under TCG (no JVM, and a JVM there would
# steal the one emulated CPU from the kernel under test). So the guest prints its /proc files (guest/lab-snap)
# over its private serial command channel (ttyS1, the kmod harness's QEMU pipe chardev: never on the network),
# and this loop writes them into $MIRROR, laid out like /proc (tcp_secrets, net/netstat, net/snmp, net/dev,
# sys/net/ipv4/*, sys/kernel/hostname). Every file is replaced atomically (write + rename), so the agent, run
# with --proc-root $MIRROR, never reads half a file. The clock sample inside tcp_secrets is as old as the relay
# delay (tens of ms); the dataplane's clock estimate is conservative (never ahead), so that only ages the
# estimate, it never produces a cookie the server would reject.

MIRROR_PERIOD=${MIRROR_PERIOD:-0.3}

mirror_once() {
	local snap=$MIRROR/.snap
	guest lab-snap >"$snap" || return 1
	grep -q '^==> sys/kernel/hostname <==' "$snap" || return 1
	# sections are "==> path <==", then the file, then an empty separator line (dropped)
	awk -v dir="$MIRROR" '
		/^==> .* <==$/ { if (f) close(f); name = substr($0, 5, length($0) - 8); f = dir "/.staging/" name; printf "" > f; blank = 0; next }
		!f { next }
		/^$/ { blank++; next }
		{ while (blank > 0) { print "" > f; blank-- } print > f }
	' "$snap" || return 1
	(cd "$MIRROR/.staging" && find . -type f) | while read -r f; do
		mv -f "$MIRROR/.staging/$f" "$MIRROR/$f"
	done
}

mirror_start() {
	MIRROR=$WORK/guest-proc
	mkdir -p "$MIRROR"/{net,sys/net/ipv4,sys/net/core,sys/kernel} \
		"$MIRROR"/.staging/{net,sys/net/ipv4,sys/net/core,sys/kernel}
	mirror_once || die "the guest /proc relay got no snapshot"
	# the guest's clock rate against ours over 3 s (see guest.sh: it must not run slow)
	local c0 t0 c1 t1
	c0=$(sed -n 's/^tcp_clock_ms //p' "$MIRROR/tcp_secrets") t0=$(now_ms)
	sleep 3
	mirror_once
	c1=$(sed -n 's/^tcp_clock_ms //p' "$MIRROR/tcp_secrets") t1=$(now_ms)
	GUEST_CLOCK_PPM=$(( (c1 - c0 - (t1 - t0)) * 1000000 / (t1 - t0) ))
	(
		trap 'exit 0' TERM
		while :; do
			mirror_once || echo "$(date +%T.%3N) relay: snapshot failed" >>"$WORK/mirror.log"
			sleep "$MIRROR_PERIOD"
		done
	) &
	MIRROR_PID=$!
}

mirror_stop() { kill_wait "${MIRROR_PID:-}" 3; MIRROR_PID=; }

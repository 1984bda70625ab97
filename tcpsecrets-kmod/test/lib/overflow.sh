# overflow.sh: the guest kernel's "recent overflow" window for a fresh listener, so that no negative proof can
# pass (and no positive one be explained) by the boot-time jiffies trap. Sourced by run.sh and the self-test.
#
# The kernel accepts a cookie ACK only while tcp_synq_no_recent_overflow() is false for the listener:
#   time_between32(jiffies32, stamp - HZ, stamp + TCP_SYNCOOKIE_VALID)     (TCP_SYNCOOKIE_VALID = 120 s)
# A listener that never sent a cookie has stamp 0 (ts_recent_stamp, or its reuseport group's synq_overflow_ts).
# 32-bit jiffies start at -300 s (INITIAL_JIFFIES), so from about 299 s to 420 s after boot a brand-new listener
# counts as overflowed and accepts cookies with no hook at all. The harness creates the listeners of its
# negative proofs just before using them (stamp 0 by construction) and checks where jiffies32 stand.

OVERFLOW_VALID_S=120

# stamp0_window JIFFIES64 HZ: prints "open N" when a stamp-0 listener is inside its overflow window now (it
# closes in N s), else "clear N" (it opens in N s)
stamp0_window() {
	local hz=$2 x
	x=$((($1 + hz) & 0xffffffff)) # jiffies32 - (stamp - HZ), modulo 2^32
	if ((x <= (OVERFLOW_VALID_S + 1) * hz)); then
		echo "open $((((OVERFLOW_VALID_S + 1) * hz - x) / hz + 1))"
	else
		echo "clear $(((0x100000000 - x) / hz))"
	fi
}

# guest_jiffies: "JIFFIES64 HZ" from the first line of the guest's /proc/tcp_secrets
guest_jiffies() { guest 'head -1 /proc/tcp_secrets' | awk '{ print $1, $3 }'; }

# overflow_guard NEED_S: make sure stamp-0 listeners stay outside their overflow window for the next NEED_S
# seconds, waiting (loudly, at most NEED_S + 122 s) when the guest is in or near the trap; records the regime
# as a fact of proof $T
overflow_guard() {
	local need=$1 j hz state n waited=0
	while :; do
		read -r j hz < <(guest_jiffies)
		[[ $j =~ ^[0-9]+$ && $hz =~ ^[0-9]+$ ]] || { F="guest jiffies readable" bad "cannot read the guest's jiffies"; return 1; }
		read -r state n < <(stamp0_window "$j" "$hz")
		[ "$state" = clear ] && ((n > need)) && break
		[ "$state" = clear ] && n=$((n + OVERFLOW_VALID_S + 2)) # wait through the window, out the other side
		echo "   guest jiffies32 $((j & 0xffffffff)): a fresh listener is (or soon will be) in its boot-wrap overflow window; waiting ${n}s"
		sleep "$n"
		waited=$((waited + n))
	done
	OVERFLOW_REGIME="fresh listeners outside the overflow window (jiffies32 wrap in ${n}s$( ((waited)) && echo ", after waiting ${waited}s"))"
	F="fresh (stamp 0) listeners outside the boot-wrap overflow window" ok "$OVERFLOW_REGIME"
}

# overflow_still_clear: after the negative checks, jiffies32 are still outside the window
overflow_still_clear() {
	local j hz state n
	read -r j hz < <(guest_jiffies)
	read -r state n < <(stamp0_window "${j:-0}" "${hz:-250}")
	[ -n "$j" ] && [ "$state" = clear ] &&
		F="fresh (stamp 0) listeners outside the boot-wrap overflow window" ok "still clear ($n s to the wrap)" ||
		F="fresh (stamp 0) listeners outside the boot-wrap overflow window" bad "jiffies32 entered the overflow window during the checks"
}

# proofs.sh: the kernel-side assertions, against the running VM: /proc/tcp_secrets, proof 1 (the kernel's
# SYN-ACK = our cookie and TSval), proofs 2 and 3 (an ACK with only our cookie, hook on / off), and the module's
# unload under traffic. Sourced by run.sh; proof4.sh has the end-to-end proofs through the dataplane.
# Every expected value comes from our C core through `syncookied-dp` and from /proc/tcp_secrets read in the VM;
# every actual value comes from the real kernel (its SYN-ACKs, its RSTs, its counters, its listener).

rand32() { echo $((SRANDOM)); }
rand_port() { echo $((20000 + SRANDOM % 40000)); }
# field NAME TEXT: the value of NAME=value in TEXT (the probe's and the CLI's output); pure bash, no process: proof 1
# calls it hundreds of times
field() {
	[[ " ${2//$'\n'/ } " =~ [[:space:]]$1=([^[:space:]]*) ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	return 0
}

# read_secrets: the guest's /proc/tcp_secrets into SEC (the text) and SECV (its "key value" lines by key)
declare -A SECV=()
read_secrets() {
	local k v rest
	SEC=$(guest cat /proc/tcp_secrets) || die "cannot read /proc/tcp_secrets in the guest: $SEC"
	SECV=()
	while read -r k v rest; do
		[ -n "$k" ] && SECV[$k]=$v
	done <<<"$SEC"
}
sec() { printf '%s\n' "${SECV[$1]:-}"; }
# key line N (2, 3) of the original format, or a labelled key, as "w0,w1" for the CLI
sec_key_line() {
	local lines
	mapfile -t lines <<<"$SEC"
	local k=${lines[$1 - 1]%.}
	printf '%s\n' "${k/./,}"
}
sec_key() { local k=${SECV[$1]:-}; k=${k%.}; printf '%s\n' "${k/./,}"; }
sec_count() { local a b rest; read -r a b rest <<<"$SEC"; printf '%s\n' "$b"; }

counters() { guest tsk-cnt SyncookiesSent SyncookiesRecv SyncookiesFailed; }
cval() { field "$1" "$2"; }

probe() { nsx "$NS_PROBE" "$PROBE" --if p0 --smac "$PROBE_MAC" --dmac "$VM_MAC" "$@"; }

# setup DESC CMD: a guest command that prepares a check; its failure is a failed assertion of the proof
setup() {
	local desc=$1
	shift
	F= expect_guest_rc 0 "$desc" "$@" >/dev/null
}

# fresh_listeners PORT[r]...: new listeners in the guest, created now, so the kernel's overflow stamp of each
# is 0 (a listener that never answered a SYN); r = a SO_REUSEPORT group of two
fresh_listeners() {
	setup "fresh listeners on $*" "tsk-listen $* >>/tmp/listen.log 2>&1 & sleep 0.3; kill -0 \$!"
}

# our_cookie FAM SRC DST SPORT DPORT SEQ MSS COUNT -> isn
our_cookie() {
	local k0 k1 out
	if [ "$1" = 4 ]; then
		k0=$(sec_key_line 2) k1=$(sec_key_line 3)
	else
		k0=$(sec_key syncookie6_secret0) k1=$(sec_key syncookie6_secret1)
	fi
	out=$("$DP" "cookie$1" --k0 "$k0" --k1 "$k1" --count "$8" --saddr "$2" --daddr "$3" --sport "$4" \
		--dport "$5" --seq "$6" --mss "$7") || { echo "cookie$1 failed: $out" >&2; return 1; }
	field isn "$out"
}

check_secrets_file() {
	local T=file F= st l1 hz rc k n
	echo "-- /proc/tcp_secrets"
	read_secrets
	[ "${TSK_VERBOSE:-0}" = 1 ] && sed 's/^/     /' <<<"$SEC"
	st=$(guest stat -c "'%a %u %g'" /proc/tcp_secrets)
	F="/proc/tcp_secrets mode 0400, owner root:root" expect_eq "/proc/tcp_secrets mode uid gid" "$st" "400 0 0"
	F="unprivileged read refused" expect_guest_rc 1 "unprivileged read refused" \
		"su -s /bin/sh nobody -c 'cat /proc/tcp_secrets >/dev/null'"
	l1=$(sed -n 1p <<<"$SEC")
	hz=$(awk '{ print $3 }' <<<"$l1")
	[[ $l1 =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] && ((hz >= 100)) && F="line 1 'jiffies count HZ'" ok "line 1 '$l1'" ||
		F="line 1 'jiffies count HZ'" bad "line 1 '$l1' is not 'jiffies count HZ'"
	F="count = jiffies / (60*HZ)" expect_eq "count = jiffies / (60*HZ)" \
		"$(awk '{ print int($1 / (60 * $3)) }' <<<"$l1")" "$(sec_count)"
	F="IPv4 and IPv6 keys well formed and non-zero"
	for n in 2 3; do
		[[ $(sed -n "${n}p" <<<"$SEC") =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && ok "key line $n" || bad "key line $n malformed"
	done
	grep -q '^0000000000000000\.0000000000000000\.$' <<<"$SEC" && bad "an all-zero syncookie key is served"
	for k in syncookie6_secret0 syncookie6_secret1; do
		[[ $(sec $k) =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && [ "$(sec $k)" != 0000000000000000.0000000000000000. ] &&
			ok "$k" || bad "$k missing, malformed or zero: '$(sec $k)'"
	done
	F="format $(sec format)" expect_eq "format" "$(sec format)" 2
	# the 2026 change removed ts_secret: kernels without it (Debian >= 6.1.191) follow the net_secret rule
	guest "grep -qw ts_secret /proc/kallsyms"
	rc=$?
	case $rc in
	0) KALLSYMS_RULE=ts_secret ;;
	1) KALLSYMS_RULE=net_secret ;;
	*) KALLSYMS_RULE="unknown (grep exited $rc)" ;;
	esac
	F="offset rule $(sec ts_offset_rule) (as kallsyms shows)" expect_eq "ts_offset_rule (kallsyms says $KALLSYMS_RULE)" \
		"$(sec ts_offset_rule)" "$KALLSYMS_RULE"
	F="offset secret hidden by default"
	[ -z "$(sec net_secret)$(sec ts_secret)" ] && ok "offset secret not exported by default" ||
		bad "offset secret printed without export_ts_secret=1"
	F="sysctls and hook state reported"
	expect_eq "tcp_syncookies" "$(sec tcp_syncookies)" 2
	expect_eq "overflow_hook" "$(sec overflow_hook)" active
	for k in tcp_clock_ms tcp_timestamps tcp_sack tcp_window_scaling tcp_ecn overflow_hook_calls; do
		[[ $(sec $k) =~ ^[0-9]+$ ]] && ok "$k $(sec $k)" || bad "$k missing or not a number"
	done
}

# proof 1 ----------------------------------------------------------------------------------------------
# p1_case FAM MSS TS(0|1) SACK(0|1) WSCALE|none ECN(0|1)
p1_case() {
	local fam=$1 mss=$2 ts=$3 sack=$4 ws=$5 ecn=$6 src dst sport seq out isn want c before_clock before_count
	local args tsv tsoff rule lo hi d span wse sacke ecne tsmode desc F=
	if [ "$fam" = 4 ]; then src=$PROBE_IP4 dst=$VM_IP4; else src=$PROBE_IP6 dst=$VM_IP6; fi
	sport=$(rand_port) seq=$(rand32)
	args=(--src "$src" --dst "$dst" --sport "$sport" --dport 7001 --seq "$seq" syn --mss "$mss")
	[ "$ts" = 1 ] && args+=(--ts "$(rand32)")
	[ "$sack" = 1 ] && args+=(--sack)
	[ "$ws" != none ] && args+=(--wscale "$ws")
	[ "$ecn" = 1 ] && args+=(--ecn)
	desc="ipv$fam mss=$mss ts=$ts sack=$sack ws=$ws ecn=$ecn tcp_timestamps=$(sec tcp_timestamps)"
	before_clock=$(sec tcp_clock_ms) before_count=$(sec_count)
	out=$(probe "${args[@]}")
	read_secrets
	[[ $out == synack* ]] || { F="kernel SYN-ACK ISN = our cookie" bad "$desc: no SYN-ACK from the kernel: $out"; return; }
	isn=$(field isn "$out")
	want=
	for c in $before_count $(sec_count); do
		want=$(our_cookie "$fam" "$src" "$dst" "$sport" 7001 "$seq" "$mss" "$c")
		[ "$want" = "$isn" ] && break
	done
	F="kernel SYN-ACK ISN = our cookie" expect_eq "$desc: kernel ISN vs our cookie" "$isn" "$want"
	tsv=$(field tsval "$out")
	tsmode=$(sec tcp_timestamps)
	if [ "$ts" = 0 ] || [ "$tsmode" = 0 ]; then
		F="no TS/SACK/WSCALE without TS" expect_eq "$desc: SYN-ACK options without TS" \
			"$(field tsval "$out") $(field sack "$out") $(field wscale "$out")" "none 0 none"
		return
	fi
	tsoff=0
	if [ "$tsmode" = 1 ]; then
		rule=$(sec ts_offset_rule)
		[ "$rule" = net_secret ] && rule=2026 || rule=pre2026
		tsoff=$(field tsoff "$("$DP" "tsoff$fam" --rule "$rule" --secret "$(sec_key "$(sec ts_offset_rule)")" \
			--local "$dst" --remote "$src" --lport 7001 --rport "$sport")")
	fi
	wse=$ws
	[ "$(sec tcp_window_scaling)" = 0 ] && wse=none
	sacke=$sack
	[ "$(sec tcp_sack)" = 0 ] && sacke=0
	ecne=0
	[ "$ecn" = 1 ] && [ "$(sec tcp_ecn)" = 1 ] && ecne=1
	F="ECE as our core sets it" expect_eq "$desc: ECE in SYN-ACK" "$(field ece "$out")" "$ecne"
	lo=$(field tsval "$("$DP" tsval --now-ms "$before_clock" --tsoff "$tsoff" --wscale "$wse" --sack "$sacke" --ecn "$ecne")")
	hi=$(field tsval "$("$DP" tsval --now-ms "$(sec tcp_clock_ms)" --tsoff "$tsoff" --wscale "$wse" --sack "$sacke" --ecn "$ecne")")
	d=$(((tsv - lo) & 0xffffffff))
	span=$(((hi - lo) & 0xffffffff))
	F="TSval (clock, offset, option bits) = ours"
	if [ -n "$lo" ] && [ -n "$hi" ] && ((d <= span && d % 64 == 0)); then
		ok "$desc: TSval $tsv within our [$lo, $hi]"
	else
		bad "$desc: kernel TSval $tsv not ours: expected one of [$lo, $hi] step 64 (tsoff $tsoff)"
	fi
}

# proof 1: 94 SYNs (IPv4 and IPv6, tcp_timestamps 1, 2 and 0, MSS none to 9000, with and without TS, SACK,
# WSCALE, ECN) to a listener; each SYN-ACK's ISN, TSval and options against our core
proof1() {
	local T=p1 F= tsmode fam mss
	echo "-- proof 1: kernel SYN-ACK = our cookie and TSval"
	setup "export_ts_secret=Y, tcp_ecn=1" 'echo Y > /sys/module/tcpsecrets/parameters/export_ts_secret; sysctl -qw net.ipv4.tcp_ecn=1'
	for tsmode in 1 2 0; do
		setup "tcp_timestamps=$tsmode" "sysctl -qw net.ipv4.tcp_timestamps=$tsmode"
		read_secrets
		if [ "$tsmode" = 1 ]; then
			F="offset secret printed on opt-in"
			[[ $(sec "$(sec ts_offset_rule)") =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && ok "$(sec ts_offset_rule) exported on opt-in" ||
				bad "export_ts_secret=1 did not print a valid $(sec ts_offset_rule) line"
			F=
		fi
		for fam in 4 6; do
			for mss in none 500 536 1220 1300 1420 1440 1460 8940 9000; do
				p1_case $fam $mss 0 0 none 0
			done
			[ "$tsmode" = 0 ] && { p1_case $fam 1460 1 1 7 0; continue; }
			p1_case $fam 1460 1 1 7 0
			p1_case $fam 1300 1 0 none 0
			p1_case $fam 536 1 1 0 0
			p1_case $fam 1440 1 0 14 0
			p1_case $fam 9000 1 1 15 1
			p1_case $fam 1460 1 1 5 1
			p1_case $fam none 1 0 3 0
			p1_case $fam 1460 0 1 7 1
		done
	done
	setup "export_ts_secret=N, tcp_timestamps=1" 'echo N > /sys/module/tcpsecrets/parameters/export_ts_secret; sysctl -qw net.ipv4.tcp_timestamps=1'
}

# proofs 2 and 3 -----------------------------------------------------------------------------------------
# make_ack FAM PORT [BADCOOKIE]: sets ACK_ARGS for an ACK carrying our cookie for a fresh 4-tuple, and ACK_SEQ/ACK_LEN
make_ack() {
	local fam=$1 port=$2 src dst sport seq isn ack payload
	if [ "$fam" = 4 ]; then src=$PROBE_IP4 dst=$VM_IP4; else src=$PROBE_IP6 dst=$VM_IP6; fi
	sport=$(rand_port) seq=$(rand32)
	read_secrets
	isn=$(our_cookie "$fam" "$src" "$dst" "$sport" "$port" "$seq" 1460 "$(sec_count)")
	ack=$(((isn + 1) & 0xffffffff))
	[ -n "${3:-}" ] && ack=$(((ack + 0x1000) & 0xffffffff))
	payload="tsk-ipv$fam-port$port-$sport"
	ACK_ARGS=(--src "$src" --dst "$dst" --sport "$sport" --dport "$port" --seq $(((seq + 1) & 0xffffffff))
		ack --ack "$ack" --payload "$payload")
	ACK_SEQ=$(((seq + 1) & 0xffffffff))
	ACK_LEN=${#payload}
	ACK_PAYLOAD=$payload
}

set_hook() {
	setup "overflow_hook=$1" "echo $1 > /sys/module/tcpsecrets/parameters/overflow_hook"
	read_secrets
}

kprobes_listed() { guest 'grep -c cookie_v[46]_check /sys/kernel/debug/kprobes/list'; }

# proofs 2 and 3: own-cookie ACKs for 4-tuples whose SYN the kernel never saw, to a plain listener (8080) and a
# SO_REUSEPORT group (8081), IPv4 and IPv6: refused with the hook off (proof 3), the same ACKs accepted with it
# on (proof 2). The listeners are created here and jiffies checked, so the refusals are the hook's doing.
proof23() {
	local T=p3 F= c0 c1 c2 out i fam port
	local -a acks seqs lens payloads
	echo "-- proofs 2 and 3: an ACK with only our cookie, hook off then on"
	fresh_listeners 8080 8081r 8083
	overflow_guard 60
	set_hook N
	F="hook off: no kprobe registered"
	expect_eq "overflow_hook after overflow_hook=N" "$(sec overflow_hook)" disabled
	expect_eq "kprobes registered while disabled" "$(kprobes_listed)" 0
	c0=$(counters)
	i=0
	F="hook off: own-cookie ACK refused with RST (IPv4+IPv6, plain and reuseport listener)"
	for port in 8080 8081; do
		for fam in 4 6; do
			make_ack $fam $port
			acks[i]="${ACK_ARGS[*]}" seqs[i]=$ACK_SEQ lens[i]=$ACK_LEN payloads[i]=$ACK_PAYLOAD
			out=$(probe "${ACK_ARGS[@]}")
			if [[ $out == rst* ]]; then
				ok "hook off: ipv$fam port $port: RST"
			else
				bad "hook off: ipv$fam port $port ($([ $port = 8081 ] && echo reuseport || echo plain) listener): kernel answered '$out', expected RST"
			fi
			i=$((i + 1))
		done
	done
	c1=$(counters)
	F="hook off: SyncookiesRecv and SyncookiesFailed unchanged, listener got nothing"
	expect_eq "hook off: SyncookiesRecv unchanged" "$(cval SyncookiesRecv "$c1")" "$(cval SyncookiesRecv "$c0")"
	expect_eq "hook off: SyncookiesFailed unchanged (rejected by the overflow check, not the cookie)" \
		"$(cval SyncookiesFailed "$c1")" "$(cval SyncookiesFailed "$c0")"
	expect_eq "hook off: listener accepted nothing" "$(guest 'grep -c tsk-ipv /tmp/listen.log')" 0

	T=p2
	set_hook Y
	F="hook on: both kprobes registered"
	expect_eq "overflow_hook after overflow_hook=Y" "$(sec overflow_hook)" active
	expect_eq "kprobes registered while enabled" "$(kprobes_listed)" 2
	F="hook on: the same ACKs accepted, payload ACKed"
	for i in 0 1 2 3; do
		read -r -a ACK_ARGS <<<"${acks[i]}"
		out=$(probe "${ACK_ARGS[@]}")
		if [[ $out == reply* ]] && [ "$(field ack "$out")" = $(((seqs[i] + lens[i]) & 0xffffffff)) ]; then
			ok "hook on: ${payloads[i]}: kernel ACKed the payload"
		else
			bad "hook on: ${payloads[i]}: kernel answered '$out', expected an ACK of the payload"
		fi
	done
	sleep 1
	for i in 0 1 2 3; do
		F="payload delivered to the listener" expect_guest_rc 0 "listener received ${payloads[i]}" \
			"grep -q 'text=${payloads[i]}\$' /tmp/listen.log"
	done
	c2=$(counters)
	F="SyncookiesRecv +4, SyncookiesSent unchanged"
	expect_eq "hook on: SyncookiesRecv rose by 4" $(($(cval SyncookiesRecv "$c2") - $(cval SyncookiesRecv "$c1"))) 4
	expect_eq "hook on: SyncookiesSent unchanged (the kernel never sent these cookies)" \
		"$(cval SyncookiesSent "$c2")" "$(cval SyncookiesSent "$c1")"

	# control: the kernel really checks the cookie, a wrong one fails
	F="a wrong cookie gets RST and SyncookiesFailed +1"
	make_ack 4 8080 bad
	out=$(probe "${ACK_ARGS[@]}")
	c1=$(counters)
	[[ $out == rst* ]] && ok "wrong cookie: RST" || bad "wrong cookie: kernel answered '$out', expected RST"
	expect_eq "wrong cookie: SyncookiesFailed +1" $(($(cval SyncookiesFailed "$c1") - $(cval SyncookiesFailed "$c2"))) 1

	# the hook must be inert unless tcp_syncookies=2 (8083 is still a fresh listener)
	T=p3
	setup "tcp_syncookies=1" 'sysctl -qw net.ipv4.tcp_syncookies=1'
	read_secrets
	F="tcp_syncookies=1: hook inactive, own-cookie ACK refused"
	expect_eq "overflow_hook with tcp_syncookies=1" "$(sec overflow_hook)" inactive
	make_ack 4 8083
	out=$(probe "${ACK_ARGS[@]}")
	[[ $out == rst* ]] && ok "tcp_syncookies=1: own-cookie ACK rejected" || bad "tcp_syncookies=1: hook acted: '$out'"
	overflow_still_clear
	T=p2
	setup "tcp_syncookies=2" 'sysctl -qw net.ipv4.tcp_syncookies=2'
	out=$(probe "${ACK_ARGS[@]}")
	[[ $out == reply* ]] && F="tcp_syncookies=2 again: same ACK accepted" ok "tcp_syncookies=2 again: same ACK accepted" ||
		F="tcp_syncookies=2 again: same ACK accepted" bad "tcp_syncookies=2 again: '$out'"
}

# module lifecycle ----------------------------------------------------------------------------------------
# rmmod while a 40k-ACK flood runs through the hook, then insmod with the kprobe-only symbol resolver
lifecycle() {
	local T=unload F= keys_before keys_after flood
	echo "-- module unload under traffic, reload with the kprobe resolver"
	read_secrets
	keys_before=$(sed -n '2,3p' <<<"$SEC"; sec syncookie6_secret0; sec syncookie6_secret1)
	probe --src $PROBE_IP4 --dst $VM_IP4 --sport 1024 --dport 8080 --seq 1 ack --ack 1 ackflood --count 40000 >/dev/null &
	flood=$!
	sleep 0.3
	F="rmmod under a 40k-ACK flood" expect_guest_rc 0 "rmmod under an ACK flood" 'rmmod tcpsecrets'
	wait $flood
	F="no kprobe and no /proc/tcp_secrets left"
	expect_eq "kprobes left after rmmod" "$(kprobes_listed)" 0
	expect_guest_rc 1 "/proc/tcp_secrets removed" 'test -e /proc/tcp_secrets'
	F="reload with resolver=kprobe gives the same secrets"
	expect_guest_rc 0 "insmod resolver=kprobe" 'insmod /lib/modules/tcpsecrets.ko resolver=kprobe'
	read_secrets
	keys_after=$(sed -n '2,3p' <<<"$SEC"; sec syncookie6_secret0; sec syncookie6_secret1)
	expect_eq "secrets via kprobe resolver = via kallsyms_lookup_name" "$keys_after" "$keys_before"
	expect_eq "overflow_hook after reload" "$(sec overflow_hook)" active
	guest 'dmesg | grep -i tcpsecrets' | sed 's/^/     guest: /'
	# grep exits 1 when nothing matches: only that is "no warning" (a timeout is not)
	F="no kernel warning in dmesg" expect_guest_rc 1 "no kernel warning in dmesg" \
		"dmesg | grep -E 'BUG|WARNING|Oops|Call Trace|general protection'"
}


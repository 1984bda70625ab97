# proofs.sh: the assertions, against the running VM. Sourced by run.sh.
# Every expected value comes from our C core through `syncookied-dp` and from /proc/tcp_secrets read in the VM;
# every actual value comes from the real kernel (its SYN-ACKs, its RSTs, its counters, its listener).

PASS=0
FAIL=0
REPORT=()
ok() {
	PASS=$((PASS + 1))
	[ "${TSK_VERBOSE:-0}" = 1 ] && echo "  ok   $*"
	return 0
}
# KNOWN_BUG="...": failures are known bugs of another part, reported and tracked: printed loudly as XFAIL,
# counted apart, never silently. When such a check passes, the run says so (XPASS) so the marker gets removed.
KNOWN_BUG=
XFAIL=0
bad() {
	if [ -n "$KNOWN_BUG" ]; then
		XFAIL=$((XFAIL + 1))
		echo "  XFAIL (known bug: $KNOWN_BUG) $*"
		return 1
	fi
	FAIL=$((FAIL + 1))
	echo "  FAIL $*"
	return 1
}
expect_eq() { # what actual expected
	if [ "$2" = "$3" ]; then ok "$1 = $2"; else bad "$1: got '$2', expected '$3'"; fi
}

rand32() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }
rand_port() { echo $((20000 + $(rand32) % 40000)); }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }

read_secrets() {
	SEC=$(guest cat /proc/tcp_secrets) || die "cannot read /proc/tcp_secrets in the guest: $SEC"
}
sec() { awk -v k="$1" '$1 == k { print $2 }' <<<"$SEC"; }
# key line N (2, 3) of the original format, or a labelled key, as "w0,w1" for the CLI
sec_key_line() { sed -n "${1}p" <<<"$SEC" | sed 's/\.$//; s/\./,/'; }
sec_key() { sec "$1" | sed 's/\.$//; s/\./,/'; }
sec_count() { sed -n 1p <<<"$SEC" | awk '{ print $2 }'; }

counters() { guest tsk-cnt SyncookiesSent SyncookiesRecv SyncookiesFailed; }
cval() { field "$1" "$(tr '\n' ' ' <<<" $2")"; }

probe() { nsx "$NS_PROBE" "$PROBE" --if p0 --smac "$PROBE_MAC" --dmac "$VM_MAC" "$@"; }

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
	local st l1 want
	echo "-- /proc/tcp_secrets"
	read_secrets
	[ "${TSK_VERBOSE:-0}" = 1 ] && sed 's/^/     /' <<<"$SEC"
	st=$(guest stat -c "'%a %u %g'" /proc/tcp_secrets)
	expect_eq "/proc/tcp_secrets mode uid gid" "$st" "400 0 0"
	if guest "su -s /bin/sh nobody -c 'cat /proc/tcp_secrets'" >/dev/null; then
		bad "an unprivileged user can read /proc/tcp_secrets"
	else
		ok "unprivileged read refused"
	fi
	l1=$(sed -n 1p <<<"$SEC")
	[[ $l1 =~ ^[0-9]+\ [0-9]+\ 250$ ]] && ok "line 1 '$l1'" || bad "line 1 '$l1' is not 'jiffies count 250'"
	expect_eq "count = jiffies / (60*HZ)" "$(awk '{ print int($1 / 15000) }' <<<"$l1")" "$(sec_count)"
	for n in 2 3; do
		[[ $(sed -n "${n}p" <<<"$SEC") =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && ok "key line $n" || bad "key line $n malformed"
	done
	grep -q '^0000000000000000\.0000000000000000\.$' <<<"$SEC" && bad "an all-zero syncookie key is served"
	expect_eq "format" "$(sec format)" 2
	for k in syncookie6_secret0 syncookie6_secret1; do
		[[ $(sec $k) =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && [ "$(sec $k)" != 0000000000000000.0000000000000000. ] &&
			ok "$k" || bad "$k missing, malformed or zero: '$(sec $k)'"
	done
	# the 2026 change removed ts_secret: kernels without it (Debian >= 6.1.191) follow the net_secret rule
	if guest "grep -qw ts_secret /proc/kallsyms"; then want=ts_secret; else want=net_secret; fi
	expect_eq "ts_offset_rule (kallsyms says $want)" "$(sec ts_offset_rule)" "$want"
	[ -z "$(sec net_secret)$(sec ts_secret)" ] && ok "offset secret not exported by default" ||
		bad "offset secret printed without export_ts_secret=1"
	expect_eq "tcp_syncookies" "$(sec tcp_syncookies)" 2
	expect_eq "overflow_hook" "$(sec overflow_hook)" active
	for k in tcp_clock_ms tcp_timestamps tcp_sack tcp_window_scaling tcp_ecn overflow_hook_calls; do
		[[ $(sec $k) =~ ^[0-9]+$ ]] && ok "$k $(sec $k)" || bad "$k missing or not a number"
	done
	REPORT+=("file: /proc/tcp_secrets 0400 root, format 2, non-zero IPv4+IPv6 keys, rule $(sec ts_offset_rule), hook $(sec overflow_hook)")
}

# proof 1 ----------------------------------------------------------------------------------------------
P1_N=0
P1_TS=0
# p1_case FAM MSS TS(0|1) SACK(0|1) WSCALE|none ECN(0|1)
p1_case() {
	local fam=$1 mss=$2 ts=$3 sack=$4 ws=$5 ecn=$6 src dst sport seq out isn want c before_clock before_count
	local args tsv tsoff rule lo hi d span wse sacke ecne tsmode desc
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
	P1_N=$((P1_N + 1))
	[[ $out == synack* ]] || { bad "$desc: no SYN-ACK from the kernel: $out"; return; }
	isn=$(field isn "$out")
	want=
	for c in $before_count $(sec_count); do
		want=$(our_cookie "$fam" "$src" "$dst" "$sport" 7001 "$seq" "$mss" "$c")
		[ "$want" = "$isn" ] && break
	done
	expect_eq "$desc: kernel ISN vs our cookie" "$isn" "$want"
	tsv=$(field tsval "$out")
	tsmode=$(sec tcp_timestamps)
	if [ "$ts" = 0 ] || [ "$tsmode" = 0 ]; then
		expect_eq "$desc: SYN-ACK options without TS" "$(field tsval "$out") $(field sack "$out") $(field wscale "$out")" "none 0 none"
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
	expect_eq "$desc: ECE in SYN-ACK" "$(field ece "$out")" "$ecne"
	lo=$(field tsval "$("$DP" tsval --now-ms "$before_clock" --tsoff "$tsoff" --wscale "$wse" --sack "$sacke" --ecn "$ecne")")
	hi=$(field tsval "$("$DP" tsval --now-ms "$(sec tcp_clock_ms)" --tsoff "$tsoff" --wscale "$wse" --sack "$sacke" --ecn "$ecne")")
	d=$(((tsv - lo) & 0xffffffff))
	span=$(((hi - lo) & 0xffffffff))
	if [ -n "$lo" ] && [ -n "$hi" ] && ((d <= span && d % 64 == 0)); then
		ok "$desc: TSval $tsv within our [$lo, $hi]"
		P1_TS=$((P1_TS + 1))
	else
		bad "$desc: kernel TSval $tsv not ours: expected one of [$lo, $hi] step 64 (tsoff $tsoff)"
	fi
}

proof1() {
	local tsmode fam mss f0 f1
	echo "-- proof 1: kernel SYN-ACK = our cookie and TSval"
	guest 'echo Y > /sys/module/tcpsecrets/parameters/export_ts_secret; sysctl -qw net.ipv4.tcp_ecn=1' >/dev/null
	f0=$FAIL
	for tsmode in 1 2 0; do
		guest "sysctl -qw net.ipv4.tcp_timestamps=$tsmode" >/dev/null
		read_secrets
		if [ "$tsmode" = 1 ]; then
			[[ $(sec "$(sec ts_offset_rule)") =~ ^[0-9a-f]{16}\.[0-9a-f]{16}\.$ ]] && ok "$(sec ts_offset_rule) exported on opt-in" ||
				bad "export_ts_secret=1 did not print a valid $(sec ts_offset_rule) line"
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
	guest 'echo N > /sys/module/tcpsecrets/parameters/export_ts_secret; sysctl -qw net.ipv4.tcp_timestamps=1' >/dev/null
	f1=$FAIL
	REPORT+=("proof 1: $P1_N kernel SYN-ACKs (IPv4+IPv6, tcp_timestamps 1/2/0, MSS none..9000, TS/SACK/WSCALE/ECN) = our cookie; $P1_TS TSvals = ours; $((f1 - f0)) mismatches")
	return $((f1 > f0))
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
	guest "echo $1 > /sys/module/tcpsecrets/parameters/overflow_hook" >/dev/null
	read_secrets
}

kprobes_listed() { guest 'grep -c cookie_v[46]_check /sys/kernel/debug/kprobes/list'; }

proof23() {
	local c0 c1 c2 out i fam port f0 up accepted=0 rejected=0
	local -a acks seqs lens payloads
	echo "-- proofs 2 and 3: an ACK with only our cookie, hook off then on"
	f0=$FAIL
	# A fresh listener's stamp is 0 and 32-bit jiffies start at -300 s: within 300 s of boot a stamp of 0
	# is not yet "recent", so a rejection here is due to the missing hook. Beyond that it would be.
	up=$(guest 'cut -d. -f1 /proc/uptime')
	((up < 270)) && ok "VM uptime ${up}s" || bad "VM uptime ${up}s: too late for proof 3 to be meaningful (jiffies wrap at 300 s)"
	set_hook N
	expect_eq "overflow_hook after overflow_hook=N" "$(sec overflow_hook)" disabled
	expect_eq "kprobes registered while disabled" "$(kprobes_listed)" 0
	c0=$(counters)
	i=0
	for port in 8080 8081; do
		for fam in 4 6; do
			make_ack $fam $port
			acks[i]="${ACK_ARGS[*]}" seqs[i]=$ACK_SEQ lens[i]=$ACK_LEN payloads[i]=$ACK_PAYLOAD
			out=$(probe "${ACK_ARGS[@]}")
			if [[ $out == rst* ]]; then
				rejected=$((rejected + 1))
				ok "hook off: ipv$fam port $port: RST"
			else
				bad "hook off: ipv$fam port $port ($([ $port = 8081 ] && echo reuseport || echo plain) listener): kernel answered '$out', expected RST"
			fi
			i=$((i + 1))
		done
	done
	c1=$(counters)
	expect_eq "hook off: SyncookiesRecv unchanged" "$(cval SyncookiesRecv "$c1")" "$(cval SyncookiesRecv "$c0")"
	expect_eq "hook off: SyncookiesFailed unchanged (rejected by the overflow check, not the cookie)" \
		"$(cval SyncookiesFailed "$c1")" "$(cval SyncookiesFailed "$c0")"
	expect_eq "hook off: listener accepted nothing" "$(guest 'grep -c tsk-ipv /tmp/listen.log')" 0
	REPORT+=("proof 3: hook off: $rejected/4 own-cookie ACKs (IPv4+IPv6, plain+reuseport listener) rejected with RST, no counter moved")

	set_hook Y
	expect_eq "overflow_hook after overflow_hook=Y" "$(sec overflow_hook)" active
	expect_eq "kprobes registered while enabled" "$(kprobes_listed)" 2
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
		if guest "grep -q 'text=${payloads[i]}\$' /tmp/listen.log"; then
			accepted=$((accepted + 1))
			ok "listener received ${payloads[i]}"
		else
			bad "listener did not receive ${payloads[i]}"
		fi
	done
	c2=$(counters)
	expect_eq "hook on: SyncookiesRecv rose by 4" $(($(cval SyncookiesRecv "$c2") - $(cval SyncookiesRecv "$c1"))) 4
	expect_eq "hook on: SyncookiesSent unchanged (the kernel never sent these cookies)" \
		"$(cval SyncookiesSent "$c2")" "$(cval SyncookiesSent "$c1")"
	REPORT+=("proof 2: hook on: the same $accepted/4 ACKs accepted, payload delivered to the listener, SyncookiesRecv +$(($(cval SyncookiesRecv "$c2") - $(cval SyncookiesRecv "$c1")))")

	# negative control: the kernel really checks the cookie, a wrong one fails
	make_ack 4 8080 bad
	out=$(probe "${ACK_ARGS[@]}")
	c1=$(counters)
	[[ $out == rst* ]] && ok "wrong cookie: RST" || bad "wrong cookie: kernel answered '$out', expected RST"
	expect_eq "wrong cookie: SyncookiesFailed +1" $(($(cval SyncookiesFailed "$c1") - $(cval SyncookiesFailed "$c2"))) 1

	# the hook must be inert unless tcp_syncookies=2
	guest 'sysctl -qw net.ipv4.tcp_syncookies=1' >/dev/null
	read_secrets
	expect_eq "overflow_hook with tcp_syncookies=1" "$(sec overflow_hook)" inactive
	make_ack 4 8083
	out=$(probe "${ACK_ARGS[@]}")
	[[ $out == rst* ]] && ok "tcp_syncookies=1: own-cookie ACK rejected" || bad "tcp_syncookies=1: hook acted: '$out'"
	guest 'sysctl -qw net.ipv4.tcp_syncookies=2' >/dev/null
	out=$(probe "${ACK_ARGS[@]}")
	[[ $out == reply* ]] && ok "tcp_syncookies=2 again: same ACK accepted" || bad "tcp_syncookies=2 again: '$out'"
	return $((FAIL > f0))
}

# module lifecycle ----------------------------------------------------------------------------------------
lifecycle() {
	local f0=$FAIL keys_before keys_after flood
	echo "-- module unload under traffic, reload with the kprobe resolver"
	read_secrets
	keys_before=$(sed -n '2,3p' <<<"$SEC"; sec syncookie6_secret0; sec syncookie6_secret1)
	probe --src $PROBE_IP4 --dst $VM_IP4 --sport 1024 --dport 8080 --seq 1 ack --ack 1 ackflood --count 40000 >/dev/null &
	flood=$!
	sleep 0.3
	guest 'rmmod tcpsecrets' >/dev/null && ok "rmmod under an ACK flood" || bad "rmmod failed"
	wait $flood
	expect_eq "kprobes left after rmmod" "$(kprobes_listed)" 0
	guest 'test -e /proc/tcp_secrets' && bad "/proc/tcp_secrets left after rmmod" || ok "/proc/tcp_secrets removed"
	guest 'insmod /lib/modules/tcpsecrets.ko resolver=kprobe' >/dev/null && ok "insmod resolver=kprobe" || bad "insmod resolver=kprobe failed"
	read_secrets
	keys_after=$(sed -n '2,3p' <<<"$SEC"; sec syncookie6_secret0; sec syncookie6_secret1)
	expect_eq "secrets via kprobe resolver = via kallsyms_lookup_name" "$keys_after" "$keys_before"
	expect_eq "overflow_hook after reload" "$(sec overflow_hook)" active
	guest 'dmesg | grep -i tcpsecrets' | sed 's/^/     guest: /'
	if guest "dmesg | grep -E 'BUG|WARNING|Oops|Call Trace|general protection'"; then
		bad "kernel warnings in the guest's dmesg"
	else
		ok "no kernel warning in dmesg"
	fi
	REPORT+=("module: unload under a 40k-ACK flood clean (no kprobe left, no warning), reload via kprobe resolver gives the same secrets")
	return $((FAIL > f0))
}

# proof 4 -------------------------------------------------------------------------------------------------
DP_PID=
stop_dataplane() {
	if [ -n "${DP_PID:-}" ]; then
		kill "$DP_PID" 2>/dev/null
		wait "$DP_PID" 2>/dev/null
	fi
	DP_PID=
	[ -n "${NS_ROUTER:-}" ] && nsx "$NS_ROUTER" ip neigh del $VM_IP4 dev r-srv 2>/dev/null
	[ -n "${NS_ROUTER:-}" ] && nsx "$NS_ROUTER" ip -6 neigh del $VM_IP6 dev r-srv 2>/dev/null
	return 0
}

# start_dataplane DIR [EXTRA_HOST_YAML_LINE]: syncookied-dp run on the firewall with the VM's current secrets,
# and the router's neighbour override that diverts the VM's addresses to it
start_dataplane() {
	local dir=$1 extra=${2:-}
	read_secrets
	rm -rf "$dir" && mkdir -p "$dir/secrets"
	cat >"$dir/hosts.yml" <<-EOF
		- ip: $VM_IP4
		  mac: $VM_MAC
		  passthrough: false
		  $extra
		- ip: $VM_IP6
		  mac: $VM_MAC
		  passthrough: false
		  $extra
	EOF
	printf '%s\n' "$SEC" >"$dir/secrets/$VM_IP4"
	printf '%s\n' "$SEC" >"$dir/secrets/$VM_IP6"
	chmod 0400 "$dir/secrets/"*
	nsenter -t "$NS_FW" -n -- "$DP" run --backend afpacket --iface fw0 --hosts "$dir/hosts.yml" \
		--secrets-dir "$dir/secrets" --stats-interval 1 >"$dir/dataplane.log" 2>&1 &
	DP_PID=$!
	sleep 2
	kill -0 "$DP_PID" 2>/dev/null || { bad "syncookied-dp run exited: $(tail -5 "$dir/dataplane.log")"; DP_PID=; return 1; }
	nsx "$NS_ROUTER" ip neigh replace $VM_IP4 lladdr "$FW_MAC" nud permanent dev r-srv
	nsx "$NS_ROUTER" ip -6 neigh replace $VM_IP6 lladdr "$FW_MAC" nud permanent dev r-srv
}

# client_conns TAG PORT: 5 IPv4 + 5 IPv6 real client connections exchanging a line with the VM; sets CONNS, CONNS_OK
client_conns() {
	local tag=$1 port=$2 fam dst i out
	CONNS=0 CONNS_OK=0
	for fam in 4 6; do
		[ $fam = 4 ] && dst=$VM_IP4 || dst=$VM_IP6
		for i in 1 2 3 4 5; do
			CONNS=$((CONNS + 1))
			out=$(nsx "$NS_CLIENT" timeout 15 bash -c \
				"exec 3<>/dev/tcp/$dst/$port && printf '$tag-$fam-$i\n' >&3 && IFS= read -r -t 10 l <&3 && echo \"\$l\"" 2>&1)
			if [ "$out" = "$tag-$fam-$i" ]; then
				CONNS_OK=$((CONNS_OK + 1))
				ok "$tag: client ipv$fam connection $i: echo through the firewall"
			else
				bad "$tag: client ipv$fam connection $i to $dst:$port through the firewall: '$out'"
			fi
		done
	done
}

# dp_counter DIR NAME: a counter total that the dataplane printed when it stopped
dp_counter() { field "$2" "$(grep '^counters:' "$1/dataplane.log" | tail -1)"; }

dp_available() {
	local help
	help=$("$DP" run --help 2>&1)
	if [[ $help == *"unknown command"* ]]; then
		echo "##################################################################"
		echo "## proof 4 SKIPPED: syncookied-dp run not available"
		echo "##################################################################"
		REPORT+=("proof 4: SKIPPED LOUDLY: syncookied-dp run not available")
		return 1
	fi
}

# proof4_mode TSMODE EXPORT(Y|N): real clients through the firewall while the VM runs tcp_timestamps=TSMODE.
# With 1 and EXPORT=Y the firewall gets net_secret for the TSval offset: a wrong offset puts the SYN-ACK's TSval
# ahead of the server's clock half the time, and the client's PAWS check then drops the server's echo. With 1 and
# EXPORT=N the firewall cannot know the offset and must leave the TS option out.
proof4_mode() {
	local ts=$1 exp=$2 dir=$OUT/firewall-ts$1$2 c0 c1 f0=$FAIL syns sent recv what
	what="tcp_timestamps=$ts$([ "$ts" = 1 ] && echo ", export_ts_secret=$exp")"
	guest "sysctl -qw net.ipv4.tcp_timestamps=$ts; echo $exp > /sys/module/tcpsecrets/parameters/export_ts_secret" >/dev/null
	start_dataplane "$dir" || return 1
	c0=$(counters)
	client_conns "e2e-ts$ts$exp" 8082
	c1=$(counters)
	stop_dataplane
	sent=$(($(cval SyncookiesSent "$c1") - $(cval SyncookiesSent "$c0")))
	recv=$(($(cval SyncookiesRecv "$c1") - $(cval SyncookiesRecv "$c0")))
	expect_eq "$what: VM SyncookiesSent flat (the firewall answered every SYN)" "$sent" 0
	expect_eq "$what: VM SyncookiesRecv rose by the number of connections" "$recv" "$CONNS"
	syns=$(dp_counter "$dir" rx_syn)
	if [[ $syns =~ ^[0-9]+$ ]] && ((syns >= CONNS)); then
		ok "the firewall answered the SYNs itself (rx_syn=$syns)"
	else
		bad "the firewall's counters do not show the $CONNS SYNs answered: rx_syn='$syns'"
	fi
	REPORT+=("proof 4 ($what): $CONNS_OK/$CONNS client connections (IPv4+IPv6) through syncookied-dp run (AF_PACKET; dataplane rx_syn=${syns:-?}), VM SyncookiesSent +$sent, SyncookiesRecv +$recv")
	return $((FAIL > f0))
}

proof4() {
	local rc=0
	echo "-- proof 4: end to end through syncookied-dp run (AF_PACKET)"
	dp_available || return 0
	proof4_mode 2 N || rc=1
	proof4_mode 1 Y || rc=1
	if [ -n "${TSK_XFAIL_TS1_NOEXPORT:-}" ]; then
		local x0=$XFAIL
		KNOWN_BUG=$TSK_XFAIL_TS1_NOEXPORT
		proof4_mode 1 N
		KNOWN_BUG=
		if ((XFAIL > x0)); then
			REPORT+=("!!! proof 4 (tcp_timestamps=1, export_ts_secret=N): $((XFAIL - x0)) XFAIL: $TSK_XFAIL_TS1_NOEXPORT")
		else
			REPORT+=("!!! proof 4 (tcp_timestamps=1, export_ts_secret=N): XPASS this run (a pre-2026 kernel has one offset per host pair, so the bug shows in only half the boots; if the 2026-rule kernel passes too, remove TSK_XFAIL_TS1_NOEXPORT)")
		fi
	else
		proof4_mode 1 N || rc=1
	fi
	guest 'echo N > /sys/module/tcpsecrets/parameters/export_ts_secret' >/dev/null
	return $rc
}

# proof 4b: the module-free fallback of the dataplane (syn_refresh_ms) with the hook off
proof4b() {
	local dir=$OUT/firewall-refresh c0 c1 f0=$FAIL refresh sent recv
	echo "-- proof 4b: module-free fallback (hook off, the firewall lets one SYN per port through)"
	dp_available || return 0
	set_hook N
	guest 'sysctl -qw net.ipv4.tcp_timestamps=2' >/dev/null
	start_dataplane "$dir" "syn_refresh_ms: 55000" || return 1
	c0=$(counters)
	client_conns refresh 8084
	c1=$(counters)
	stop_dataplane
	set_hook Y
	sent=$(($(cval SyncookiesSent "$c1") - $(cval SyncookiesSent "$c0")))
	recv=$(($(cval SyncookiesRecv "$c1") - $(cval SyncookiesRecv "$c0")))
	refresh=$(dp_counter "$dir" rx_syn_refresh)
	# the kernel is the judge: it answered exactly the first SYN of each (host, port) itself
	expect_eq "VM SyncookiesSent = one let-through SYN per host (IPv4, IPv6) and port" "$sent" 2
	if [[ $refresh =~ ^[0-9]+$ ]] && ((refresh >= 2)); then
		ok "the firewall counted its let-through SYNs (rx_syn_refresh=$refresh)"
	else
		bad "the firewall's rx_syn_refresh '$refresh' does not show the 2 SYNs it let through"
	fi
	expect_eq "VM SyncookiesRecv rose by the number of connections" "$recv" "$CONNS"
	REPORT+=("proof 4b: hook off + syn_refresh_ms: $CONNS_OK/$CONNS connections (dataplane rx_syn_refresh=$refresh), VM SyncookiesSent +$sent, SyncookiesRecv +$recv")
	guest 'sysctl -qw net.ipv4.tcp_timestamps=1' >/dev/null
	return $((FAIL > f0))
}

run_proofs() {
	local rc=0
	PASS=0 FAIL=0 XFAIL=0 P1_N=0 P1_TS=0 REPORT=()
	check_secrets_file || rc=1
	proof23 || rc=1
	proof1 || rc=1
	proof4 || rc=1
	proof4b || rc=1
	lifecycle || rc=1
	echo "=== report for $KVER ($PASS assertions passed, $FAIL failed$( ((XFAIL)) && echo ", $XFAIL known-bug XFAIL")) ==="
	printf '  %s\n' "${REPORT[@]}"
	[ "$FAIL" = 0 ] && [ $rc = 0 ]
}

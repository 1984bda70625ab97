# proof-xdp.sh: the dataplane's XDP fast path (issue 18) on each kernel of the matrix. Sourced by run.sh, after
# proof4.sh.
#   xload: inside the guest, its own kernel's verifier loads each program of the object (the fast path, plain
#          AF_XDP's redirect, AF_PACKET's tc filter) and the fast path answers a real-kernel vector's SYNs as the
#          server's kernel did (dataplane-native/tests/xdp/guest_check.c, static, put into the initramfs as
#          /bin/xdp-guest-check): verifiers differ between kernels, the host's proves nothing about the guest's.
#   p4x:   proof 4 again with `syncookied-dp run --backend xdp` (the program runs in the host's firewall namespace):
#          real clients through the firewall, their SYNs answered inside XDP, and the VM's kernel accepts the ACKs.

XDP_GUEST_CHECK=$ROOT/dataplane-native/target/native/xdp-guest-check
xdp_guest_check_ready() {
	[ -x "$XDP_GUEST_CHECK" ] || make -s -C "$ROOT/dataplane-native" xdp-guest-check >/dev/null 2>&1
	[ -x "$XDP_GUEST_CHECK" ]
}
if xdp_guest_check_ready; then
	cp "$XDP_GUEST_CHECK" "$SRC/target/xdp-guest-check" # a snapshot, as for the dataplane's binary
	GUEST_EXTRA_FILES+=("$SRC/target/xdp-guest-check=/bin/xdp-guest-check")
fi

proof_xdp_load() {
	local T=xload F= out
	echo "-- XDP fast path: the guest kernel's verifier loads the program, which answers as the kernel does"
	if [ ! -x "$SRC/target/xdp-guest-check" ]; then
		F="the guest check is built" bad "$XDP_GUEST_CHECK missing: make -C dataplane-native xdp-guest-check"
		return 1
	fi
	out=$(guest /bin/xdp-guest-check 2>&1)
	[ "${TSK_VERBOSE:-0}" = 1 ] && sed 's/^/     /' <<<"$out"
	F="the guest kernel's verifier accepts plain AF_XDP's redirect program" \
		expect_eq "AF_XDP redirect program on $KVER" "$(grep -c 'ok   the kernel.s verifier accepts plain AF_XDP' <<<"$out")" 1
	F="the guest kernel's verifier accepts AF_PACKET's tc filter" \
		expect_eq "tc filter on $KVER" "$(grep -c 'ok   the kernel.s verifier accepts AF_PACKET' <<<"$out")" 1
	F="the guest kernel's verifier accepts the XDP program" \
		expect_eq "verifier of $KVER" "$(grep -c 'ok   the kernel.s verifier accepts the XDP program' <<<"$out")" 1
	F="the program answers an IPv4 SYN with the golden SYN-ACK, byte for byte" \
		expect_eq "IPv4 golden SYN-ACK in the guest" "$(grep -c 'ok   IPv4 SYN answered' <<<"$out")" 1
	F="the program answers an IPv6 SYN with the kernel's cookie" \
		expect_eq "IPv6 cookie in the guest" "$(grep -c 'ok   IPv6 SYN answered' <<<"$out")" 1
	F="the guest check ends VERIFIED" expect_eq "guest check verdict" "$(tail -1 <<<"$out")" "xdp-guest-check: VERIFIED"
}

# proof4_xdp: proof 4's three timestamp modes through the fast path; the SYNs must have been answered by the
# program (the worker's AF_XDP socket received fewer frames than there were SYNs: it saw none of them).
proof4_xdp() {
	local T=p4x F= m dir frames syns
	echo "-- proof 4 with the XDP fast path (syncookied-dp run --backend xdp)"
	for m in "2 N" "1 Y" "1 N"; do
		set -- $m
		DP_BACKEND=xdp proof4_mode "$1" "$2"
		dir=$OUT/firewall-ts$1$2
		F="the dataplane started the xdp backend" expect_eq "backend of the run (ts $1 $2)" \
			"$(sed -n 's/.*: backend \([a-z]*\) on fw0.*/\1/p' "$dir/dataplane.log" | head -1)" xdp
		frames=$(dp_counter "$dir" rx_frames)
		syns=$(dp_counter "$dir" rx_syn)
		if [[ $frames =~ ^[0-9]+$ ]] && [[ $syns =~ ^[0-9]+$ ]] && ((syns >= CONNS && frames < syns)); then
			F="the SYNs were answered inside XDP" ok "SYNs answered in XDP (rx_syn=$syns, frames to userspace=$frames)"
		else
			F="the SYNs were answered inside XDP" bad "SYNs not answered in XDP: rx_syn='$syns' rx_frames='$frames'"
		fi
	done
	setup "export_ts_secret=N" 'echo N > /sys/module/tcpsecrets/parameters/export_ts_secret'
}

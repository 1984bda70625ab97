# guest.sh: the protected server, a Debian kernel under QEMU/TCG with tcpsecrets loaded and the echo service
# (tsk-listen) on port $SERVICE_PORT. Built and booted with the kmod harness's own functions
# (tcpsecrets-kmod/test/lib/vm.sh); the lab adds its snapshot daemon (guest/lab-snapd), the virtio console driver
# when the kernel has it as a module, and a virtio-serial port for the /proc relay (mirror.sh). The serial command
# channel (ttyS1, guest()) stays free for commands: it is used only from the lab's main shell, one at a time.

SERVICE_PORT=7001

. "$ROOT/tcpsecrets-kmod/test/lib/vm.sh"

# the kernel linux-image-amd64 installs (the kmod matrix's first row), not whichever of the matrix's kernels
# sorts last
pick_kernel() {
	KVER=${LAB_KVER:-$(default_release)}
	[ -n "$KVER" ] || die "no kernel with /boot/vmlinuz-X and /lib/modules/X/build (deploy/install-deps.sh installs linux-image-amd64 linux-headers-amd64)"
}

guest_build() {
	SRC=$ROOT/tcpsecrets-kmod
	OUT=$WORK/guest
	mkdir -p "$OUT"
	pick_kernel
	build_module
	build_tools
	build_initramfs
	cp "$LAB/guest/lab-snapd" "$OUT/initramfs/bin/lab-snapd"
	chmod +x "$OUT/initramfs/bin/lab-snapd"
	# the relay's virtio-serial port needs virtio_console: built in on some kernels (6.12), a module on others
	if ! grep -q '/virtio_console.ko' "/lib/modules/$KVER/modules.builtin" 2>/dev/null; then
		copy_kmod virtio_console "$OUT/initramfs/lib/modules"
	fi
	(cd "$OUT/initramfs" && find . | cpio -o -H newc --quiet | gzip -1 >"$OUT/initrd.gz")
}

guest_boot() {
	VM_PORTS=$SERVICE_PORT
	relay_qemu_args
	boot_vm
	guest hostname lab-server >/dev/null
	guest '[ ! -e /lib/modules/virtio_console.ko ] || insmod /lib/modules/virtio_console.ko' >/dev/null ||
		die "cannot load virtio_console in the guest: $(guest dmesg | tail -5)"
	guest grep -q . /proc/tcp_secrets || die "guest has no /proc/tcp_secrets: $(guest dmesg | tail -5)"
	# Timestamps without per-connection offsets (tcp_timestamps=2), as tcpsecrets' README recommends: the
	# firewall's SYN-ACK TSval then matches the server's own later TSvals without exporting net_secret (which
	# also seeds the server's ISNs). With tcp_timestamps=1 and no exported offset secret, clients' PAWS
	# check would drop many of the server's replies to connections the firewall opened.
	guest 'echo 2 > /proc/sys/net/ipv4/tcp_timestamps' >/dev/null
	# Under TCG on a busy host the guest calibrates its TSC wrongly and its clock (tcp_clock_ms, jiffies)
	# drifts several % from real time; the firewall extrapolates the server's clock with real time, so a slow
	# guest clock puts the firewall's TSval ahead of the server's own and clients' PAWS drops the replies.
	# HPET (QEMU's virtual clock = host time) keeps the guest's clock at real rate, as on real hardware.
	local cs
	for cs in hpet acpi_pm; do
		guest "grep -qw $cs /sys/devices/system/clocksource/clocksource0/available_clocksource && echo $cs > /sys/devices/system/clocksource/clocksource0/current_clocksource" >/dev/null && break
	done
	GUEST_CLOCKSOURCE=$(guest cat /sys/devices/system/clocksource/clocksource0/current_clocksource | tr -d '\r')
	guest grep -q '^tcp_timestamps 2' /proc/tcp_secrets ||
		die "the guest did not take net.ipv4.tcp_timestamps=2"
}

# vm.sh starts QEMU through a shell function in the background, so QEMU_PID is a subshell whose child is QEMU:
# find that child first, and make sure it is gone even when the guest no longer answers its poweroff
guest_stop() {
	local kids
	kids=$(ps -o pid= --ppid "${QEMU_PID:-0}" 2>/dev/null)
	stop_vm
	for pid in $kids; do
		kill_wait "$pid" 3
	done
	exec 7>&- 8>&-
}

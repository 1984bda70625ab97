# vm.sh: build the guest (module, tools, initramfs), boot it under QEMU/TCG in the bridge netns, and talk
# to it over its second serial port (ttyS1 <-> QEMU pipe chardev <-> FIFOs $OUT/ctl.in / $OUT/ctl.out).
# Sourced by run.sh and the lab; uses OUT, KVER, SRC, NS_SW, VM_* variables (VM_MEM: guest RAM, default 512M;
# VM_QEMU_ARGS: an optional array of extra QEMU arguments, e.g. the lab's virtio-serial port) and
# GUEST_EXTRA_FILES (files a proof adds to the initramfs).

GUEST_EXTRA_FILES=()

. "$(dirname "${BASH_SOURCE[0]}")/kernels.sh"

build_module() { # builds tcpsecrets.ko for $KVER out of the source tree
	local b=$OUT/build
	rm -rf "$b" && mkdir -p "$b"
	cp -r "$SRC/src" "$SRC/Kbuild" "$SRC/Makefile" "$b/"
	make -s -C "/lib/modules/$KVER/build" M="$b" modules >"$OUT/module-build.log" 2>&1 ||
		die "module build for $KVER failed: $(tail -20 "$OUT/module-build.log")"
	KO=$b/tcpsecrets.ko
}

build_tools() { # the guest's listener and the prober, into $OUT (TOOLS)
	TOOLS=$OUT
	gcc -O2 -Wall -Wextra -Werror -static -o "$OUT/tsk-listen" "$SRC/test/guest/tsk-listen.c" ||
		die "cannot build the static listener (libc6-dev static libc missing?)"
	gcc -O2 -Wall -Wextra -Werror -o "$OUT/tsk-probe" "$SRC/test/probe/tsk-probe.c" || die "cannot build tsk-probe"
	PROBE=$OUT/tsk-probe
}

# copy_kmod NAME|PATH DEST: a module of $KVER (its name, or its path relative to the modules directory as
# modules.dep and guest_modules give it) into DEST as NAME.ko, decompressed
copy_kmod() {
	local rel=$1
	if [[ $rel != */* ]]; then
		rel=$(grep -Eo "^[^:]*/$1\.ko(\.[a-z]+)?:" "$MODULES_ROOT/$KVER/modules.dep" | head -1)
		rel=${rel%:}
		[ -n "$rel" ] || die "kernel module $1 not found for $KVER"
	fi
	local f=$MODULES_ROOT/$KVER/$rel dest=$2/$(basename "${rel%%.ko*}").ko
	case $f in
	*.ko) cp "$f" "$dest" ;;
	*.ko.xz) xz -dc "$f" >"$dest" ;;
	*.ko.zst) zstd -qdc "$f" >"$dest" ;;
	*.ko.gz) gzip -dc "$f" >"$dest" ;;
	*) die "unknown module compression: $f" ;;
	esac
}

build_initramfs() {
	local r=$OUT/initramfs bb a m mods
	rm -rf "$r" && mkdir -p "$r"/{bin,sbin,proc,sys,dev,tmp,etc,lib/modules}
	bb=$(command -v busybox)
	[[ $(ldd "$bb" 2>&1) == *"not a dynamic"* ]] || die "$bb is not a static busybox (install busybox-static)"
	cp "$bb" "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	# virtio-net and what it needs, minus what this kernel builds in (6.12 builds in virtio_pci and virtio_ring):
	# the guest's init loads lib/modules/load-order in that order
	mods=$(guest_modules "$KVER" virtio_pci virtio_net) || die "cannot find the guest's network driver for $KVER"
	: >"$r/lib/modules/load-order"
	for m in $mods; do
		copy_kmod "$m" "$r/lib/modules"
		basename "${m%%.ko*}" >>"$r/lib/modules/load-order"
	done
	cp "$KO" "$r/lib/modules/tcpsecrets.ko"
	# more files a proof needs in the guest: GUEST_EXTRA_FILES=("host-path=/guest/path" ...)
	for a in "${GUEST_EXTRA_FILES[@]}"; do
		mkdir -p "$r$(dirname "${a#*=}")" && cp "${a%%=*}" "$r${a#*=}" || die "cannot put ${a%%=*} into the guest"
	done
	cp "${TOOLS:-$OUT}/tsk-listen" "$r/bin/"
	cp "$SRC/test/guest/init" "$r/init"
	cp "$SRC/test/guest/tsk-cnt" "$r/bin/"
	chmod +x "$r/init" "$r/bin/tsk-cnt"
	echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1 >"$OUT/initrd.gz")
}

# build_vmlinux: $KVER's kernel uncompressed into $OUT/vmlinux, for a PVH boot: QEMU enters it at its 32-bit PVH
# entry, with no BIOS and no decompression, which halves the boot under TCG. VMLINUX is left empty (and boot_vm
# boots the compressed image through the BIOS) when the image has no xz, zstd or lz4 payload or no PVH entry note.
build_vmlinux() {
	local img=/boot/vmlinuz-$KVER setup off magic
	VMLINUX=
	rm -f "$OUT/vmlinux"
	# the x86 boot protocol's header: setup_sects (0x1f1), then payload_offset (0x248) past the setup code
	setup=$(od -An -tu1 -j $((0x1f1)) -N1 "$img" | tr -d ' ')
	off=$(od -An -tu4 -j $((0x248)) -N4 "$img" | tr -d ' ')
	if [[ $setup =~ ^[0-9]+$ && $off =~ ^[0-9]+$ ]]; then
		off=$(((setup + 1) * 512 + off))
		magic=$(od -An -tx1 -j "$off" -N6 "$img" | tr -d ' ')
		case $magic in
		fd377a585a00) tail -c +$((off + 1)) "$img" | xz -dcq >"$OUT/vmlinux" 2>/dev/null ;;
		28b52ffd*) tail -c +$((off + 1)) "$img" | zstd -dcq >"$OUT/vmlinux" 2>/dev/null ;;
		02214c18*) tail -c +$((off + 1)) "$img" | lz4 -dcq >"$OUT/vmlinux" 2>/dev/null ;; # legacy LZ4 frames (-cloud)
		esac
	fi
	# XEN_ELFNOTE_PHYS32_ENTRY (18): the PVH entry point
	if readelf -n "$OUT/vmlinux" 2>/dev/null | grep -Eq 'Xen .*(\(0x00000012\)|PHYS32_ENTRY)'; then
		VMLINUX=$OUT/vmlinux
	else
		rm -f "$OUT/vmlinux"
	fi
}

boot_vm() {
	rm -f "$OUT/ctl.in" "$OUT/ctl.out"
	mkfifo "$OUT/ctl.in" "$OUT/ctl.out"
	nsenter -t "$NS_SW" -n -- qemu-system-x86_64 -accel tcg -m "${VM_MEM:-512M}" -smp 1 -display none -monitor none \
		-no-reboot -kernel "${VMLINUX:-/boot/vmlinuz-$KVER}" -initrd "$OUT/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 tsk.ip4=$VM_IP4/24 tsk.ip6=$VM_IP6/64 tsk.gw4=$GW_IP4 tsk.gw6=$GW_IP6 tsk.ports=$VM_PORTS" \
		-netdev tap,id=n0,ifname=tapvm,script=no,downscript=no \
		-device virtio-net-pci,netdev=n0,mac=$VM_MAC \
		-serial "file:$OUT/console.log" -chardev "pipe,id=ctl,path=$OUT/ctl" -serial chardev:ctl \
		${VM_QEMU_ARGS[@]+"${VM_QEMU_ARGS[@]}"} >"$OUT/qemu.log" 2>&1 &
	QEMU_PID=$!
	exec 7<>"$OUT/ctl.in" 8<>"$OUT/ctl.out"
	local line t0=$SECONDS
	while :; do
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			die "QEMU exited during boot: $(cat "$OUT/qemu.log") $(tail -30 "$OUT/console.log")"
		fi
		if read -r -t 5 -u 8 line; then
			[ "${line%$'\r'}" = READY ] && break
		fi
		((SECONDS - t0 < 180)) || die "guest did not come up within 180 s: $(tail -30 "$OUT/console.log")"
	done
	BOOT_SECONDS=$((SECONDS - t0))
}

# guest CMD...: run a shell command in the VM; its output goes to stdout; returns its exit status
guest() {
	local id line rc
	id=$BASHPID.$RANDOM$RANDOM
	printf '%s %s\n' "$id" "$*" >&7
	while :; do
		read -r -t 60 -u 8 line || { echo "guest: no answer to '$*'" >&2; return 124; }
		line=${line%$'\r'}
		if [[ $line == "END $id "* ]]; then
			rc=${line##* }
			return "$rc"
		fi
		printf '%s\n' "$line"
	done
}

stop_vm() {
	if [ -n "${QEMU_PID:-}" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		printf '%s %s\n' 999999 'poweroff -f' >&7 2>/dev/null || true
		sleep 1
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
	fi
	QEMU_PID=
}

#!/usr/bin/env bash
# run.sh: prove on a real Linux kernel (Debian's, booted under QEMU/TCG) that tcpsecrets and our cookie core
# are right: (1) our cookie and TSval equal the kernel's own, (2) the kernel accepts an ACK carrying only our
# cookie, (3) it rejects that ACK without the module's hook, (4) end to end through `syncookied-dp run`.
# Run as root from the repository (./mvnw verify runs it). Env: TSK_KVERS="6.1.0-56-amd64 ..." (default: every
# kernel with /boot/vmlinuz-X and /lib/modules/X/build), TSK_KEEP=1 keeps the work dir, TSK_VERBOSE=1.
set -uo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$SRC/.." && pwd)
DP=${TSK_DP:-$ROOT/dataplane-native/target/native/syncookied-dp}

skip() {
	echo "##################################################################"
	echo "## tcpsecrets QEMU harness SKIPPED: $*"
	echo "##################################################################"
	exit 0
}
die() {
	echo "tcpsecrets harness: FATAL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || skip "not root (needs netns, tap and AF_PACKET)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
for t in ip nft gcc make cpio gzip busybox; do
	command -v "$t" >/dev/null || die "$t missing (deploy/install-deps.sh installs it)"
done
if [ ! -x "$DP" ] && [ -z "${TSK_DP:-}" ]; then
	# `./mvnw -pl tcpsecrets-kmod verify` alone: build the CLI the same way dataplane-native's pom does
	echo "tcpsecrets harness: $DP missing, building it with make -C dataplane-native"
	make -s -C "$ROOT/dataplane-native" -j2 all >/dev/null 2>&1 || true
fi
[ -x "$DP" ] || die "$DP missing: build dataplane-native first (./mvnw -pl dataplane-native package)"
# work on a snapshot: a rebuild of dataplane-native during the run must not swap the binary under us
mkdir -p "$SRC/target"
cp "$DP" "$SRC/target/syncookied-dp" && DP=$SRC/target/syncookied-dp

KVERS=${TSK_KVERS:-}
if [ -z "$KVERS" ]; then
	for k in /boot/vmlinuz-*; do
		v=${k#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build" ] && KVERS="$KVERS $v"
	done
fi
[ -n "${KVERS// /}" ] || die "no kernel with both /boot/vmlinuz-X and /lib/modules/X/build (install linux-image-amd64 linux-headers-amd64)"

. "$SRC/test/lib/net.sh"
. "$SRC/test/lib/vm.sh"
. "$SRC/test/lib/proofs.sh"

cleanup() {
	stop_dataplane 2>/dev/null
	stop_vm
	net_down
	exec 7>&- 8>&- 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

OVERALL=0
SUMMARY=()
for KVER in $KVERS; do
	OUT=$SRC/target/qemu-$KVER
	rm -rf "$OUT" && mkdir -p "$OUT"
	echo "=== tcpsecrets on $KVER (QEMU/TCG) ==="
	build_module
	build_tools
	build_initramfs
	net_up
	VM_PORTS=7001,8080,8081r,8082,8083,8084
	boot_vm
	echo "guest up in ${BOOT_SECONDS}s: $(guest uname -r)"
	run_proofs
	rc=$?
	[ $rc = 0 ] || OVERALL=1
	SUMMARY+=("$KVER: $([ $rc = 0 ] && echo VERIFIED || echo FAILED)")
	if [ "${TSK_KEEP:-0}" != 1 ] && [ $rc = 0 ]; then
		rm -rf "$OUT/initramfs" "$OUT/build"
	fi
	stop_dataplane
	stop_vm
	exec 7>&- 8>&-
	net_down
done
echo "=== tcpsecrets QEMU harness summary ==="
printf '  %s\n' "${SUMMARY[@]}"
exit $OVERALL

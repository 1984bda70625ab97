#!/usr/bin/env bash
# run.sh: prove on real Linux kernels (Debian's, booted under QEMU/TCG) that tcpsecrets and our cookie core are
# right: (1) our cookie and TSval equal the kernel's own, (2) the kernel accepts an ACK carrying only our cookie,
# (3) it rejects that ACK without the module's hook, (4) end to end through `syncookied-dp run`, (4b) the
# module-free fallback, the XDP fast path (its program loaded by the guest's verifier, proof 4 through it), and
# the module's unload under traffic. It boots every kernel of test/kernels.conf, then
# checks the supported-kernels tables of the READMEs against the kernels it verified (lib/table.sh).
# Run as root from the repository (./mvnw verify runs it). Env: TSK_KVERS="6.1.0-57-amd64 ..." boots only those
# (a partial run), TSK_UPDATE_DOCS=1 writes the tables after a green full run, TSK_KEEP=1 keeps the work dirs,
# TSK_VERBOSE=1 prints every assertion.
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
for t in ip nft gcc make cpio gzip xz busybox dpkg-query; do
	command -v "$t" >/dev/null || die "$t missing (deploy/install-deps.sh installs it)"
done
if [ ! -x "$DP" ] && [ -z "${TSK_DP:-}" ]; then
	# `./mvnw -pl tcpsecrets-kmod verify` alone: build the CLI the same way dataplane-native's pom does
	echo "tcpsecrets harness: $DP missing, building it with make -C dataplane-native"
	make -s -C "$ROOT/dataplane-native" -j2 all >/dev/null 2>&1 || true
fi
[ -x "$DP" ] || die "$DP missing: build dataplane-native first (./mvnw -pl dataplane-native package)"
"$DP" run --help 2>&1 | grep -q -- --backend || die "$DP has no 'run' command"
# work on a snapshot: a rebuild of dataplane-native during the run must not swap the binary under us
mkdir -p "$SRC/target"
cp "$DP" "$SRC/target/syncookied-dp" && DP=$SRC/target/syncookied-dp
# the host agent's jar (its tcp-profile command): ./mvnw verify builds host-agent before this module
jar=$(ls "$ROOT"/host-agent/target/host-agent-*-agent.jar 2>/dev/null | head -1)
if [ -z "$jar" ]; then
	echo "tcpsecrets harness: the host agent's jar is missing, building it with ./mvnw -pl host-agent -am package"
	(cd "$ROOT" && ./mvnw -B -ntp -q -pl host-agent -am package -DskipTests >/dev/null 2>&1)
	jar=$(ls "$ROOT"/host-agent/target/host-agent-*-agent.jar 2>/dev/null | head -1)
fi
[ -n "$jar" ] || die "host-agent/target/host-agent-*-agent.jar missing: build it first (./mvnw -pl host-agent -am package)"
command -v java >/dev/null || die "java missing (deploy/install-deps.sh installs it)"
cp "$jar" "$SRC/target/syncookied-agent.jar"
# the worker protocol's Java client (SocketDataplane), which test/tools/WorkerPush.java drives as the control plane
dpjar=$(ls "$ROOT"/dataplane-native/target/dataplane-native-*.jar 2>/dev/null | grep -v -- '-sources' | head -1)
[ -n "$dpjar" ] || { (cd "$ROOT" && ./mvnw -B -ntp -q -pl dataplane-native -am package -DskipTests >/dev/null 2>&1)
	dpjar=$(ls "$ROOT"/dataplane-native/target/dataplane-native-*.jar 2>/dev/null | head -1); }
[ -n "$dpjar" ] || die "dataplane-native/target/dataplane-native-*.jar missing: ./mvnw -pl dataplane-native -am package"
cp "$dpjar" "$SRC/target/dataplane-native.jar"

. "$SRC/test/lib/kernels.sh"
. "$SRC/test/lib/check.sh"
. "$SRC/test/lib/overflow.sh"
. "$SRC/test/lib/net.sh"
. "$SRC/test/lib/vm.sh"
. "$SRC/test/lib/proofs.sh"
. "$SRC/test/lib/proof4.sh"
. "$SRC/test/lib/proof-window.sh"
. "$SRC/test/lib/proof-xdp.sh"
AGENT_JAR=$SRC/target/syncookied-agent.jar
DPN_JAR=$SRC/target/dataplane-native.jar
. "$SRC/test/lib/table.sh"

# The kernels to boot: "release<TAB>matrix row" lines. Every matrix row must resolve to an installed kernel
# with headers; one that does not is a failure of the run, never a silent skip.
PLAN=()
OVERALL=0
SUMMARY=()
FULL=1
if [ -n "${TSK_KVERS:-}" ]; then
	FULL=0
	for rel in $TSK_KVERS; do
		row=$(matrix_rows | while read -r role image rest; do
			[ "$(release_of "$image")" = "$rel" ] && echo "$role $image $rest" && break
		done)
		PLAN+=("$rel"$'\t'"${row:-adhoc - - 512M - $rel (not in the matrix)}")
	done
else
	while read -r role image headers ram require describe; do
		rel=$(release_of "$image")
		why=
		[ -n "$rel" ] || why="$image is not installed"
		[ -z "$why" ] && ! why=$(kernel_ready "$rel") && why="$image -> $rel: $why"
		if [ -n "$why" ]; then
			SUMMARY+=("$role: NOT RUN: $why (deploy/install-deps.sh installs $image $headers)")
			OVERALL=1
			FULL=0
			continue
		fi
		PLAN+=("$rel"$'\t'"$role $image $headers $ram $require $describe")
	done < <(matrix_rows)
fi

cleanup() {
	stop_dataplane 2>/dev/null
	stop_vm
	net_down
	exec 7>&- 8>&- 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# matrix_requirements REQUIRE: the facts the matrix row demands of this kernel (test/kernels.conf)
matrix_requirements() {
	local T=matrix F= req
	for req in ${1//,/ }; do
		case $req in
		-) ;;
		rule=*) F="offset rule ${req#rule=} (matrix row)" expect_eq "offset rule the matrix row demands" "$(sec ts_offset_rule)" "${req#rule=}" ;;
		CONFIG_*=*) F="${req} in /boot/config-$KVER" expect_eq "${req%%=*}" "$(config_value "$KVER" "${req%%=*}")" "${req#*=}" ;;
		*) F="known requirement" bad "unknown requirement '$req' in test/kernels.conf" ;;
		esac
	done
	F="guest booted the expected kernel" expect_eq "guest uname -r" "$GUEST_RELEASE" "$KVER"
}

# config_text: the row's "kernel config" cell, from this kernel's config and what the guest showed
config_text() {
	local text=
	[ "$(config_value "$KVER" CONFIG_PREEMPT_RT)" = y ] && text="PREEMPT_RT"
	if [ "$(config_value "$KVER" CONFIG_X86_KERNEL_IBT)" = y ]; then
		text+="${text:+, }IBT built in ($([ "$GUEST_IBT" = yes ] && echo "enforced" || echo "not enforced: TCG's CPU has no CET"))"
	fi
	echo "${text:--}"
}

PROOFS=(file "/proc/tcp_secrets" p1 "proof 1" p2 "proof 2" p3 "proof 3" p4 "proof 4" p4b "proof 4b" xload "XDP program" p4x "proof 4 via XDP" win "SYN-ACK window" unload "unload" matrix "matrix row")

# timed NAME CMD...: runs CMD, adding its wall time to the kernel's timing line
TIMES=
timed() {
	local name=$1 t0=$EPOCHREALTIME
	shift
	"$@"
	TIMES+=" $name $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
}

# prepare_kernel: module and initramfs of $KVER in $OUT (the tools are built once per run)
prepare_kernel() {
	build_module && build_initramfs && build_vmlinux && echo "${VMLINUX:-}" >"$OUT/prepared"
}

# run_kernel ROLE IMAGE HEADERS RAM REQUIRE DESCRIBE: boots $KVER and runs every proof; runs in a subshell of
# its own (a fatal error ends only this kernel's run), so it leaves its verdict in files: $OUT/row (the table row,
# only when every proof passed) and $OUT/summary
run_kernel() {
	local role=$1 image=$2 headers=$3 ram=$4 require=$5 describe=$6 t0=$SECONDS i verified=() failed=0 t
	ROLE=$role # a proof for some kernels only tests it (e.g. [ "$ROLE" = 6.12 ])
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	echo "$KVER ($role): FAILED (the run stopped: see above)" >"$OUT/summary"
	echo "=== tcpsecrets on $KVER ($role: $describe; QEMU/TCG, ${ram} RAM) ==="
	if [ -e "$OUT/prepared" ]; then
		KO=$OUT/build/tcpsecrets.ko
		VMLINUX=$(cat "$OUT/prepared")
	else
		timed build prepare_kernel
	fi
	echo "boot: $([ -n "${VMLINUX:-}" ] && echo "PVH entry of the uncompressed kernel" || echo "BIOS and the compressed image")"
	net_up
	VM_PORTS=7001,8082
	VM_MEM=$ram
	timed boot boot_vm
	GUEST_RELEASE=$(guest uname -r)
	guest 'grep -qw ibt /proc/cpuinfo' && GUEST_IBT=yes || GUEST_IBT=no
	echo "guest up in ${BOOT_SECONDS}s: $GUEST_RELEASE"
	timed file check_secrets_file
	timed p23 proof23
	timed win proof_window
	timed p1 proof1
	timed p4 proof4
	timed p4b proof4b
	timed xload proof_xdp_load
	timed p4x proof4_xdp
	timed unload lifecycle
	matrix_requirements "$require"
	echo "=== report for $KVER ($PASS assertions passed, $FAIL failed$( ((XFAIL)) && echo ", $XFAIL known-bug XFAIL"), $((SECONDS - t0)) s) ==="
	for ((i = 0; i < ${#PROOFS[@]}; i += 2)); do
		t=${PROOFS[i]}
		echo "  $(proof_report "$t" "${PROOFS[i + 1]}")"
		if proof_verified "$t"; then
			[ "$t" = file ] || [ "$t" = matrix ] || verified+=("${PROOFS[i + 1]#proof }")
		else
			failed=1
		fi
	done
	[ -n "${OVERFLOW_REGIME:-}" ] && echo "  regime: $OVERFLOW_REGIME"
	echo "  seconds:${TIMES}"
	if [ $failed = 0 ] && [ "$FAIL" = 0 ] && [ "$XFAIL" = 0 ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$KVER" "$(package_version "$KVER")" "$describe" "$(sec ts_offset_rule)" \
			"$(config_text)" "$ram" "$(IFS=,; echo "${verified[*]}" | sed 's/,/, /g')" >"$OUT/row"
		echo "$KVER ($role): VERIFIED in $((SECONDS - t0)) s" >"$OUT/summary"
		[ "${TSK_KEEP:-0}" = 1 ] || rm -rf "$OUT/initramfs" "$OUT/build" "$OUT/vmlinux"
	else
		echo "$KVER ($role): FAILED ($FAIL failed, $XFAIL XFAIL) in $((SECONDS - t0)) s" >"$OUT/summary"
	fi
}

T_START=$SECONDS
OUT=$SRC/target
build_tools
for ((k = 0; k < ${#PLAN[@]}; k++)); do
	KVER=${PLAN[k]%%$'\t'*}
	OUT=$SRC/target/qemu-$KVER
	read -r role image headers ram require describe <<<"${PLAN[k]#*$'\t'}"
	# kernel 0 starts clean; the others were prepared in the background during the previous kernel (or start clean)
	((k > 0)) && [ -e "$OUT/prepared" ] || { rm -rf "$OUT" && mkdir -p "$OUT"; }
	# the next kernel's module and initramfs are built while this one runs its proofs (the guest is one
	# single-threaded TCG CPU; the machine has two)
	if ((k + 1 < ${#PLAN[@]})); then
		(KVER=${PLAN[k + 1]%%$'\t'*}; OUT=$SRC/target/qemu-$KVER; rm -rf "$OUT" && mkdir -p "$OUT" &&
			prepare_kernel >/dev/null 2>&1) &
		PREPARING=$!
	fi
	(run_kernel "$role" "$image" "$headers" "$ram" "$require" "$describe")
	[ -n "${PREPARING:-}" ] && wait "$PREPARING"
	PREPARING=
	SUMMARY+=("$(cat "$OUT/summary")")
	if [ -s "$OUT/row" ]; then VERIFIED_ROWS+=("$(cat "$OUT/row")"); else OVERALL=1; fi
done
cat "$SRC"/target/qemu-*/synack-vectors.tsv >"$SRC/target/synack-vectors.tsv" 2>/dev/null
# the matrix's RAM sizes must keep giving different tcp_rmem[2], hence different window scales (issue: a server
# with little RAM announces a smaller scale than the firewall's default)
if [ "$FULL" = 1 ]; then
	scales=$(awk -F'\t' '$7 == "default" && $9 == 1 { print $11 }' "$SRC/target/synack-vectors.tsv" | sort -u | tr '\n' ' ')
	if [ "$(wc -w <<<"$scales")" -lt 2 ]; then
		SUMMARY+=("matrix: the default listeners' SYN-ACKs all had window scale '$scales': the RAM sizes no longer cover two tcp_rmem[2]")
		OVERALL=1
	else
		SUMMARY+=("matrix: default-listener window scales seen: $scales(from the rows' RAM sizes)")
	fi
fi
echo "=== tcpsecrets QEMU harness summary (${#PLAN[@]} kernels in $((SECONDS - T_START)) s) ==="
printf '  %s\n' "${SUMMARY[@]}"
echo "=== supported-kernels tables ==="
[ "$OVERALL" = 0 ] || FULL=0
tables_check_or_update "$FULL" || OVERALL=1
exit $OVERALL

# check.sh: assertions, and the report built only from the assertions that ran. Sourced by run.sh.
#
# Every assertion belongs to a proof (T=proof-id, set around it) and may state a fact (F="..."): the sentence
# the report prints for it. A fact is printed as checked only when every assertion that stated it passed; one
# that failed is printed as FAILED with its counts. A proof counts as verified only when it ran assertions and
# all of them passed. Nothing in a report is fixed text.
#   T=p1 F="kernel ISN = our cookie" expect_eq "ipv4 mss=536: ISN" "$isn" "$want"

PASS=0
FAIL=0
XFAIL=0
declare -A T_ALL=() T_PASS=() F_ALL=() F_PASS=() F_XFAIL=()
declare -a F_ORDER=()

check_reset() {
	PASS=0 FAIL=0 XFAIL=0
	T_ALL=() T_PASS=() F_ALL=() F_PASS=() F_XFAIL=() F_ORDER=()
}

_record() { # OUTCOME(pass|fail|xfail) MESSAGE: counts under $T and the fact $F (a failure without a fact
	# becomes a fact of its own, so the report names it)
	local t=${T:-misc} f=${F:-} key
	T_ALL[$t]=$((${T_ALL[$t]:-0} + 1))
	[ "$1" = pass ] && T_PASS[$t]=$((${T_PASS[$t]:-0} + 1))
	[ -z "$f" ] && [ "$1" != pass ] && f=${2:0:160}
	[ -n "$f" ] || return 0
	key="$t|$f"
	[ -n "${F_ALL[$key]:-}" ] || F_ORDER+=("$key")
	F_ALL[$key]=$((${F_ALL[$key]:-0} + 1))
	[ "$1" = pass ] && F_PASS[$key]=$((${F_PASS[$key]:-0} + 1))
	[ "$1" = xfail ] && F_XFAIL[$key]=$((${F_XFAIL[$key]:-0} + 1))
	return 0
}

ok() {
	PASS=$((PASS + 1))
	_record pass "$*"
	[ "${TSK_VERBOSE:-0}" = 1 ] && echo "  ok   $*"
	return 0
}

# KNOWN_BUG="...": failures are known bugs of another part, reported and tracked: printed loudly as XFAIL,
# counted apart, never silently, and the proof does not count as verified.
KNOWN_BUG=
bad() {
	if [ -n "$KNOWN_BUG" ]; then
		XFAIL=$((XFAIL + 1))
		_record xfail "$*"
		echo "  XFAIL (known bug: $KNOWN_BUG) $*"
		return 1
	fi
	FAIL=$((FAIL + 1))
	_record fail "$*"
	echo "  FAIL $*"
	return 1
}

expect_eq() { # what actual expected
	if [ "$2" = "$3" ]; then ok "$1 = $2"; else bad "$1: got '$2', expected '$3'"; fi
}

# expect_guest_rc WANT DESC CMD: the guest command must exit with status WANT. A negative check names the
# status that means "refused" (1 for cat's EACCES or grep's "no match"): a timeout (124), a missing guest or any
# other error fails it, so a dead guest can never pass as a refusal.
expect_guest_rc() {
	local want=$1 desc=$2 rc out
	shift 2
	out=$(guest "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc (exit $rc)"
	elif [ "$rc" = 124 ]; then
		bad "$desc: the guest did not answer '$*' (timeout)"
	else
		bad "$desc: '$*' exited $rc, expected $want: $(head -c 300 <<<"$out")"
	fi
}

# proof_verified T: 0 when proof T ran at least one assertion and all of them passed
proof_verified() { [ "${T_ALL[$1]:-0}" -gt 0 ] && [ "${T_PASS[$1]:-0}" = "${T_ALL[$1]}" ]; }

# proof_report T TITLE: one line for proof T, from its facts: "TITLE: fact, fact (n/n), FAILED fact (p/n)"
proof_report() {
	local t=$1 title=$2 key f all pass line="" part
	for key in "${F_ORDER[@]}"; do
		[ "${key%%|*}" = "$t" ] || continue
		f=${key#*|} all=${F_ALL[$key]} pass=${F_PASS[$key]:-0}
		if [ "$pass" = "$all" ]; then
			part=$f
			((all > 1)) && part+=" ($pass/$all)"
		elif [ -n "${F_XFAIL[$key]:-}" ] && ((pass + F_XFAIL[$key] == all)); then
			part="XFAIL $f ($pass/$all, known bug)"
		else
			part="FAILED $f ($pass/$all)"
		fi
		line+=${line:+, }$part
	done
	if [ "${T_ALL[$t]:-0}" = 0 ]; then
		echo "$title: NOT RUN"
	elif proof_verified "$t"; then
		echo "$title: ${line:-no stated facts} [${T_PASS[$t]} checks passed]"
	else
		echo "$title: ${line:-no stated facts} [FAILED: ${T_PASS[$t]:-0}/${T_ALL[$t]} checks passed]"
	fi
}

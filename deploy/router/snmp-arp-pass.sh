#!/bin/sh
# net-snmp "pass" handler: IP-MIB ipNetToMediaTable (.1.3.6.1.2.1.4.22.1, IPv4) and ipNetToPhysicalTable
# (.1.3.6.1.2.1.4.35.1, IPv4 and IPv6 rows) backed by the Linux neighbour table, writable. snmpd 5.9 serves these
# read-only on Linux; with one line per column in snmpd.conf (see snmpd.conf.example: priority 10, so
# that it wins over snmpd's own read-only modules)
#   pass -p 10 .1.3.6.1.2.1.4.22.1.N /usr/local/lib/syncookied/snmp-arp-pass.sh     (N = 1..4)
#   pass -p 10 .1.3.6.1.2.1.4.35.1.N /usr/local/lib/syncookied/snmp-arp-pass.sh     (N = 4, 6, 7, 8)
# a Linux box becomes a router that Syncookied's SNMP adapter (mode: media or physical) can program:
#   SET ipNetToMediaPhysAddress.<ifIndex>.<ip>      -> ip neigh replace <ip> lladdr <mac> nud permanent dev <if>
#   SET ipNetToMediaType.<ifIndex>.<ip> = 4         -> make the existing entry permanent (static)
#   SET ipNetToMediaType.<ifIndex>.<ip> = 2         -> ip neigh del <ip> dev <if> (invalid)
#   ipNetToPhysical{PhysAddress,Type}.<ifIndex>.1.4.<ip>: the same; IPv6 rows are <ifIndex>.2.16.<16 bytes>
#                                                      and change NDP entries the same way;
#   SET ipNetToPhysicalRowStatus = createAndGo(4)   -> accepted; the PhysAddress varbind of the same SET
#                                                      (snmpd runs them in order) creates the entry
#   SET ipNetToPhysicalRowStatus = destroy(6)       -> ip neigh del
# Reads: Type is static(4) for PERMANENT entries, dynamic(3) for learnt ones; entries without a MAC are hidden, and so
# are link-local IPv6 neighbours (their rows would need the zoned type ipv6z(4); nothing diverts them).
# Entries it creates carry "protocol $PROTO" (default 197) like the Linux adapter's, so
# `ip neigh show proto 197` lists them. Runs as snmpd's user: that user needs CAP_NET_ADMIN to write.
set -u
MEDIA=.1.3.6.1.2.1.4.22.1
PHYS=.1.3.6.1.2.1.4.35.1
case "${2:-}" in
"$PHYS" | "$PHYS".*) BASE=$PHYS; KIND=physical ;;
*) BASE=$MEDIA; KIND=media ;;
esac
PROTO=${SYNCOOKIED_NEIGH_PROTO:-197}
IP=${SYNCOOKIED_IP_CMD:-ip}

# One line per neighbour: "dev <name> <ifindex>" lines, then "neigh <ip neigh line>" lines of both families.
rows() {
	for f in /sys/class/net/*/ifindex; do
		dev=${f#/sys/class/net/}; dev=${dev%/ifindex}
		echo "dev $dev $(cat "$f")"
	done
	$IP neigh show 2>/dev/null | sed 's/^/neigh /'
} 2>/dev/null

# One line per row: "<row index> <mac> <type>", the index as dotted numbers: ifIndex.a.b.c.d (media), or
# ifIndex.1.4.a.b.c.d / ifIndex.2.16.<16 bytes> (physical). mawk has no hex parser, hence hex().
table() {
	rows | awk -v kind="$KIND" '
		function hex(s,   i, n) {
			n = 0
			s = tolower(s)
			for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		# "fd00:2::10" -> "253.0.0.2.0.0.0.0.0.0.0.0.0.0.0.16"; "" for forms we do not serve
		function bytes6(a,   at, head, tail, h, t, hp, tp, g, n, i, out) {
			if (a ~ /\./) return ""
			at = index(a, "::")
			if (at > 0) {
				head = substr(a, 1, at - 1); tail = substr(a, at + 2)
				h = (head == "") ? 0 : split(head, hp, ":")
				t = (tail == "") ? 0 : split(tail, tp, ":")
				if (h + t > 7) return ""
				n = 0
				for (i = 1; i <= h; i++) g[++n] = hp[i]
				for (i = 1; i <= 8 - h - t; i++) g[++n] = "0"
				for (i = 1; i <= t; i++) g[++n] = tp[i]
			} else {
				if (split(a, g, ":") != 8) return ""
			}
			out = ""
			for (i = 1; i <= 8; i++)
				out = out (i > 1 ? "." : "") int(hex(g[i]) / 256) "." hex(g[i]) % 256
			return out
		}
		$1 == "dev" { idx[$2] = $3; next }
		$1 == "neigh" {
			ip = $2; dev = ""; mac = ""; type = 3
			for (i = 3; i <= NF; i++) {
				if ($i == "dev") dev = $(i + 1)
				if ($i == "lladdr") mac = $(i + 1)
				if ($i == "PERMANENT") type = 4
			}
			if (mac == "" || !(dev in idx)) next
			if (ip ~ /:/) {
				if (kind == "media" || tolower(ip) ~ /^fe[89ab]/) next
				b = bytes6(ip)
				if (b == "") next
				print idx[dev] ".2.16." b, mac, type
			} else {
				print idx[dev] (kind == "media" ? "." : ".1.4.") ip, mac, type
			}
		}'
}

# All instances "col.index TYPE VALUE" of the table in lexicographic OID order (sorted on zero-padded components).
instances() {
	table | awk -v kind="$KIND" '
		function key(oid,   p, n, i, k) {
			n = split(oid, p, ".")
			k = ""
			for (i = 1; i <= n; i++) k = k sprintf("%010d.", p[i])
			return k
		}
		function out(oid, rest) { print key(oid) "\t" oid " " rest }
		{
			idx = $1; mac = $2; type = $3
			m = mac; gsub(":", " ", m)
			if (kind == "media") {
				split(idx, f, ".")
				out("1." idx, "integer " f[1])
				out("2." idx, "octet " m)
				out("3." idx, "ipaddress " f[2] "." f[3] "." f[4] "." f[5])
				out("4." idx, "integer " type)
			} else {
				out("4." idx, "octet " m)
				out("6." idx, "integer " type)
				out("7." idx, "integer 1")
				out("8." idx, "integer 1")
			}
		}' | LC_ALL=C sort -t "$(printf '\t')" -k1,1 | cut -f2-
}

# Prints the instance for a GET (exact) or GETNEXT (first greater), in pass output format.
lookup() { # mode suffix
	instances | awk -v mode="$1" -v want="$2" -v base="$BASE" '
		function cmp(a, b,   x, y, na, nb, i) {
			na = split(a, x, "."); nb = split(b, y, ".")
			for (i = 1; i <= na && i <= nb; i++) {
				if (x[i] + 0 < y[i] + 0) return -1
				if (x[i] + 0 > y[i] + 0) return 1
			}
			return na < nb ? -1 : (na > nb ? 1 : 0)
		}
		{
			oid = $1; type = $2; val = $0; sub(/^[^ ]+ [^ ]+ /, "", val)
			c = cmp(oid, want)
			if ((mode == "get" && c == 0) || (mode == "next" && c > 0)) {
				print base "." oid; print type; print val; exit
			}
		}'
}

suffix() { # strips BASE. from a full OID; empty when outside the table
	case "$1" in
	"$BASE") echo "" ;;
	"$BASE".*) echo "${1#"$BASE".}" ;;
	*) echo "" ;;
	esac
}

devof() { # ifindex -> name
	for f in /sys/class/net/*/ifindex; do
		if [ "$(cat "$f")" = "$1" ]; then d=${f#/sys/class/net/}; echo "${d%/ifindex}"; return 0; fi
	done
	return 1
}

# The ip address of a physical-table index "ifIndex.1.4.a.b.c.d" or "ifIndex.2.16.<16 bytes>" (in $1), or "".
physical_ip() {
	echo "$1" | awk -F. '
		$2 == 1 && $3 == 4 && NF == 7 { print $4 "." $5 "." $6 "." $7; exit }
		$2 == 2 && $3 == 16 && NF == 19 {
			s = ""
			for (i = 4; i < 20; i += 2) s = s (i > 4 ? ":" : "") sprintf("%x", $i * 256 + $(i + 1))
			print s
		}'
}

set_value() { # suffix type value
	col=${1%%.*}; rest=${1#*.}
	type=$2; value=$3
	if [ "$KIND" = physical ]; then
		# col.ifIndex.<InetAddressType>.<length>.<address bytes>
		ip=$(physical_ip "$rest")
		[ -n "$ip" ] || { echo "no-creation"; return; }
		ifx=${rest%%.*}
		case "$col" in
		4) col=2 ;;
		6) col=4 ;;
		8)
			dev=$(devof "$ifx") || { echo "no-creation"; return; }
			case "$value" in
			1 | 4) ;;
			6) $IP neigh del "$ip" dev "$dev" >/dev/null 2>&1 || true ;;
			*) echo "wrong-value" ;;
			esac
			return ;;
		*) echo "not-writable"; return ;;
		esac
	else
		# col.ifIndex.a.b.c.d
		old_ifs=$IFS; IFS=.; set -- $rest; IFS=$old_ifs
		if [ $# -ne 5 ]; then echo "no-creation"; return; fi
		ifx=$1; ip="$2.$3.$4.$5"
	fi
	dev=$(devof "$ifx") || { echo "no-creation"; return; }
	case "$col" in
	2)
		mac=$(echo "$value" | tr -d '"' | awk '{ if (NF == 6) { printf "%s:%s:%s:%s:%s:%s", $1, $2, $3, $4, $5, $6 } }' | tr 'A-F' 'a-f')
		case "$mac" in
		??:??:??:??:??:??) ;;
		*) echo "wrong-length"; return ;;
		esac
		$IP neigh replace "$ip" lladdr "$mac" nud permanent dev "$dev" protocol "$PROTO" >/dev/null 2>&1 || { echo "commit-failed"; return; }
		;;
	4)
		case "$value" in
		2) $IP neigh del "$ip" dev "$dev" >/dev/null 2>&1 || true ;;
		4)
			mac=$($IP neigh show to "$ip" dev "$dev" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i == "lladdr") print $(i + 1) }')
			[ -n "$mac" ] || { echo "inconsistent-value"; return; }
			$IP neigh replace "$ip" lladdr "$mac" nud permanent dev "$dev" protocol "$PROTO" >/dev/null 2>&1 || { echo "commit-failed"; return; }
			;;
		3) ;;
		*) echo "wrong-value"; return ;;
		esac
		;;
	*) echo "not-writable"; return ;;
	esac
}

case "${1:-}" in
-g) s=$(suffix "$2"); [ -n "$s" ] && lookup get "$s" ;;
-n) s=$(suffix "$2"); lookup next "${s:-0}" ;;
-s)
	s=$(suffix "$2"); [ -n "$s" ] || { echo "not-writable"; exit 0; }
	type=$3; shift 3
	set_value "$s" "$type" "$*" ;;
*) echo "usage: $0 -g|-n|-s OID [TYPE VALUE]" >&2; exit 1 ;;
esac
exit 0

#!/bin/sh
# net-snmp "pass" handler: IP-MIB ipNetToMediaTable (.1.3.6.1.2.1.4.22.1) and ipNetToPhysicalTable
# (.1.3.6.1.2.1.4.35.1, IPv4 rows) backed by the Linux neighbour table, writable. snmpd 5.9 serves these
# read-only on Linux; with one line per column in snmpd.conf (see snmpd.conf.example: priority 10, so
# that it wins over snmpd's own read-only modules)
#   pass -p 10 .1.3.6.1.2.1.4.22.1.N /usr/local/lib/syncookied/snmp-arp-pass.sh     (N = 1..4)
#   pass -p 10 .1.3.6.1.2.1.4.35.1.N /usr/local/lib/syncookied/snmp-arp-pass.sh     (N = 4, 6, 7, 8)
# a Linux box becomes a router that Syncookied's SNMP adapter (mode: media or physical) can program:
#   SET ipNetToMediaPhysAddress.<ifIndex>.<ip>      -> ip neigh replace <ip> lladdr <mac> nud permanent dev <if>
#   SET ipNetToMediaType.<ifIndex>.<ip> = 4         -> make the existing entry permanent (static)
#   SET ipNetToMediaType.<ifIndex>.<ip> = 2         -> ip neigh del <ip> dev <if> (invalid)
#   ipNetToPhysical{PhysAddress,Type}.<ifIndex>.1.4.<ip>: the same;
#   SET ipNetToPhysicalRowStatus = createAndGo(4)   -> accepted; the PhysAddress varbind of the same SET
#                                                      (snmpd runs them in order) creates the entry
#   SET ipNetToPhysicalRowStatus = destroy(6)       -> ip neigh del
# Reads: Type is static(4) for PERMANENT entries, dynamic(3) for learnt ones; entries without a MAC are hidden.
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

# One line per row: "ifindex a b c d mac type", sorted by index.
rows() {
	for f in /sys/class/net/*/ifindex; do
		dev=${f#/sys/class/net/}; dev=${dev%/ifindex}
		echo "dev $dev $(cat "$f")"
	done
	$IP -4 neigh show 2>/dev/null | sed 's/^/neigh /'
} 2>/dev/null

table() {
	rows | awk '
		$1 == "dev" { idx[$2] = $3; next }
		$1 == "neigh" {
			ip = $2; dev = ""; mac = ""; type = 3
			for (i = 3; i <= NF; i++) {
				if ($i == "dev") dev = $(i + 1)
				if ($i == "lladdr") mac = $(i + 1)
				if ($i == "PERMANENT") type = 4
			}
			if (mac == "" || !(dev in idx)) next
			split(ip, o, ".")
			printf "%d %d %d %d %d %s %d\n", idx[dev], o[1], o[2], o[3], o[4], mac, type
		}' | sort -n -k1,1 -k2,2 -k3,3 -k4,4 -k5,5
}

# All instances "col.index TYPE VALUE" of the table in lexicographic OID order.
instances() {
	table | awk -v kind="$KIND" '
		{ r[NR] = $0 }
		END {
			for (c = 1; c <= 8; c++)
				for (n = 1; n <= NR; n++) {
					split(r[n], f, " ")
					ip = f[2] "." f[3] "." f[4] "." f[5]
					m = f[6]; gsub(":", " ", m)
					if (kind == "media") {
						idx = f[1] "." ip
						if (c == 1) print c "." idx " integer " f[1]
						if (c == 2) print c "." idx " octet " m
						if (c == 3) print c "." idx " ipaddress " ip
						if (c == 4) print c "." idx " integer " f[7]
					} else {
						idx = f[1] ".1.4." ip
						if (c == 4) print c "." idx " octet " m
						if (c == 6) print c "." idx " integer " f[7]
						if (c == 7) print c "." idx " integer 1"
						if (c == 8) print c "." idx " integer 1"
					}
				}
		}'
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

set_value() { # suffix type value
	old_ifs=$IFS; IFS=.; set -- $1 "$2" "$3"; IFS=$old_ifs
	if [ "$KIND" = physical ]; then
		# col.ifIndex.1(ipv4).4(length).a.b.c.d
		if [ $# -ne 10 ] || [ "$3" != 1 ] || [ "$4" != 4 ]; then echo "no-creation"; return; fi
		col=$1; ifx=$2; ip="$5.$6.$7.$8"; type=$9; shift 9; value=$1
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
		if [ $# -ne 8 ]; then echo "no-creation"; return; fi
		col=$1; ifx=$2; ip="$3.$4.$5.$6"; type=$7; value=$8
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
			mac=$($IP -4 neigh show to "$ip" dev "$dev" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i == "lladdr") print $(i + 1) }')
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

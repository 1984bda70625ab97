#!/usr/bin/env bash
# lab-ctl.sh up NAME | down NAME | secrets FILE [VARIANT]: drives lab.sh for the Java tests and the demo.
# "up" builds the lab, diverts the server IPs to the firewall and prints KEY=VALUE lines (MACs, namespaces).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
cmd=$1
case $cmd in
up | down) LAB=$2 ;;
esac
source "$HERE/lab.sh"
case $cmd in
up)
	lab_down
	lab_up || exit 1
	lab_divert
	ip netns exec "$NS_S" nft 'add table inet lab; add chain inet lab out { type filter hook output priority 0 ; } ; add rule inet lab out tcp flags rst drop'
	for v in NS_C NS_R NS_SW NS_FW NS_S SRV4 SRV6 CLI4 CLI6 FW_MAC SRV_MAC RTR_MAC CLI_MAC; do echo "$v=${!v}"; done
	;;
down) lab_down ;;
secrets) lab_secrets "$2" "${3:-0}" ;;
*) echo "usage: $0 up NAME | down NAME | secrets FILE [VARIANT]" >&2; exit 2 ;;
esac

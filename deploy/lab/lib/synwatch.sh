# synwatch.sh: what the firewall answered, counted on the wire where no backend can hide it: nftables counters on
# the bridge in front of the firewall (bridge family, forward hook, in the switch namespace). A SYN to the server that
# the bridge forwards out of sw-fw has reached the firewall; a SYN-ACK from the server's address coming in from sw-fw
# is the firewall's answer (AF_PACKET, AF_XDP or XDP_TX alike: each reply leaves fw0 and enters the bridge here). The
# difference is the SYNs that reached the firewall and were never answered. Those SYN-ACKs' window scale option is
# counted too, against the guest kernel's own ($GUEST_WSCALE, from the agent's profile: mirror_tcp_stack): the
# firewall must announce the scale the server will use, or clients misread every window the server sends.

synwatch_start() {
	local ports fam
	ports=$(printf '"%s", ' "${FW_PORTS[@]}")
	ports="{ ${ports%, } }"
	fam=$([ "${PROTECTED_IP#*:}" != "$PROTECTED_IP" ] && echo ip6 || echo ip)
	nsx "$NS_SW" nft -f - <<-EOF || die "cannot install the nftables counters on the bridge (nftables, nf_tables bridge)"
		table bridge syncookied_lab {
			counter syn_to_fw {}
			counter synack_from_fw {}
			counter synack_ws_kernel {}
			counter synack_ws_other {}
			chain forward {
				type filter hook forward priority 0; policy accept;
				oifname $ports $fam daddr $PROTECTED_IP tcp dport $SERVICE_PORT tcp flags & (syn | ack) == syn counter name syn_to_fw
				iifname $ports $fam saddr $PROTECTED_IP tcp sport $SERVICE_PORT tcp flags & (syn | ack) == syn | ack counter name synack_from_fw
				iifname $ports $fam saddr $PROTECTED_IP tcp sport $SERVICE_PORT tcp flags & (syn | ack) == syn | ack tcp option window count $GUEST_WSCALE counter name synack_ws_kernel
				iifname $ports $fam saddr $PROTECTED_IP tcp sport $SERVICE_PORT tcp flags & (syn | ack) == syn | ack tcp option window exists tcp option window count != $GUEST_WSCALE counter name synack_ws_other
			}
		}
	EOF
}

# synwatch_read: "syns_to_firewall synacks_from_firewall synacks_with_the_kernels_wscale synacks_with_another"
synwatch_read() {
	nsx "$NS_SW" nft -j list counters table bridge syncookied_lab 2>/dev/null |
		jq -r '[.nftables[] | select(.counter) | .counter | {(.name): .packets}] | add | "\(.syn_to_fw // 0) \(.synack_from_fw // 0) \(.synack_ws_kernel // 0) \(.synack_ws_other // 0)"'
}

# control.sh: the host agent and the control plane of the lab, configured like a real deployment (files in
# $WORK/etc), all on loopback:
#   agent (host, --proc-root = the guest /proc mirror) --UDP 127.0.0.1:$TELEMETRY_PORT--> control plane
#   control plane --Unix socket--> dataplane worker in the firewall namespace (started by the control plane
#                                  through $WORK/bin/syncookied-dp, which enters that namespace)
#   control plane --`ip -n $ROUTER_NAME neigh`--> the router namespace (Linux router adapter)
#   control plane --HTTP--> InfluxDB (Micrometer, step 1 s)

API_PORT=${API_PORT:-$(free_port tcp)}
TELEMETRY_PORT=${TELEMETRY_PORT:-$(free_port udp)}

control_files() {
	local etc=$WORK/etc
	mkdir -p "$etc" "$WORK/bin" "$WORK/state"
	chmod 0700 "$etc"
	API_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
	head -c 32 /dev/urandom >"$etc/lab-server.key"
	chmod 0400 "$etc/lab-server.key"
	# the worker binary as the control plane sees it: the real syncookied-dp, run inside the firewall namespace
	# (nsenter -n execs it in place, so the PID the control plane supervises is the worker itself)
	cat >"$WORK/bin/syncookied-dp" <<-EOF
		#!/bin/sh
		exec nsenter -t $NS_FW -n -- $DP "\$@"
	EOF
	chmod 0755 "$WORK/bin/syncookied-dp"
	cat >"$etc/hosts.yml" <<-EOF
		# the lab's protected server (original hosts.yml format + control-plane fields)
		- ip: $PROTECTED_IP
		  mac: $VM_MAC
		  agent_key_id: lab-server
		  mode: auto
		  diversion:
		    target: lab-router
	EOF
	cat >"$etc/controlplane.yml" <<-EOF
		server:
		  address: 127.0.0.1
		  port: $API_PORT
		management:
		  influx:
		    metrics:
		      export:
		        enabled: true
		        uri: http://127.0.0.1:$INFLUX_PORT
		        db: $INFLUX_DB
		        auto-create-db: true
		        step: 1s
		syncookied:
		  api:
		    admin-tokens: [ "$API_TOKEN" ]
		  hosts:
		    file: $etc/hosts.yml
		  detection:
		    start-syn-rate: $DETECT_START
		    end-syn-rate: $DETECT_END
		    consecutive-samples: 3
		  protection:
		    hold-down: ${HOLD_DOWN}s
		    quiet-period: ${QUIET}s
		    journal: $WORK/state/syncookied-state.journal
		    reconcile-delay: 1s
		    pickup-window: ${LAB_PICKUP_WINDOW:-30s}
		  telemetry:
		    enabled: true
		    bind: 127.0.0.1
		    port: $TELEMETRY_PORT
		    keys:
		      - id: 1
		        host: lab-server
		        file: $etc/lab-server.key
		  dataplane:
		    enabled: true
		    manage-worker: true
		    binary: $WORK/bin/syncookied-dp
		    control-socket: $WORK/state/dataplane.sock
		    backend: ${LAB_BACKEND:-auto}
		    iface: fw0
		    mac: $FW_MAC
		    cpus: "1"
		  routers:
		    targets:
		$(router_targets_yaml)
	EOF
}

control_start() {
	java -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$CP_JAR" \
		--spring.config.additional-location="file:$WORK/etc/controlplane.yml" >"$WORK/controlplane.log" 2>&1 &
	CP_PID=$!
	wait_for 240 "control plane" control_up ||
		die "the control plane did not come up on 127.0.0.1:$API_PORT: $(tail -20 "$WORK/controlplane.log")"
	# every event (detection decisions, state changes, alerts) as Server-Sent Events, for the timeline
	curl -sN -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$API_PORT/api/v1/events" >"$WORK/events.sse" 2>/dev/null &
	EVENTS_PID=$!
}

# control_up: the API answers; fails fast (exit) when the process is gone, so we never wait for a dead JVM
control_up() {
	kill -0 "$CP_PID" 2>/dev/null || die "the control plane exited: $(grep -m3 -E 'ERROR|Caused by' "$WORK/controlplane.log")"
	api GET /api/v1/hosts
}

control_stop() {
	kill_wait "${EVENTS_PID:-}" 2
	kill_wait "${CP_PID:-}" 20
	CP_PID=
	# the worker deliberately outlives the control plane (a control-plane restart must not stop forwarding):
	# stop every worker on this run's socket (the control plane may have restarted it under a new PID)
	local pid
	for pid in ${DP_PID:-} $(pids_with_arg "$WORK/state/dataplane.sock"); do
		kill_wait "$pid" 5
	done
}

agent_start() {
	# AGENT_CONTROL_PLANES: where the server's agent reports (a mode with several control planes lists them all)
	"$ROOT/host-agent/bin/syncookied-agent" --proc-root "$MIRROR" --sys-root "$WORK/guest-sys" \
		--control-plane "${AGENT_CONTROL_PLANES:-127.0.0.1:$TELEMETRY_PORT}" \
		--key-id 1 --key-file "$WORK/etc/lab-server.key" --interval 100ms --secrets-poll 100ms \
		--set-syncookies false --interfaces eth0 --hostname lab-server >"$WORK/agent.log" 2>&1 &
	AGENT_PID=$!
}

agent_stop() { kill_wait "${AGENT_PID:-}" 10; AGENT_PID=; }

# api METHOD PATH: the control plane's REST API with the admin token; prints the body, fails on HTTP errors
api() {
	curl -sf -X "$1" -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$API_PORT$2"
}

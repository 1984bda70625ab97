# influx.sh: a private InfluxDB 1.x (Debian's influxd) for one lab run. Its data lives in the run's output
# directory, so the metrics stay after the run (deploy/lab/view.sh serves them again for Grafana); the
# process itself is always stopped with the lab. HTTP on 127.0.0.1:$INFLUX_PORT only; every other listener
# is either moved to a private loopback port or off.

INFLUX_PORT=${INFLUX_PORT:-$(free_port tcp)}   # and INFLUX_PORT+1 for its RPC listener
INFLUX_DB=syncookied

influx_config() { # influx_config DATADIR PORT > file
	local dir=$1 port=$2
	influxd config 2>/dev/null | awk -v dir="$dir" -v port="$port" '
		/^\[/ { sec = $0 }
		/^bind-address/ { print "bind-address = \"127.0.0.1:" port + 1 "\""; next }
		sec == "[meta]" && /^  dir =/ { print "  dir = \"" dir "/meta\""; next }
		sec == "[data]" && /^  dir =/ { print "  dir = \"" dir "/data\""; next }
		sec == "[data]" && /^  wal-dir =/ { print "  wal-dir = \"" dir "/wal\""; next }
		sec == "[data]" && /^  query-log-enabled =/ { print "  query-log-enabled = false"; next }
		sec == "[monitor]" && /^  store-enabled =/ { print "  store-enabled = false"; next }
		sec == "[http]" && /^  bind-address =/ { print "  bind-address = \"127.0.0.1:" port "\""; next }
		sec == "[http]" && /^  log-enabled =/ { print "  log-enabled = false"; next }
		sec == "[ifql]" && /^  enabled =/ { print "  enabled = false"; next }
		{ print }'
}

influx_start() { # influx_start DATADIR
	local dir=$1
	mkdir -p "$dir"
	influx_config "$dir" "$INFLUX_PORT" >"$dir/influxdb.conf"
	influxd -config "$dir/influxdb.conf" >"$WORK/influxd.log" 2>&1 &
	INFLUX_PID=$!
	wait_for 30 influxdb curl -sf "http://127.0.0.1:$INFLUX_PORT/ping" ||
		die "influxd did not answer on 127.0.0.1:$INFLUX_PORT: $(tail -5 "$WORK/influxd.log")"
	curl -sf -XPOST "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode "q=CREATE DATABASE $INFLUX_DB" >/dev/null ||
		die "cannot create the InfluxDB database $INFLUX_DB"
}

influx_stop() { kill_wait "${INFLUX_PID:-}" 10; INFLUX_PID=; }

# influx_write LINES: line protocol, millisecond timestamps (the lab's own series: measurement syncookied_lab)
influx_write() {
	curl -sf -XPOST "http://127.0.0.1:$INFLUX_PORT/write?db=$INFLUX_DB&precision=ms" --data-binary "$1" >/dev/null
}

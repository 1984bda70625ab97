#!/usr/bin/env bash
# view.sh OUTDIR [PORT]: serve a finished lab run's InfluxDB data again (foreground; Ctrl-C stops it), so the
# Grafana dashboard in deploy/grafana can show the attack: point the provisioned data source
# (uid syncookied-influxdb) at http://127.0.0.1:PORT, database "syncookied". The control plane's metrics are
# there under their Micrometer names, the lab's own counters under the measurement "syncookied_lab".
set -euo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: deploy/lab/view.sh OUTDIR [PORT]}
WORK=$(cd "$OUT" && pwd)
INFLUX_PORT=${2:-18086}
[ -d "$WORK/influxdb/data" ] || { echo "view.sh: $WORK/influxdb/data missing: not a lab output directory" >&2; exit 2; }
. "$LAB/lib/common.sh"
. "$LAB/lib/influx.sh"
influx_config "$WORK/influxdb" "$INFLUX_PORT" >"$WORK/influxdb/influxdb.conf"
echo "InfluxDB with the lab run's metrics on http://127.0.0.1:$INFLUX_PORT (db $INFLUX_DB); Ctrl-C stops it"
echo "  e.g. curl -sG http://127.0.0.1:$INFLUX_PORT/query --data-urlencode db=$INFLUX_DB --data-urlencode 'q=SHOW MEASUREMENTS'"
exec influxd -config "$WORK/influxdb/influxdb.conf"

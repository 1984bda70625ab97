#!/usr/bin/env bash
# The whole test suite (README quick start, command 2). Root on Debian 12: C unit tests, fuzzing, netns tests,
# the QEMU real-kernel proof, the Java tests against real InfluxDB/snmpd, and the lab end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
exec ./mvnw -B -ntp verify "$@"

#!/usr/bin/env bash
# The soak test: camstream from its WAR (-Xmx64m) for N minutes (default 30) under a steady mix of viewers,
# viewers coming and going, a camera kill every minute and a change of resolution every four minutes. It prints
# the slopes per hour of heap after GC, resident memory, threads and file descriptors, the pictures every viewer
# got and every gap over 3 s, and keeps the report in target/soak-report.md. Not part of `mvn verify`.
#   scripts/soak.sh [minutes]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
mvn -q verify -Dit.test=SoakIT -Dsoak.minutes="$minutes" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
cat target/soak-report.md

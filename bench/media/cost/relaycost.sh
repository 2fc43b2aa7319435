#!/usr/bin/env bash
# CPU per relayed packet (media loop threads) and per SRTP protect+unprotect, without the load generator's noise.
#
# Usage: bench/media/cost/relaycost.sh [CALLS] [SECONDS]        (default 300 calls, 8 s)
#   JVM options as the node's (serial GC, MaxRAM=1g, Integer cache) plus JAVA_OPTS, e.g. JAVA_OPTS=-XX:TieredStopAtLevel=1
#   CLASSES=DIR   media classes to measure (default: bundles/org.patchbay.media/target/classes, built when missing;
#                 e.g. a directory with an older org.patchbay.media jar unpacked, for before/after)
# Prints one line per measurement: calls, packets sent/received, loop CPU in % of a core, µs per packet, bytes
# allocated per packet by the loop threads; then SrtpCost's µs and bytes per protect+unprotect (4 rounds).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
calls=${1:-300}
secs=${2:-8}
media=$top/bundles/org.patchbay.media
classes=${CLASSES:-$media/target/classes}
if [ ! -d "$media/target/classes/org" ] || [ ! -d "$top/bundles/org.patchbay.api/target/classes/org" ]; then
  (cd "$top" && mvn -B -q -o compile -pl bundles/org.patchbay.media -am)
fi
work=$(mktemp -d /tmp/relaycost.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$media" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$classes:$top/bundles/org.patchbay.api/target/classes:$(cat "$work/cp.txt")"
javac -nowarn -d "$work" -cp "$cp" "$(dirname "$0")/RelayCost.java" "$(dirname "$0")/SrtpCost.java"
opts="-XX:+UseSerialGC -XX:MaxRAM=1g -Xss512k -Djava.lang.Integer.IntegerCache.high=65535 ${JAVA_OPTS:-}"
echo "load $(cut -d' ' -f1-3 /proc/loadavg), JVM $opts"
java $opts -cp "$work:$cp" RelayCost "$calls" "$secs" 2>/dev/null | grep '^calls'
java $opts -cp "$work:$cp" SrtpCost 2>/dev/null

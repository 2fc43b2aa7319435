#!/usr/bin/env bash
# Boot-to-ready time and idle memory of the real distribution.
# Usage: bench/boot.sh [runs]   (default 10; build first: mvn -q install -DskipTests)
# Each run starts a private copy of runtime/target/patchbay on free loopback ports with
# `bin/patchbay start`, takes N from its "Patchbay <version> ready in <N> ms" line, waits 10 s, reads the
# JVM's RSS, and stops it with `bin/patchbay stop`. The first run has an empty data/ (first boot:
# database, TLS key, token and class-data archive are created); the others reuse it.
set -euo pipefail
runs=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
dist=$top/runtime/target/patchbay
[ -x "$dist/bin/patchbay" ] || { echo "no distribution: run mvn -q install -DskipTests" >&2; exit 1; }
work=$(mktemp -d /tmp/patchbay-boot.XXXXXX)
trap '[ -f "$work/node/data/patchbay.pid" ] && "$work/node/bin/patchbay" stop >/dev/null 2>&1; rm -rf "$work"' EXIT
cp -r "$dist" "$work/node"
rm -rf "$work/node/data" && mkdir "$work/node/data"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
printf 'host = 127.0.0.1\nport = %s\nhttps.port = %s\n' "$(port)" "$(port)" > "$work/node/conf/org.patchbay.http.cfg"
printf 'port = %s\n' "$(port)" > "$work/node/conf/org.patchbay.shell.telnet.cfg"
udp_port() { python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
printf 'port = %s\n' "$(udp_port)" > "$work/node/conf/org.patchbay.stun.cfg"

echo "run  ready_ms  idle_rss_mb  (java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) cores)"
for i in $(seq 1 "$runs"); do
  "$work/node/bin/patchbay" start >/dev/null
  ready=$(grep -ho 'ready in [0-9]*' "$work/node/data/log/console.log" | tail -1 | grep -o '[0-9]*$')
  sleep 10
  rss=$(( $(ps -o rss= -p "$(cat "$work/node/data/patchbay.pid")") / 1024 ))
  "$work/node/bin/patchbay" stop >/dev/null
  printf '%3d  %8s  %11s%s\n' "$i" "$ready" "$rss" "$([ "$i" -eq 1 ] && echo '  (first boot)')"
done

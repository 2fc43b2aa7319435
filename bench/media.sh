#!/usr/bin/env bash
# Side-by-side media relay benchmark: rtpengine (userspace), then the real Patchbay distribution through its bench
# hook, driven by the same G.711 RTP load from the shared media bench kit, one results file.
#
# Usage: bench/media.sh [CALLS] [SECONDS]      (default 100,250,500,750,1000,1250,1500 and 20 s per step)
#
# Inputs:
#   the shared kit (rtpgen.c, bench.py, ngctl.py, report.py, rtpengine.conf): KIT, default the first of
#     ../shared/bench/media, ../../shared/bench/media (from a worktree) and /work/shared/bench/media. It is copied
#     into the work directory and compiled there (make); nothing of it lives in this repository.
#   rtpengine (Debian rtpengine-daemon), gcc, make, python3, curl; libssl-dev for SRTP builds of rtpgen.
#   runtime/target/patchbay (built with `mvn -B -q -o verify -DskipTests` when missing).
#
# What it does: for each call count, bench.py creates the sessions, runs rtpgen (warm-up 3 s, then SECONDS measured,
# sender at SCHED_FIFO 10), deletes the sessions. First against a fresh rtpengine per step (ports 30000-49999), then
# against one Patchbay node (a private copy of the distribution on free loopback ports; media on 127.0.0.1, ports
# 20000-29999, threads as shipped; bench hook on: conf/org.patchbay.media.bench.cfg enabled=true). The generator
# uses GEN_BASE + 4 per call, away from both relays' ranges. Prints both tables (report.py) and the ratios
# (bench/media/compare.py); with DOCS=1 also replaces the generated block in docs/BENCHMARKS.md.
#
# Environment (defaults in brackets):
#   GEN_BASE [10000]  first generator port (10000 + 4 * calls must stay below 20000)
#   PIN=1             rtpengine and Patchbay on CPU 1 (taskset), rtpgen on CPU 0
#   RELAY_NICE=N      start both relays with nice -n N, and give their autogroups (this script's session, the node's
#                     session) the same nice (e.g. -10 on a machine other tenants keep busy; the generator already
#                     runs at SCHED_FIFO 10); default: not reniced
#   PROFILE=1         JFR profile of the node (bench-media-patchbay.jfr in the current directory)
#   ONLY=patchbay|rtpengine   run one side only
#   DOCS=1            update docs/BENCHMARKS.md (generated block "bench/media.sh")
#   INTERLEAVE=1      measure each call count on rtpengine and then on Patchbay before the next one (the node stays
#                     up), instead of the whole rtpengine ramp first; GEN! steps do not end the ramp
#   KEEP=1            keep the work directory (maps, rtpgen output, node logs)
#   OUT=FILE          also copy the raw result lines (bench.py JSONL) to FILE
#   BENCH_ARGS        more bench.py options for both series, e.g. "--retries 1 --quiet-wait 60" on a busy machine
#   DIST=DIR          the distribution to copy (default runtime/target/patchbay; e.g. a saved build for before/after)
#   MEDIA_THREADS=N   the node's media loop threads (default: as shipped, 2)
#   RTPENGINE_THREADS=N  rtpengine's --num-threads (default: the kit's rtpengine.conf, 4 pollers)
#   FLOOR=1           also measure the kit's udpfwd (a trivial C relay: epoll + recvmmsg + sendmmsg, one thread, no
#                     parsing) at every call count, as the floor of a userspace relay on this machine: what any relay,
#                     rtpengine or Patchbay, could reach at best (third series "udpfwd" in the report)
#   SRTP=a            leg A of every call is SDES-SRTP (AES_CM_128_HMAC_SHA1_80), leg B plain RTP: both relays decrypt
#                     A->B and encrypt B->A (the kit's --srtp a; Patchbay terminates SDES on A through the bench hook)
#   PATCHBAY_OPTS / JAVA_OPTS are passed to bin/patchbay as usual.
# Everything started here is stopped by PID on exit, also on Ctrl-C.
set -uo pipefail

CALLS=${1:-100,250,500,750,1000,1250,1500}
DUR=${2:-20}
GEN_BASE=${GEN_BASE:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
dist=${DIST:-$top/runtime/target/patchbay}
command_line="bench/media.sh $*"
for v in GEN_BASE PIN INTERLEAVE RELAY_NICE PROFILE ONLY SRTP MEDIA_THREADS RTPENGINE_THREADS FLOOR DIST PATCHBAY_OPTS BENCH_ARGS; do
  [ -n "${!v:-}" ] && command_line="$v=\"${!v}\" $command_line"
done

if [ -z "${KIT:-}" ]; then
  for k in "$top/../shared/bench/media" "$top/../../shared/bench/media" /work/shared/bench/media; do
    [ -f "$k/bench.py" ] && KIT=$(cd "$k" && pwd) && break
  done
fi
[ -n "${KIT:-}" ] && [ -f "$KIT/bench.py" ] || { echo "bench/media.sh: media bench kit not found; set KIT=…/bench/media" >&2; exit 1; }
for tool in gcc make python3 curl; do
  command -v $tool >/dev/null || { echo "bench/media.sh: $tool not found" >&2; exit 1; }
done
[ "${ONLY:-}" = patchbay ] || command -v rtpengine >/dev/null || {
  echo "bench/media.sh: rtpengine not found (apt-get install rtpengine-daemon)" >&2; exit 1; }
max_calls=$(tr ',' '\n' <<<"$CALLS" | sort -n | tail -1)
if [ $((GEN_BASE + 4 * max_calls)) -gt 20000 ] && [ "$GEN_BASE" -lt 30000 ]; then
  echo "bench/media.sh: generator ports $GEN_BASE..$((GEN_BASE + 4 * max_calls)) reach Patchbay's 20000-29999; set GEN_BASE" >&2
  exit 1
fi
# rtpgen: 2 sockets per call, rtpengine 4, Patchbay 4 (RTP + RTCP per leg)
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" -ge $((6 * max_calls + 1000)) ] || { echo "bench/media.sh: ulimit -n $(ulimit -n) too low for $max_calls calls" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/patchbay-media-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null && for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null
  done
  pids=()
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# the kit, compiled in the work directory (the shared copy is read-only)
mkdir "$work/kit"
cp "$KIT"/*.c "$KIT"/*.py "$KIT"/Makefile "$KIT"/rtpengine.conf "$work/kit/" || exit 1
# SRTP legs need rtpgen built with OpenSSL: ask for it (the kit's Makefile only guesses from the headers)
make_srtp=""
[ "${SRTP:-none}" != none ] && make_srtp="SRTP=1"
make -s -C "$work/kit" $make_srtp >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; exit 1; }
results=$work/results.jsonl
GEN="--rt-prio 10"
RELAY_PIN=()
TASKSET=""
if [ "${PIN:-0}" = 1 ]; then
  GEN="--rt-prio 10 --cpu-send 0 --cpu-recv 0"
  RELAY_PIN=(--relay-cpus 1)
  TASKSET="taskset -c 1"
fi
NICE=""
if [ -n "${RELAY_NICE:-}" ]; then
  NICE="nice -n $RELAY_NICE"
  # with sched_autogroup_enabled=1 a thread's nice counts only inside its session's autogroup: renice the autogroup of
  # this script (bench.py, rtpgen, rtpengine) here and the node's own session after it starts
  [ -w /proc/self/autogroup ] && echo "$RELAY_NICE" > /proc/$$/autogroup 2>/dev/null
fi
# --quiet-wait 40: bench.py waits for a quiet machine after creating the sessions, and rtpengine.conf's timeout = 60
# deletes calls that had no media for 60 s (all steps then lose 100 %)
common=(--calls "$CALLS" --duration "$DUR" --warmup 3 --gen-base "$GEN_BASE" --workdir "$work/steps"
  --stop-p99-ms 1000000 --quiet-wait 40 --out "$results" --rtpgen-args "$GEN" --srtp "${SRTP:-none}" ${BENCH_ARGS:-})

# ---------------------------------------------------------------------------------------------------
run_rtpengine() {
  echo "== rtpengine $(rtpengine --version 2>&1 | sed -n 's/^Version: //p'): a fresh daemon per step" >&2
  (cd "$work/kit" && python3 bench.py --driver rtpengine --rtpengine-cmd "$NICE rtpengine --config-file=rtpengine.conf${RTPENGINE_THREADS:+ --num-threads=$RTPENGINE_THREADS}" \
    "${RELAY_PIN[@]}" --label rtpengine "${common[@]}") | tee -a "$work/bench.out" >&2
}

run_floor() { # the kit's trivial relay on rtpengine's port range (rtpengine is stopped between its steps)
  echo "== udpfwd (the kit's trivial C relay, 1 thread): the floor of a userspace relay" >&2
  (cd "$work/kit" && python3 bench.py --driver udpfwd --relay-base 30000 "${RELAY_PIN[@]}" --label udpfwd "${common[@]}") \
    | tee -a "$work/bench.out" >&2
}

ports() { # N distinct free loopback TCP ports
  python3 - "$1" <<'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
}

patchbay_info="" node=$work/patchbay-node pid="" hook=""
start_patchbay() {
  if [ ! -x "$dist/bin/patchbay" ]; then
    echo "== building the distribution (mvn -B -q -o verify -DskipTests)" >&2
    (cd "$top" && mvn -B -q -o verify -DskipTests) || { echo "build failed" >&2; return 1; }
  fi
  local http https telnet sip opts=${PATCHBAY_OPTS:-}
  cp -r "$dist" "$node" && rm -rf "$node/data" && mkdir "$node/data"
  read -r http https telnet sip <<<"$(ports 4)"
  printf 'host = 127.0.0.1\nport = %s\nhttps.port = %s\n' "$http" "$https" > "$node/conf/org.patchbay.http.cfg"
  printf 'port = %s\n' "$telnet" > "$node/conf/org.patchbay.shell.telnet.cfg"
  printf 'host = 127.0.0.1\nudp.port = %s\ntcp.port = %s\ntls.enabled = false\n' "$sip" "$sip" > "$node/conf/org.patchbay.sip.cfg"
  printf 'host = 127.0.0.1\naddress = 127.0.0.1\nport.min = 20000\nport.max = 29999\n' > "$node/conf/org.patchbay.media.cfg"
  [ -n "${MEDIA_THREADS:-}" ] && printf 'threads = %s\n' "$MEDIA_THREADS" >> "$node/conf/org.patchbay.media.cfg"
  printf 'enabled = true\npath = /bench/media\n' > "$node/conf/org.patchbay.media.bench.cfg"
  # the STUN server would take 3478 (the shipped default), which a running node may hold; it is not measured here
  printf 'enabled = false\n' > "$node/conf/org.patchbay.stun.cfg"
  if [ "${PROFILE:-0}" = 1 ]; then
    # JFR is disabled while the JVM dumps its class-data archive, which the first run of a node does at exit
    "$node/bin/patchbay" start >/dev/null 2>&1; "$node/bin/patchbay" stop >/dev/null 2>&1
    opts="$opts -XX:StartFlightRecording=filename=$PWD/bench-media-patchbay.jfr,settings=profile"
  fi
  echo "== patchbay: starting $node (HTTP 127.0.0.1:$http, media 127.0.0.1:20000-29999)" >&2
  if ! PATCHBAY_OPTS=$opts $TASKSET $NICE "$node/bin/patchbay" start >"$work/patchbay-start.out" 2>&1; then
    echo "  node did not start:" >&2; tail -20 "$node/data/log/console.log" >&2
    [ -f "$node/data/patchbay.pid" ] && pids+=("$(cat "$node/data/patchbay.pid")")
    return 1
  fi
  pid=$(cat "$node/data/patchbay.pid"); pids+=("$pid")
  hook=http://127.0.0.1:$http/bench/media
  [ -n "${RELAY_NICE:-}" ] && [ -w "/proc/$pid/autogroup" ] && echo "$RELAY_NICE" > "/proc/$pid/autogroup" 2>/dev/null
  local code=""
  for _ in $(seq 100); do # the hook answers 400 to an empty request once the servlet is registered
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$hook/sessions")
    [ "$code" = 400 ] && break
    sleep 0.2
  done
  [ "$code" = 400 ] || { echo "  bench hook not answering at $hook (last status $code)" >&2; return 1; }
  patchbay_info="$(grep -ho 'Patchbay [^ ]* ready in [0-9]* ms' "$node/data/log/console.log" | tail -1), JVM options:$(tr '\0' ' ' </proc/$pid/cmdline | grep -o -- ' -X[^ ]*\| -Djava.lang.Integer[^ ]*' | grep -v -e SharedArchiveFile -e ArchiveClassesAtExit -e 'Xlog:' -e Xshare -e StartFlightRecording | tr -d '\n')"
  echo "== patchbay: bench hook $hook, relay PID $pid" >&2
}
bench_patchbay() {
  (cd "$work/kit" && python3 bench.py --driver http --hook "$hook" --relay-pid "$pid" --label patchbay "${common[@]}") \
    | tee -a "$work/bench.out" >&2
}
stop_patchbay() {
  [ "${PROFILE:-0}" = 1 ] && jcmd "$pid" JFR.dump filename="$PWD/bench-media-patchbay.jfr" >/dev/null 2>&1
  kill "$pid" 2>/dev/null
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
  grep -E ' (ERROR|WARN) ' "$node/data/log/patchbay.log" 2>/dev/null | grep -v 'bench hook ON' | cut -c25-300 | sort \
    | uniq -c | sort -rn | head -5 | sed 's/^/  node log: /' >&2
}
run_patchbay() {
  start_patchbay || return 1
  bench_patchbay
  stop_patchbay
}

# INTERLEAVE=1: the node stays up and each call count is measured on rtpengine, then on Patchbay, before the next
# one, so both see the same neighbours on a shared machine; a step the generator could not keep up with (GEN!) is
# recorded and the ramp goes on; a relay drops out after its first valid step with loss >= 0.1 %.
lost() { # LABEL N: the step of series LABEL at N calls, as bench.py judged it (its last attempt, after the
  # confirmation of a failure), was valid and lost >= 0.1 %
  python3 - "$results" "$1" "$2" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r["label"].startswith(sys.argv[2] + "-n" + sys.argv[3] + "-")]
sys.exit(0 if rows and rows[-1].get("valid") and rows[-1]["loss_pct"] >= 0.1 else 1)
EOF
}
run_interleaved() {
  start_patchbay || return 1
  local n rte=1 pb=1 fwd=${FLOOR:-0} base=("${common[@]}")
  for n in ${CALLS//,/ }; do
    [ $rte = 0 ] && [ $pb = 0 ] && break
    common=("${base[@]}"); common[1]=$n
    if [ $rte = 1 ]; then run_rtpengine; lost rtpengine "$n" && rte=0; fi
    if [ "$fwd" = 1 ]; then run_floor; lost udpfwd "$n" && fwd=0; fi
    if [ $pb = 1 ]; then bench_patchbay; lost patchbay "$n" && pb=0; fi
  done
  common=("${base[@]}")
  stop_patchbay
}

case ${ONLY:-both} in
  rtpengine) run_rtpengine ;;
  patchbay) run_patchbay ;;
  *) if [ "${INTERLEAVE:-0}" = 1 ]; then run_interleaved
     else run_rtpengine; [ "${FLOOR:-0}" = 1 ] && run_floor; run_patchbay; fi ;;
esac

# ---------------------------------------------------------------------------------------------------
mode="plain RTP on both legs"
[ "${SRTP:-none}" = a ] && mode="leg A SDES-SRTP (AES_CM_128_HMAC_SHA1_80, terminated by the relay), leg B plain RTP"
[ "${SRTP:-none}" = both ] && mode="both legs SDES-SRTP (AES_CM_128_HMAC_SHA1_80, terminated by the relay)"
report() {
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem/{print $2}') GiB, load before the run: $load_before"
  echo "rtpengine $(rtpengine --version 2>&1 | sed -n 's/^Version: //p') userspace (kit rtpengine.conf: table = -1, ${RTPENGINE_THREADS:-default 4} threads); generator rtpgen from $KIT, $GEN; generator ports from $GEN_BASE; relays ${NICE:-not reniced}${TASKSET:+, pinned: $TASKSET}."
  [ -n "$patchbay_info" ] && echo "Patchbay: $patchbay_info; java $(java -version 2>&1 | head -1 | cut -d'"' -f2); media threads ${MEDIA_THREADS:-2 (as shipped)}, $mode."
  echo
  echo "Command: \`$command_line\`"
  echo
  python3 "$top/bench/media/compare.py" "$results" rtpengine patchbay 250 500 1000
  echo
  if [ "${FLOOR:-0}" = 1 ]; then
    echo "The floor: the kit's udpfwd (trivial C relay, epoll + recvmmsg + sendmmsg, 1 thread, no RTP parsing) against"
    echo "rtpengine in the same run, i.e. the best ratio any userspace relay could show on this machine:"
    echo
    python3 "$top/bench/media/compare.py" "$results" rtpengine udpfwd 250 500 1000
    echo
  fi
  echo "Every step (kit report.py; relay/gen/busy/other in % of one core):"
  python3 "$work/kit/report.py" "$results"
}
report > "$work/report.md"
echo
cat "$work/report.md"
[ -n "${OUT:-}" ] && cp "$results" "$OUT" && echo "results copied to $OUT" >&2

docs=$top/docs/BENCHMARKS.md
if [ "${DOCS:-0}" = 1 ] && [ -z "${ONLY:-}" ] && [ -f "$docs" ]; then
  python3 - "$docs" "$work/report.md" "${SRTP:-none}" "${PIN:-0}" <<'EOF'
import sys
docs, rep, srtp, pin = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3], sys.argv[4] == "1"
text = open(docs).read()
tag = "bench/media.sh" + ("" if srtp == "none" else " SRTP=" + srtp) + (" PIN=1" if pin else "")
begin, end = "<!-- %s: begin generated -->" % tag, "<!-- %s: end generated -->" % tag
block = begin + "\n" + rep + "\n" + end
title = ("G.711 RTP" if srtp == "none" else "G.711, SRTP-to-RTP legs (SRTP=%s)" % srtp) + (
    ", each relay pinned to one core (PIN=1)" if pin else "")
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n## Media relay: %s, side by side with rtpengine\n\n" % title + block + "\n"
open(docs, "w").write(text)
print("updated " + docs, file=sys.stderr)
EOF
fi

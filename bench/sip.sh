#!/usr/bin/env bash
# Side-by-side SIP benchmark: the real Patchbay distribution, then Kamailio, one after the other on this
# machine, driven by the same SIPp scenarios (bench/sip/*.xml) over UDP on 127.0.0.1.
#
# Usage: bench/sip.sh [both|patchbay|kamailio]      (default both; builds nothing unless the distribution
#        is missing, then `mvn -q -o verify -DskipTests`)
#
# For each system:
#   (a) authenticated REGISTER (REGISTER, 401, REGISTER with digest, 200), users user00000..user09999,
#       password bench-secret (Patchbay wants 8 characters or more), domain bench.local: a stepwise ramp over REG_RATES, REG_SECONDS per step;
#       the result is the highest step with 0 failed registrations.
#   (b) authenticated calls (INVITE, 407, ACK, INVITE with digest, 180, 200, ACK, CALL_HOLD_MS, BYE, 200)
#       from the same users to user10000, a SIPp UAS (uas_answer.xml) registered on its own port; a ramp
#       over CALL_RATES, CALL_SECONDS per step; the result is the highest step with 0 failed calls.
#   (c) response times p50/p99 of every step (SIPp rtd: REGISTER = first REGISTER to the final 200;
#       call = first INVITE to the 200 of the authenticated INVITE).
# A step fails when any call fails or times out; the ramp stops at the first failing step, or when the
# completions fall below 80 % of the target (the load generator or the system no longer keeps the pace).
#
# Environment (defaults in brackets):
#   REG_RATES ["500 1000 2000 3000 4000 5000 6000 8000"]  REG_SECONDS [5]
#   CALL_RATES ["50 100 200 300 400 500 600 800"]          CALL_SECONDS [10]   CALL_HOLD_MS [500]
#   REF_REG_RATE [1000]  REF_CALL_RATE [100]   response times are also compared at these steps
#   RETRY [1]  how often a failing or slow step is repeated (after 5 s) before the ramp stops
#   PROFILE=1  record a JFR profile of the node (bench-sip-patchbay.jfr in the current directory)
#   DOCS=0     do not touch docs/BENCHMARKS.md (default: update its generated SIP block when both ran)
#   KEEP=1     keep the work directory (SIPp logs, node logs)
#   PATCHBAY_OPTS / JAVA_OPTS are passed to bin/patchbay as usual.
# Everything started here is stopped by PID on exit, also on Ctrl-C.
set -uo pipefail

which=${1:-both}
case $which in both|patchbay|kamailio) ;; *) sed -n '2,30p' "$0"; exit 2 ;; esac
REG_RATES=${REG_RATES:-"500 1000 2000 3000 4000 5000 6000 8000"}
REG_SECONDS=${REG_SECONDS:-5}
CALL_RATES=${CALL_RATES:-"50 100 200 300 400 500 600 800"}
CALL_SECONDS=${CALL_SECONDS:-10}
CALL_HOLD_MS=${CALL_HOLD_MS:-500}
REF_REG_RATE=${REF_REG_RATE:-1000}
REF_CALL_RATE=${REF_CALL_RATE:-100}
USERS=10000
DOMAIN=bench.local
PASSWORD=bench-secret
CALLEE=user10000

top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/bench/sip
dist=$top/runtime/target/patchbay
command_line="bench/sip.sh $*"
for v in REG_RATES REG_SECONDS CALL_RATES CALL_SECONDS CALL_HOLD_MS PROFILE; do
  [ -n "${!v:-}" ] && [ "$(env | grep -c "^$v=")" -gt 0 ] && command_line="$v=\"${!v}\" $command_line"
done

for tool in sipp python3; do
  command -v $tool >/dev/null || { echo "bench/sip.sh: $tool not found (apt-get install sip-tester python3)" >&2; exit 1; }
done
if [ "$which" != patchbay ] && ! command -v kamailio >/dev/null; then
  echo "bench/sip.sh: kamailio not found (apt-get install kamailio)" >&2; exit 1
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/patchbay-sip-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null && for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null
  done
  pids=()
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

forget() { local p keep=(); for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }
stop_pid() { # PID [NAME]: SIGTERM, wait up to 30 s, then SIGKILL (noted in the report when NAME is given)
  local t0=$SECONDS
  kill "$1" 2>/dev/null
  for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1" 2>/dev/null
    [ -n "${2:-}" ] && echo "($2) did not stop within 30 s of SIGTERM: SIGKILL" >> "$work/patchbay-notes"
  elif [ -n "${2:-}" ] && [ $((SECONDS - t0)) -gt 5 ]; then
    echo "($2) took $((SECONDS - t0)) s to stop after SIGTERM" >> "$work/patchbay-notes"
  fi
  wait "$1" 2>/dev/null
  forget "$1"
}

# Distinct ports, each free for UDP and TCP together with the next three (SIPp media uses +1..+3 and
# baresip-style TLS +1); the probe sockets are all held until every port is chosen.
ports() {
  python3 - "$1" <<'EOF'
import socket, sys
held, out = [], []
while len(out) < int(sys.argv[1]):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]; held.append(t)
    try:
        for q in range(p, p + 4):
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                if q == p and kind == socket.SOCK_STREAM:
                    continue
                s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", q)); held.append(s)
        out.append(p)
    except OSError:
        pass
print(" ".join(map(str, out)))
EOF
}

busy_ticks() { # machine-wide busy clock ticks (all cores), from /proc/stat
  local _ u n sy id io rest
  read -r _ u n sy id io rest < /proc/stat
  set -- $rest
  echo $((u + n + sy + ${1:-0} + ${2:-0} + ${3:-0}))
}

cpu_ticks() { # user+system clock ticks of a process and its direct children (Kamailio forks workers)
  local p total=0 f
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    f=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo $total
}

# ---------------------------------------------------------------------------------------------------
python3 "$here/users.py" csv "$USERS" "$DOMAIN" "$PASSWORD" > "$work/users.csv"
python3 "$here/users.py" csv 1 "$DOMAIN" "$PASSWORD" "$USERS" > "$work/callee.csv"

# One SIPp client run; prints the stats line (bench/sip/stats.py) plus server and SIPp CPU.
# sipp_step DIR SERVER_PID PORT RATE COUNT -- sipp args...
sipp_step() {
  local d=$1 spid=$2 port=$3 rate=$4 count=$5; shift 6
  mkdir -p "$d"
  local limit=$((count / rate + 30)) t0 t1 c0 c1 b0 b1
  c0=$(cpu_ticks "$spid"); b0=$(busy_ticks); t0=$(date +%s%N)
  # next to the load: the microsecond probe, one transaction at a time, for the nominal length of the step
  local probe=""
  case ${PROBE_KIND:-} in
    reg) python3 "$here/probe.py" reg 127.0.0.1 "$port" user09999 "$DOMAIN" "$PASSWORD" $((count / rate)) "$d/probe.txt" & probe=$! ;;
    call) python3 "$here/probe.py" call 127.0.0.1 "$port" user09998 "$DOMAIN" "$PASSWORD" $((count / rate)) "$d/probe.txt" "$CALLEE" & probe=$! ;;
  esac
  [ -n "$probe" ] && pids+=("$probe")
  ( cd "$d" && TIMEFORMAT='%U %S' && { time timeout -k 5 $((limit + 15)) sipp "127.0.0.1:$port" -i 127.0.0.1 \
      -r "$rate" -m "$count" -timer_resol 1 -nostdin -trace_err -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 \
      -timeout "${limit}s" "$@" </dev/null >sipp.out 2>&1; } 2>sipp.time )
  t1=$(date +%s%N); c1=$(cpu_ticks "$spid"); b1=$(busy_ticks)
  [ -n "$probe" ] && { wait "$probe"; forget "$probe"; }
  local wall_ms=$(( (t1 - t0) / 1000000 ))
  # CPU in % of one core over the step: the server (all its processes), this SIPp client, and everything else
  # on the machine (the SIPp UAS of the call test, and whatever else runs: a busy machine shows here)
  local cpu
  cpu=$(python3 - "$d/sipp.time" "$wall_ms" $((c1 - c0)) $((b1 - b0)) "$(getconf CLK_TCK)" <<'PY'
import sys
f, wall, server, busy, hz = sys.argv[1], int(sys.argv[2]) or 1, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
try:
    u, s = open(f).read().split()[-2:]
    sipp = (float(u) + float(s)) * hz
except Exception:
    sipp = 0.0
pct = lambda ticks: "%.0f" % (ticks * 100000.0 / hz / wall)
print("server_cpu=%s sipp_cpu=%s other_cpu=%s" % (pct(server), pct(sipp), pct(max(0.0, busy - server - sipp))))
PY
)
  echo "$(python3 "$here/stats.py" "$d" "$count" "$rate") $cpu"
}

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# ramp NAME SYS SERVER_PID PORT RATES SECONDS -- sipp args...   (writes $work/NAME-SYS.steps, prints best line)
ramp() {
  local name=$1 sys=$2 spid=$3 port=$4 rates=$5 secs=$6; shift 7
  local best="" r line failed rate
  : > "$work/$name-$sys.steps"
  for r in $rates; do
    local attempt=0 suffix=""
    while :; do
      line=$(sipp_step "$work/$sys/$name-$r$suffix" "$spid" "$port" "$r" $((r * secs)) -- "$@")
      echo "  $name $sys$suffix: $line" >&2
      echo "$line" >> "$work/$name-$sys.steps"
      failed=$(field failed "$line"); rate=$(field rate "$line")
      kill -0 "$spid" 2>/dev/null || break
      if [ "$failed" = 0 ] && [ "$rate" != - ] && [ $((rate * 10)) -ge $((r * 8)) ]; then break; fi
      # one more try after a pause: on a shared machine one burst elsewhere can spoil a step
      attempt=$((attempt + 1)); suffix=-retry$attempt
      [ "$attempt" -le "${RETRY:-1}" ] || break
      sleep 5
    done
    kill -0 "$spid" 2>/dev/null || { echo "  $sys is gone (exited during the step)" >&2; echo "$sys exited during this step" >> "$work/$name-$sys.steps"; break; }
    [ "$failed" = 0 ] || break
    [ "$rate" != - ] && [ $((rate * 10)) -ge $((r * 8)) ] || { echo "  completions below 80 % of the target: stop" >&2; break; }
    best=$line
    sleep 2
  done
  echo "$best" > "$work/$name-$sys.best"
}

# run_reg SYS SERVER_PID PORT
run_reg() {
  local sys=$1 spid=$2 port=$3 cport
  read -r cport <<<"$(ports 1)"
  echo "== $sys: authenticated REGISTER ramp (${REG_SECONDS} s per step)" >&2
  PROBE_KIND=reg ramp reg "$sys" "$spid" "$port" "$REG_RATES" "$REG_SECONDS" -- \
    -sf "$here/register_auth.xml" -inf "$work/users.csv" -p "$cport"
}

# run_call SYS SERVER_PID PORT
run_call() {
  local sys=$1 spid=$2 port=$3 cport uport umedia cmedia reg
  read -r cport uport umedia cmedia <<<"$(ports 4)"
  echo "== $sys: authenticated call ramp (${CALL_SECONDS} s per step, hold ${CALL_HOLD_MS} ms)" >&2
  reg=$(PROBE_KIND= sipp_step "$work/$sys/callee-reg" "$spid" "$port" 1 1 -- -sf "$here/register_auth.xml" -inf "$work/callee.csv" -p "$uport")
  if [ "$(field ok "$reg")" != 1 ]; then
    echo "  callee registration failed: $reg" >&2
    echo "callee registration failed" > "$work/call-$sys.steps"; : > "$work/call-$sys.best"
    return
  fi
  mkdir -p "$work/$sys/uas"
  ( cd "$work/$sys/uas" && exec sipp -sf "$here/uas_answer.xml" -i 127.0.0.1 -p "$uport" -mp "$umedia" -timer_resol 1 -nostdin \
      -trace_err </dev/null >sipp.out 2>&1 ) &
  local uas=$!; pids+=("$uas")
  sleep 1
  PROBE_KIND=call ramp call "$sys" "$spid" "$port" "$CALL_RATES" "$CALL_SECONDS" -- \
    -sf "$here/uac_call_auth.xml" -default_behaviors all,-abortunexp -inf "$work/users.csv" -s "$CALLEE" -d "$CALL_HOLD_MS" -p "$cport" -mp "$cmedia"
  stop_pid "$uas"
}

# ---------------------------------------------------------------------------------------------------
# Each test gets a freshly started server (the same data/ for Patchbay: the users stay), so an overload in the
# REGISTER ramp cannot spoil the call ramp.
node=$work/patchbay-node
start_patchbay() { # sets pid; returns 1 when the node does not come up
  local opts=${PATCHBAY_OPTS:-}
  [ "${PROFILE:-0}" = 1 ] && opts="$opts -XX:StartFlightRecording=filename=$PWD/bench-sip-patchbay-$1.jfr,settings=profile"
  echo "== patchbay: starting $node (SIP udp+tcp 127.0.0.1:$sip) for the $1 test" >&2
  if ! PATCHBAY_OPTS=$opts "$node/bin/patchbay" start >"$work/patchbay-start.out" 2>&1; then
    echo "  node did not start:" >&2; tail -20 "$node/data/log/console.log" >&2
    [ -f "$node/data/patchbay.pid" ] && stop_pid "$(cat "$node/data/patchbay.pid")"
    return 1
  fi
  pid=$(cat "$node/data/patchbay.pid"); pids+=("$pid")
  patchbay_info="$(grep -ho 'Patchbay [^ ]* ready in [0-9]* ms' "$node/data/log/console.log" | tail -1), JVM options:$(tr '\0' ' ' </proc/$pid/cmdline | grep -o -- ' -X[^ ]*' | grep -v -e SharedArchiveFile -e ArchiveClassesAtExit -e 'Xlog:' -e Xshare | tr -d '\n')"
}

stop_patchbay() { # stops the node; notes in the report what went wrong in its logs
  [ "${PROFILE:-0}" = 1 ] && jcmd "$pid" JFR.dump filename="$PWD/bench-sip-patchbay-$1.jfr" >/dev/null 2>&1
  stop_pid "$pid" "$1 test"
  local f=$node/data/log/console.log
  if grep -q -E 'OutOfMemoryError|Exception in thread' "$f" 2>/dev/null; then
    grep -E 'OutOfMemoryError|Exception in thread' "$f" | sort | uniq -c | sed "s/^ */($1 test) /" >> "$work/patchbay-notes"
  fi
  grep -E ' (ERROR|WARN) ' "$node/data/log/patchbay.log" 2>/dev/null | cut -c25-330 | sort | uniq -c | sort -rn | head -5 \
    | sed "s/^/  node log ($1 test): /" >&2
  [ "${KEEP:-0}" = 1 ] && mkdir -p "$work/patchbay-logs-$1" && cp "$node/data/log/"*.log "$work/patchbay-logs-$1/" 2>/dev/null
  rm -f "$node/data/log/"*.log
}

bench_patchbay() {
  if [ ! -x "$dist/bin/patchbay" ]; then
    echo "== building the distribution (mvn -q -o verify -DskipTests)" >&2
    (cd "$top" && mvn -B -q -o verify -DskipTests) || { echo "build failed" >&2; return 1; }
  fi
  local http https telnet pid
  cp -r "$dist" "$node" && rm -rf "$node/data" && mkdir "$node/data"
  read -r http https telnet sip <<<"$(ports 4)"
  printf 'host = 127.0.0.1\nport = %s\nhttps.port = %s\n' "$http" "$https" > "$node/conf/org.patchbay.http.cfg"
  printf 'port = %s\n' "$telnet" > "$node/conf/org.patchbay.shell.telnet.cfg"
  # SIP: UDP and TCP on 127.0.0.1:$sip, serving bench.local; everything else as shipped
  printf 'host = 127.0.0.1\nudp.port = %s\ntcp.port = %s\ntls.enabled = false\ndomain = %s\n' "$sip" "$sip" "$DOMAIN" > "$node/conf/org.patchbay.sip.cfg"
  # the STUN server would take 3478 (the shipped default), which a running node may hold; it is not measured here
  printf 'enabled = false\n' > "$node/conf/org.patchbay.stun.cfg"
  if [ "${PROFILE:-0}" = 1 ]; then
    # JFR is disabled while the JVM dumps its class-data archive, which the first run of a node does at exit
    echo "== patchbay: a first start and stop to write the class-data archive (PROFILE=1)" >&2
    "$node/bin/patchbay" start >/dev/null 2>&1; "$node/bin/patchbay" stop >/dev/null 2>&1
  fi
  start_patchbay registration || return 1
  if ! python3 "$here/users.py" rest $((USERS + 1)) "$DOMAIN" "$PASSWORD" "http://127.0.0.1:$http" "$node/data/admin.token" 4; then
    # without the users every REGISTER fails, and after 10 failures the node refuses 127.0.0.1 for 5 minutes
    echo "  provisioning failed: no SIP tests against patchbay" >&2
    echo "provisioning of the users failed" > "$work/reg-patchbay.steps"; : > "$work/reg-patchbay.best"
    echo "provisioning of the users failed" > "$work/call-patchbay.steps"; : > "$work/call-patchbay.best"
    stop_patchbay registration
    return 1
  fi
  run_reg patchbay "$pid" "$sip"
  stop_patchbay registration
  start_patchbay call || return 1
  run_call patchbay "$pid" "$sip"
  stop_patchbay call
}

start_kamailio() { # sets kpid and port
  read -r port <<<"$(ports 1)"
  echo "== kamailio: starting on udp+tcp 127.0.0.1:$port for the $1 test" >&2
  # -m 256: 256 MB of shared memory (default 64 MB ran out in the call ramp after a REGISTER ramp); Patchbay's heap
  # is at most 256 MB as shipped (-XX:MaxRAM=1g)
  kamailio -f "$here/kamailio.cfg" -A SIP_PORT="$port" -m 256 -P "$work/kamailio.pid" -Y "$work" -E -DD \
    >"$work/kamailio-$1.log" 2>&1 &
  kpid=$!; pids+=("$kpid")
  for _ in $(seq 50); do
    grep -q "udp: 127.0.0.1 \[127.0.0.1\]:$port" "$work/kamailio-$1.log" 2>/dev/null && break
    kill -0 "$kpid" 2>/dev/null || break; sleep 0.1
  done
  kill -0 "$kpid" 2>/dev/null || { echo "  kamailio did not start:" >&2; tail "$work/kamailio-$1.log" >&2; return 1; }
  sleep 1
  kamailio_info="$(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //; s/ *$//'), children=2, -m 256"
}

bench_kamailio() {
  local kpid port
  start_kamailio registration || return 1
  run_reg kamailio "$kpid" "$port"
  stop_pid "$kpid"
  start_kamailio call || return 1
  run_call kamailio "$kpid" "$port"
  stop_pid "$kpid"
}

patchbay_info="" kamailio_info=""
case $which in
  both) bench_patchbay; bench_kamailio ;;
  patchbay) bench_patchbay ;;
  kamailio) bench_kamailio ;;
esac

# ---------------------------------------------------------------------------------------------------
report() {
  local systems=() s t l
  [ "$which" != kamailio ] && systems+=(patchbay)
  [ "$which" != patchbay ] && systems+=(kamailio)
  best() { cat "$work/$1-$2.best" 2>/dev/null; }
  at() { grep -m1 "^target=$3 .* failed=0 " "$work/$1-$2.steps" 2>/dev/null; } # first clean step at that rate
  rt() { [ -n "$1" ] && echo "$(field probe_p50 "$1") / $(field probe_p99 "$1")" || echo "-"; }
  ratio() {
    local a b; a=$(field rate "$(best "$1" patchbay)"); b=$(field rate "$(best "$1" kamailio)")
    python3 -c "import sys; a, b = sys.argv[1:]; print('**%.2f×**' % (float(a) / float(b)))" "${a:--}" "${b:--}" 2>/dev/null || echo "-"
  }
  row() { # title, then one cell per system, then the ratio cell when both ran
    local title=$1; shift
    local line="| $title |" c
    for c in "$@"; do line="$line $c |"; done
    echo "$line"
  }
  cells() { local f=$1 k; shift; for s in "${systems[@]}"; do "$f" "$s" "$@"; done; }
  c_rate() { local l; l=$(best "$2" "$1"); [ -n "$l" ] && echo "$(field rate "$l")/s (step $(field target "$l")/s)" || echo "none passed"; }
  c_rt_best() { rt "$(best "$2" "$1")"; }
  c_rt_at() { rt "$(at "$2" "$1" "$3")"; }
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem/{print $2}') GiB, load before the run: $load_before"
  echo "SIPp $(sipp -v 2>/dev/null | grep -o 'v[0-9.]*' | head -1), UDP on 127.0.0.1; SIPp, the probe and the system under test share the cores."
  [ -n "$patchbay_info" ] && echo "Patchbay: $patchbay_info; java $(java -version 2>&1 | head -1 | cut -d'"' -f2)."
  [ -n "$kamailio_info" ] && echo "Kamailio: $kamailio_info (bench/sip/kamailio.cfg)."
  echo
  echo "Command: \`$command_line\`"
  echo
  local head="| |" sep="|---|"
  for s in "${systems[@]}"; do head="$head $s |"; sep="$sep---|"; done
  local both=0; [ ${#systems[@]} -eq 2 ] && both=1 && head="$head patchbay / kamailio |" && sep="$sep---|"
  echo "$head"; echo "$sep"
  local r1 r2; [ $both = 1 ] && r1=$(ratio reg) && r2=$(ratio call)
  row "authenticated REGISTER/s, 0 failures" $(cells c_rate reg | tr ' ' '\a') ${r1:+"$r1"} | tr '\a' ' '
  row "REGISTER time p50 / p99 ms, at that rate" $(cells c_rt_best reg | tr ' ' '\a') ${r1:+" "} | tr '\a' ' '
  row "REGISTER time p50 / p99 ms, at ${REF_REG_RATE}/s" $(cells c_rt_at reg "$REF_REG_RATE" | tr ' ' '\a') ${r1:+" "} | tr '\a' ' '
  row "authenticated call setups/s, 0 failures" $(cells c_rate call | tr ' ' '\a') ${r2:+"$r2"} | tr '\a' ' '
  row "call setup time p50 / p99 ms, at that rate" $(cells c_rt_best call | tr ' ' '\a') ${r2:+" "} | tr '\a' ' '
  row "call setup time p50 / p99 ms, at ${REF_CALL_RATE}/s" $(cells c_rt_at call "$REF_CALL_RATE" | tr ' ' '\a') ${r2:+" "} | tr '\a' ' '
  echo
  echo "Response times from bench/sip/probe.py (one transaction at a time next to the load, µs clock): REGISTER ="
  echo "first REGISTER to the final 200; call setup = first INVITE to the 200 of the authenticated INVITE."
  echo "Every step (completed/s = completions per second; failed = not completed; SIPp p50/p99 in its 4 ms clock steps;"
  echo "CPU in % of one core: the server with all its processes, the SIPp client, and the rest of the machine, which"
  echo "includes the probe and, in the call test, the SIPp UAS):"
  echo
  echo "| system | test | target/s | completed/s | failed | retrans. | SIPp p50 / p99 ms | probe p50 / p99 ms (n) | server CPU % | SIPp CPU % | rest CPU % |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for s in "${systems[@]}"; do
    for t in reg call; do
      while read -r l; do
        [ -z "$l" ] && continue
        case $l in target=*) ;; *) echo "| $s | $t | $l | | | | | | | | |"; continue ;; esac
        echo "| $s | $t | $(field target "$l") | $(field rate "$l") | $(field failed "$l") | $(field retrans "$l") | $(field p50 "$l") / $(field p99 "$l") | $(field probe_p50 "$l") / $(field probe_p99 "$l") ($(field probe_n "$l")$( [ "$(field probe_fail "$l")" != 0 ] && echo ", $(field probe_fail "$l") failed")) | $(field server_cpu "$l") | $(field sipp_cpu "$l") | $(field other_cpu "$l") |"
      done < "$work/$t-$s.steps" 2>/dev/null
    done
  done
  if [ -s "$work/patchbay-notes" ]; then
    echo
    echo "Patchbay's console during the run (count, test, line):"
    echo
    sed 's/^/    /' "$work/patchbay-notes"
  fi
}
report > "$work/report.md"
echo
cat "$work/report.md"

docs=$top/docs/BENCHMARKS.md
if [ "${DOCS:-1}" != 0 ] && [ "$which" = both ] && [ -f "$docs" ]; then
  python3 - "$docs" "$work/report.md" <<'EOF'
import sys
docs, rep = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(docs).read()
begin, end = "<!-- bench/sip.sh: begin generated -->", "<!-- bench/sip.sh: end generated -->"
block = begin + "\n" + rep + "\n" + end
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n## SIP: registrations and calls, side by side with Kamailio\n\n" + block + "\n"
open(docs, "w").write(text)
print("updated " + docs, file=sys.stderr)
EOF
fi

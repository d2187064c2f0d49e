#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The side-by-side benchmark: every scenario against Confab (in memory, and with a SQLite data
# folder), Node socket.io 4 and python-socketio 5, then a table with Confab/Node and
# Confab/python ratios and the issue's targets.
#
#   tests/bench/run.sh [--quick] [--record] [--only "confab-mem node ..."]
#
#   --quick    small N for a smoke run (under two minutes)
#   --record   also write the report to tests/bench/RESULTS.md
#   --only     a subset of the servers: confab-mem confab-mem-qt confab-sqlite node python
#              (confab-mem-qt: confab-server in memory on --websocket-engine qt)
#
# Builds confab-server and confab-bench (Release, Ninja, -j2) in $CONFAB_BENCH_BUILD_DIR
# (default <repo>/build-bench) when needed; CONFAB_BENCH_SOURCE_DIR configures from another
# source tree. Every server is started fresh on a free loopback port for every run and stopped
# afterwards, even on failure. Results (JSON lines, server logs, report) go to
# $CONFAB_BENCH_BUILD_DIR/bench-results/<time>/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SOURCE=${CONFAB_BENCH_SOURCE_DIR:-$ROOT}
BUILD=${CONFAB_BENCH_BUILD_DIR:-$ROOT/build-bench}
PYTHON=/usr/bin/python3 # Debian's, with python3-socketio and python3-aiohttp
QUICK=0
RECORD=0
SERVERS="confab-mem confab-mem-qt confab-sqlite node python"
COMMAND="tests/bench/run.sh $*"

while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --record) RECORD=1 ;;
        --only) SERVERS=$2; shift ;;
        -h|--help) sed -n '3,19p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- build and dependencies ------------------------------------------------------------------
# The README's set-up: installs what is missing (apt as root, socket.io with npm) and does
# nothing when everything is there, so a fresh clone can run this at once.
"$ROOT/scripts/dev.sh" deps
command -v node >/dev/null || { echo "run.sh: node is missing" >&2; exit 1; }
"$PYTHON" -c 'import socketio, aiohttp' 2>/dev/null \
    || { echo "run.sh: $PYTHON lacks python3-socketio / python3-aiohttp" >&2; exit 1; }
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring $BUILD"
    cmake -S "$SOURCE" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if ! cmake --build "$BUILD" --target confab-server confab-bench -- -j2 >"$BUILD/bench-build.log" 2>&1; then
    tail -20 "$BUILD/bench-build.log" >&2
    echo "run.sh: build failed (is tests/bench wired into tests/CMakeLists.txt?)" >&2
    exit 1
fi
CONFAB_SERVER=$(find "$BUILD" -name confab-server -type f -perm -u+x | head -1)
BENCH=$(find "$BUILD" -name confab-bench -type f -perm -u+x | head -1)
[ -x "$CONFAB_SERVER" ] && [ -x "$BENCH" ] || { echo "run.sh: binaries not found in $BUILD" >&2; exit 1; }

# Each process has its own descriptor limit: raise the soft one for the servers started here.
ulimit -n "$(ulimit -Hn)"

OUT=$BUILD/bench-results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"

# ---- the matrix ------------------------------------------------------------------------------
# Same ping settings for every server.
if [ $QUICK = 1 ]; then
    PING_INTERVAL=2000; PING_TIMEOUT=4000; HOLD=6
    CONNECT_NS="200"
    ECHO_CASES="20:50"
    FANOUT_CASES="50:100:0 50:100:50"
else
    PING_INTERVAL=5000; PING_TIMEOUT=10000; HOLD=30
    CONNECT_NS="1000 5000 10000"
    ECHO_CASES="20:500 200:200"             # clients:messages each
    FANOUT_CASES="200:1000:0 200:500:100 1000:200:0 1000:100:20" # clients:messages:rate (0 = full)
fi
# confab-server accepts at most --rate-limit 100000 (per client per second; bursts of 2x).
CONFAB_RATE=100000
# Every generated client comes from 127.0.0.1 and the largest case opens 10000 sessions: lift
# the session caps and the total send budget (a fan-out to 1000 clients owes 1000 times each
# message in one pass), and keep the 64 MiB a client may fall behind by before the caps existed.
CONFAB_LIMITS=(--max-sessions-per-address 0 --max-sessions 0 --max-send-queue 67108864
    --max-send-total 0)

SERVER_PID=
SERVER_DATA=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
    if [ -n "$SERVER_DATA" ]; then rm -rf "$SERVER_DATA"; SERVER_DATA=; fi
}
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT TERM

# start_server LABEL LOG: sets SERVER_PID and SERVER_PORT.
start_server() {
    local label=$1 logfile=$2
    local ping=(--ping-interval "$PING_INTERVAL" --ping-timeout "$PING_TIMEOUT")
    case $label in
        confab-mem)
            "$CONFAB_SERVER" --host 127.0.0.1 --port 0 --data :memory: \
                --rate-limit "$CONFAB_RATE" "${CONFAB_LIMITS[@]}" "${ping[@]}" >"$logfile" 2>&1 &
            ;;
        confab-mem-qt)
            "$CONFAB_SERVER" --host 127.0.0.1 --port 0 --data :memory: --websocket-engine qt \
                --rate-limit "$CONFAB_RATE" "${CONFAB_LIMITS[@]}" "${ping[@]}" >"$logfile" 2>&1 &
            ;;
        confab-sqlite)
            SERVER_DATA=$(mktemp -d "${TMPDIR:-/tmp}/confab-bench-data.XXXXXX")
            "$CONFAB_SERVER" --host 127.0.0.1 --port 0 --data "$SERVER_DATA" \
                --rate-limit "$CONFAB_RATE" "${CONFAB_LIMITS[@]}" "${ping[@]}" >"$logfile" 2>&1 &
            ;;
        node) node "$HERE/node_server.js" --port 0 "${ping[@]}" >"$logfile" 2>&1 & ;;
        python) "$PYTHON" "$HERE/python_server.py" --port 0 "${ping[@]}" >"$logfile" 2>&1 & ;;
        *) echo "run.sh: unknown server $label" >&2; return 1 ;;
    esac
    SERVER_PID=$!
    SERVER_PORT=
    for _ in $(seq 200); do
        SERVER_PORT=$(grep -oE '^PORT [0-9]+|127\.0\.0\.1:[0-9]+' "$logfile" 2>/dev/null \
                      | head -1 | grep -oE '[0-9]+$' || true)
        [ -n "$SERVER_PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "run.sh: $label did not start; see $logfile" >&2
    tail -5 "$logfile" >&2 || true
    return 1
}

# run_case LABEL CASE-ID generator-args...
run_case() {
    local label=$1 case_id=$2; shift 2
    local logfile=$OUT/$label-$case_id.log json=$OUT/$label-$case_id.json
    log "$case_id on $label"
    if ! start_server "$label" "$logfile"; then
        echo "{\"server\":\"$label\",\"case\":\"$case_id\",\"error\":\"server did not start\"}" >>"$RESULTS"
        cleanup
        return 0
    fi
    if timeout 900 "$BENCH" --port "$SERVER_PORT" --server-pid "$SERVER_PID" \
            --ping-interval "$PING_INTERVAL" --label "$label" --out "$json" "$@" \
            >"$OUT/$label-$case_id.bench.out" 2>&1 \
        && [ -s "$json" ]; then
        "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["case"]=sys.argv[2]; print(json.dumps(d))' \
            "$json" "$case_id" >>"$RESULTS"
    else
        echo "{\"server\":\"$label\",\"case\":\"$case_id\",\"error\":\"generator failed (see $label-$case_id.bench.out)\"}" >>"$RESULTS"
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "$label died during $case_id"
    fi
    cleanup
}

log "servers: $SERVERS; results in $OUT"
START=$(date +%s)
# Scenarios outside, servers inside: background load drifts, so interleave the servers.
for n in $CONNECT_NS; do
    for s in $SERVERS; do run_case "$s" "connect-$n" --scenario connect --clients "$n" --hold "$HOLD"; done
done
for c in $ECHO_CASES; do
    IFS=: read -r clients messages <<<"$c"
    for s in $SERVERS; do run_case "$s" "echo-$clients" --scenario echo --clients "$clients" --messages "$messages"; done
done
for c in $FANOUT_CASES; do
    IFS=: read -r clients messages rate <<<"$c"
    if [ "$rate" = 0 ]; then id="fanout-$clients-full"; else id="fanout-$clients-rate$rate"; fi
    for s in $SERVERS; do
        run_case "$s" "$id" --scenario fanout --clients "$clients" --messages "$messages" --rate "$rate"
    done
done
log "all runs took $(( $(date +%s) - START )) s"

"$PYTHON" "$HERE/report.py" --results "$RESULTS" --command "$COMMAND" \
    --quick "$QUICK" --ping "$PING_INTERVAL/$PING_TIMEOUT" >"$OUT/RESULTS.md"
cat "$OUT/RESULTS.md"
if [ $RECORD = 1 ]; then
    cp "$OUT/RESULTS.md" "$HERE/RESULTS.md"
    log "wrote $HERE/RESULTS.md"
fi

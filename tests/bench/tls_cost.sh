#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What TLS costs the host, per connection and per message: the same confab-bench scenarios
# over ws:// and wss:// on the same port, on both WebSocket engines. On demand, like run.sh.
#   tests/bench/tls_cost.sh BUILD_DIR [CLIENTS] [ECHO_MESSAGES]
set -euo pipefail
BUILD=${1:?build dir}
CLIENTS=${2:-1000}
MESSAGES=${3:-2000}
SERVER=$(find "$BUILD" -name confab-server -type f -perm -u+x | head -1)
BENCH=$(find "$BUILD" -name confab-bench -type f -perm -u+x | head -1)
OUT=$(mktemp -d "${TMPDIR:-/tmp}/confab-tls-cost.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT

run() { # engine tls scenario args...
    local engine=$1 tls=$2 name=$3; shift 3
    "$SERVER" --host 127.0.0.1 --port 0 --data :memory: --websocket-engine "$engine" \
        --rate-limit 100000 --max-sessions-per-address 0 --max-sessions 0 \
        --ping-interval 5000 --ping-timeout 10000 >"$OUT/server.log" 2>&1 &
    PID=$!
    local port=
    for _ in $(seq 100); do
        port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$OUT/server.log" | head -1 | cut -d: -f2 || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    local flag=()
    [ "$tls" = tls ] && flag=(--tls)
    "$BENCH" --port "$port" --server-pid "$PID" --ping-interval 5000 "${flag[@]}" \
        --label "$engine-$tls" --out "$OUT/$name-$engine-$tls.json" "$@" >/dev/null 2>&1 || true
    kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true
    PID=
}

for engine in native qt; do
    for tls in plain tls; do
        run "$engine" "$tls" connect --scenario connect --clients "$CLIENTS" --hold 5
        run "$engine" "$tls" echo --scenario echo --clients 10 --messages "$MESSAGES"
        run "$engine" "$tls" fanout --scenario fanout --clients 200 --messages 200
    done
done
/usr/bin/python3 - "$OUT" <<'PY'
import glob, json, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.json'))):
    r = json.load(open(path))
    keep = {k: v for k, v in r.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    print(os.path.basename(path)[:-5], json.dumps(keep))
PY
echo "results in $OUT"

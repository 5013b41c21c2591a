#!/usr/bin/env bash
# Requests per second of GET /healthz, GET /s/{token} and POST /s/{token} (each POST a fresh,
# valid token) against a release build on loopback, measured in one run with wrk, with each
# rate as a ratio to /healthz. synchronous=FULL (the default). Needs wrk (Debian).
# Usage: Benchmarks/survey-http.sh [seconds per route, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-32}
threads=2
port=18080

swift build -c release --product rida >/dev/null
rida=$PWD/.build/release/rida
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$rida" init --db "$work/bench.sqlite" >/dev/null
# Enough fresh tokens for the POST run (more than the server can take in the time given).
for _ in $(seq 1 20); do
    "$rida" issue --db "$work/bench.sqlite" --department registration --channel office --count 10000 --format csv \
        --base-url "http://127.0.0.1:$port" | tail -n +2 | cut -d, -f1 | tr -d '\r' >>"$work/tokens"
done
"$rida" serve --db "$work/bench.sqlite" --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.2; done

rate() {  # prints requests/second
    wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'
}
health=$(rate "http://127.0.0.1:$port/healthz")
form=$(THREADS=$threads MODE=get TOKENS="$work/tokens" rate -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
post=$(THREADS=$threads MODE=post TOKENS="$work/tokens" rate -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
stored=$(sqlite3 "$work/bench.sqlite" "SELECT count(*) FROM response" 2>/dev/null || echo "?")

printf '%-22s %12s %10s\n' route "requests/s" "vs healthz"
printf '%-22s %12s %10s\n' "GET /healthz" "$health" "1.00"
printf '%-22s %12s %10.2f\n' "GET /s/{token}" "$form" "$(echo "$form / $health" | bc -l)"
printf '%-22s %12s %10.2f\n' "POST /s/{token}" "$post" "$(echo "$post / $health" | bc -l)"
echo "responses stored: $stored (each POST a distinct token; ${connections} connections, ${duration}s per route)"

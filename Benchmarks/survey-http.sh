#!/usr/bin/env bash
# Requests per second of GET /healthz, GET /s/{token} and POST /s/{token} (each POST a fresh,
# valid token) against a release build on loopback, measured in one run with wrk, with each
# rate as a ratio to /healthz. synchronous=FULL (the default). Needs wrk (Debian).
# The three routes are measured in turn, round after round, and each ratio is taken within its
# round: a shared machine's speed drifts, and this keeps the comparison side by side. The table
# gives the median of the rounds.
# Usage: Benchmarks/survey-http.sh [seconds per route and round, default 10] [connections, default 32] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-32}
rounds=${3:-3}
threads=2
port=18080

# RIDA_BIN names another build to measure (say, to compare two side by side).
if [ -n "${RIDA_BIN:-}" ]; then
    rida=$RIDA_BIN
else
    swift build -c release --product rida >/dev/null
    rida=$PWD/.build/release/rida
fi
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$rida" init --db "$work/bench.sqlite" >/dev/null
# Fresh tokens for each round's POSTs, more than the server can take in the time given
# (15,000 a second), in a file per round so that no round meets a token an earlier one used.
per_round=$((duration * 15000))
for round in $(seq 1 "$rounds"); do
    for _ in $(seq 1 $(((per_round + 9999) / 10000))); do
        "$rida" issue --db "$work/bench.sqlite" --department registration --channel office --count 10000 --format csv \
            --base-url "http://127.0.0.1:$port" | tail -n +2 | cut -d, -f1 | tr -d '\r' >>"$work/tokens-$round"
    done
done
"$rida" serve --db "$work/bench.sqlite" --port "$port" --base-url "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.2; done

rate() {  # prints requests/second
    wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf '%-7s %12s %12s %12s %10s %10s\n' round healthz form post form/hz post/hz >&2
healths=() forms=() posts=() formRatios=() postRatios=()
for round in $(seq 1 "$rounds"); do
    health=$(rate "http://127.0.0.1:$port/healthz")
    form=$(THREADS=$threads MODE=get TOKENS="$work/tokens-$round" rate -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
    post=$(THREADS=$threads MODE=post TOKENS="$work/tokens-$round" rate -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
    healths+=("$health") forms+=("$form") posts+=("$post")
    formRatios+=("$(echo "$form / $health" | bc -l)") postRatios+=("$(echo "$post / $health" | bc -l)")
    printf '%-7s %12s %12s %12s %10.2f %10.2f\n' "$round" "$health" "$form" "$post" "${formRatios[-1]}" "${postRatios[-1]}" >&2
done
stored=$(sqlite3 "$work/bench.sqlite" "SELECT count(*) FROM response" 2>/dev/null || echo "?")

printf '%-22s %12s %10s\n' route "requests/s" "vs healthz"
printf '%-22s %12s %10s\n' "GET /healthz" "$(printf '%s\n' "${healths[@]}" | median)" "1.00"
printf '%-22s %12s %10.2f\n' "GET /s/{token}" "$(printf '%s\n' "${forms[@]}" | median)" "$(printf '%s\n' "${formRatios[@]}" | median)"
printf '%-22s %12s %10.2f\n' "POST /s/{token}" "$(printf '%s\n' "${posts[@]}" | median)" "$(printf '%s\n' "${postRatios[@]}" | median)"
echo "medians of $rounds rounds (ratios within each round); responses stored: $stored (each POST a distinct token); ${connections} connections, ${duration}s per route and round"

#!/usr/bin/env bash
# Requests per second of the survey's routes against a release build on loopback, with wrk,
# each as a ratio to a route that touches no database — an unknown path (404, through the same
# middleware), the ceiling of the HTTP layer on this machine — and to `GET /healthz` (answered by
# the process alone). Routes: the ceiling, /healthz, GET /s/{token} (the form) and POST /s/{token}
# (each a fresh, valid token), with synchronous=FULL (the default), at each connection count of
# $CONNECTIONS (default "16 64"). Routes are measured in turn, round after round, and each ratio is
# taken within its round (a shared machine's speed drifts; this keeps the comparison side by
# side); the table gives the median of the rounds. Needs wrk (Debian).
# Usage: Benchmarks/survey-http.sh [seconds per route and round, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
rounds=${2:-3}
read -r -a counts <<<"${CONNECTIONS:-16 64}"
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
# Fresh tokens for each round's GETs and POSTs, more than the server can take in the time given
# (8,000 a second), in a file per connection count and round so that no POST meets a token an
# earlier one used (a used token is a cheaper page).
per_round=$((duration * 8000))
for connections in "${counts[@]}"; do
    for round in $(seq 1 "$rounds"); do
        for _ in $(seq 1 $(((per_round + 9999) / 10000))); do
            "$rida" issue --db "$work/bench.sqlite" --department registration --channel office --count 10000 --format csv \
                --base-url "http://127.0.0.1:$port" | tail -n +2 | cut -d, -f1 | tr -d '\r' >>"$work/tokens-$connections-$round"
        done
    done
done
"$rida" serve --db "$work/bench.sqlite" --port "$port" --base-url "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.2; done

rate() {  # prints requests/second; $1 is the connection count
    local connections=$1
    shift
    wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { echo "$1 / $2" | bc -l; }
declare -A table
printf '%-5s %-6s %10s %10s %10s %10s %8s %8s %8s %8s\n' conns round ceiling healthz form post hz/ceil form/ceil post/ceil post/hz >&2
for connections in "${counts[@]}"; do
    ceilings=() healths=() forms=() posts=() hzRatios=() formRatios=() postRatios=() postHz=()
    for round in $(seq 1 "$rounds"); do
        tokens="$work/tokens-$connections-$round"
        ceiling=$(rate "$connections" "http://127.0.0.1:$port/no-such-route")
        health=$(rate "$connections" "http://127.0.0.1:$port/healthz")
        form=$(THREADS=$threads MODE=get TOKENS="$tokens" rate "$connections" -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
        post=$(THREADS=$threads MODE=post TOKENS="$tokens" rate "$connections" -s Benchmarks/submissions.lua "http://127.0.0.1:$port")
        ceilings+=("$ceiling") healths+=("$health") forms+=("$form") posts+=("$post")
        hzRatios+=("$(ratio "$health" "$ceiling")") formRatios+=("$(ratio "$form" "$ceiling")")
        postRatios+=("$(ratio "$post" "$ceiling")") postHz+=("$(ratio "$post" "$health")")
        printf '%-5s %-6s %10s %10s %10s %10s %8.2f %8.2f %8.2f %8.2f\n' "$connections" "$round" "$ceiling" "$health" "$form" "$post" \
            "${hzRatios[-1]}" "${formRatios[-1]}" "${postRatios[-1]}" "${postHz[-1]}" >&2
    done
    table[$connections]=$(
        printf '%-5s %-28s %12s %10s\n' "$connections" "GET /no-such-route (404)" "$(printf '%s\n' "${ceilings[@]}" | median)" "1.00"
        printf '%-5s %-28s %12s %10.2f\n' "$connections" "GET /healthz" "$(printf '%s\n' "${healths[@]}" | median)" "$(printf '%s\n' "${hzRatios[@]}" | median)"
        printf '%-5s %-28s %12s %10.2f\n' "$connections" "GET /s/{token}" "$(printf '%s\n' "${forms[@]}" | median)" "$(printf '%s\n' "${formRatios[@]}" | median)"
        printf '%-5s %-28s %12s %10.2f\n' "$connections" "POST /s/{token}" "$(printf '%s\n' "${posts[@]}" | median)" "$(printf '%s\n' "${postRatios[@]}" | median)"
    )
done
stored=$(sqlite3 "$work/bench.sqlite" "SELECT count(*) FROM response" 2>/dev/null || echo "?")

printf '%-5s %-28s %12s %10s\n' conns route "requests/s" "vs ceiling"
for connections in "${counts[@]}"; do printf '%s\n' "${table[$connections]}"; done
echo "medians of $rounds rounds (ratios within each round); responses stored: $stored (each POST a distinct token); connections ${counts[*]}, ${duration}s per route and round"

#!/usr/bin/env bash
# Instructions the server spends per request, counted by valgrind's callgrind (repeatable on a
# noisy machine, unlike timings): a route that touches no database (an unknown path, 404), the
# form of an open survey link (GET /s/{token}, one indexed read) and the form's difference to the
# ceiling, which is what the read itself costs. One server under callgrind per build; counting is
# switched on only around each batch of requests (one keep-alive connection, exactly N requests).
# Usage: Benchmarks/read-path-callgrind.sh [requests per route, default 2000] [rida binary ...]
# With several binaries (say a baseline and a change), each is measured in turn on a copy of the
# same database, and the table has a column per build.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}
shift || true
if [ $# -eq 0 ]; then
    swift build -c release --product rida >/dev/null
    set -- "$PWD/.build/release/rida"
fi
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null || { echo "needs valgrind (Debian)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
port=18090
"$1" init --db "$work/base.sqlite" >/dev/null
"$1" issue --db "$work/base.sqlite" --department registration --channel office --count 100 --format csv \
    --base-url "http://127.0.0.1:$port" | tail -n +2 | cut -d, -f1 | tr -d '\r' >"$work/tokens"

# Exactly N GETs of one path on one keep-alive connection; fails on an unexpected status.
cat >"$work/client.py" <<'EOF'
import http.client, sys
port, path, count, expected = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(count):
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != expected:
        sys.exit(f"{path}: {response.status}, expected {expected}")
EOF

declare -A results
builds=()
for binary in "$@"; do
    label=$(basename "$(dirname "$(dirname "$(dirname "$binary")")")")/$(basename "$binary")
    builds+=("$label")
    cp "$work/base.sqlite" "$work/db.sqlite"
    cp "$work/base.sqlite.key" "$work/db.sqlite.key"
    rm -f "$work"/callgrind.out.* "$work"/done-*
    valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$work/callgrind.out.%p" \
        "$binary" serve --db "$work/db.sqlite" --port "$port" --base-url "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.2; done
    token=$(head -1 "$work/tokens")
    # Warm both paths (caches, the blank form) before counting.
    python3 "$work/client.py" "$port" /no-such-route 50 404
    python3 "$work/client.py" "$port" "/s/$token" 50 200
    for route in ceiling form; do
        case $route in
            ceiling) path=/no-such-route expected=404 ;;
            form) path=/s/$token expected=200 ;;
        esac
        callgrind_control -z "$server" >/dev/null
        callgrind_control -i on "$server" >/dev/null
        python3 "$work/client.py" "$port" "$path" "$requests" "$expected"
        callgrind_control -i off "$server" >/dev/null
        callgrind_control -d "$route" "$server" >/dev/null
        sleep 1
        file=$(ls -t "$work"/callgrind.out.* | head -1)
        total=$(grep -E '^(summary|totals):' "$file" | head -1 | awk '{print $2}')
        results["$label|$route"]=$((total / requests))
        mv "$file" "$work/done-$route-$(date +%s%N)"
    done
    kill "$server"
    wait "$server" 2>/dev/null || true
done

printf '%-34s' "instructions per request"
for build in "${builds[@]}"; do printf ' %22s' "$build"; done
printf '\n'
for route in ceiling form; do
    printf '%-34s' "$([ $route = ceiling ] && echo 'GET /no-such-route (404)' || echo 'GET /s/{token} (the form)')"
    for build in "${builds[@]}"; do printf ' %22s' "${results[$build|$route]}"; done
    printf '\n'
done
printf '%-34s' "the read (form − ceiling)"
for build in "${builds[@]}"; do printf ' %22s' "$((results[$build|form] - results[$build|ceiling]))"; done
printf '\n'
echo "$requests requests per route on one keep-alive connection, counted by callgrind (all threads of the server)"

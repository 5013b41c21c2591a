#!/usr/bin/env bash
# Time of GET /api/v1/analytics for a 24-month analysis by department × channel (CSAT, NPS, CES
# and response rate, with intervals, trends, change points, control charts and comparisons),
# beside DuckDB's time for the equivalent plain GROUP BY (counts, means, top-2-box) over the same
# responses, and SQLite's GROUP BY over Rida's raw tables — for each demo size, in one run.
# Medians of repeated requests; loading DuckDB is not timed. Needs sqlite3 (Debian), duckdb (PyPI).
# Usage: Benchmarks/analytics.sh [responses ...]   (default: 1000000 10000000)
# Demo databases are kept in $RIDA_BENCH_DIR (default /tmp/rida-bench) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
work=${RIDA_BENCH_DIR:-/tmp/rida-bench}
mkdir -p "$work"
repeats=7
port=18081
python3 -c "import duckdb" 2>/dev/null || python3 -m pip install --quiet duckdb

swift build -c release --product rida >/dev/null
rida=$PWD/.build/release/rida
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null || true' EXIT

rows=()
for size in "${sizes[@]}"; do
    db="$work/demo-$size.sqlite"
    if [ ! -s "$db" ] || [ "$(sqlite3 "$db" 'SELECT count(*) FROM response' 2>/dev/null || echo 0)" != "$size" ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        echo "writing $size demo responses (24 months to 2026-10) to $db" >&2
        "$rida" demo --db "$db" --synchronous normal --responses "$size" --months 24 --end-month 2026-10 --seed 42 >/dev/null
    fi
    key=$("$rida" apikey create --db "$db" --name "bench-$(date +%s%N)" --role analyst | grep -o 'rida_[0-9A-Za-z]*' | head -1)
    rm -rf "$work/reports-$size"
    "$rida" serve --db "$db" --port "$port" --base-url "http://127.0.0.1:$port" --reports "$work/reports-$size" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
    # At start the server writes the reports of every frozen month: time the API once it is done.
    for _ in $(seq 1 1200); do grep -q "report set" "$work/serve.log" && break; sleep 0.5; done
    url="http://127.0.0.1:$port/api/v1/analytics?from=2024-11&to=2026-10&by=department,channel&metric=csat,nps,ces,response-rate"
    curl -fs -o /dev/null -H "Authorization: Bearer $key" "$url"   # warm-up
    times=()
    for _ in $(seq 1 $repeats); do
        times+=("$(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $key" "$url")")
    done
    rida_time=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (repeats + 1) / 2 ))p")
    kill $server; wait $server 2>/dev/null || true; server=""
    read -r duck_time sqlite_time < <(python3 Benchmarks/analytics_duckdb.py "$db" 2024-11-01 2026-10-31 5)
    rows+=("$size $rida_time $duck_time $sqlite_time")
done

printf '%-12s %14s %12s %14s %14s\n' responses "rida API (s)" "duckdb (s)" "sqlite (s)" "rida/duckdb"
first_time=""
for row in "${rows[@]}"; do
    read -r size rida_time duck_time sqlite_time <<<"$row"
    printf '%-12s %14.4f %12.4f %14.4f %14.2f\n' "$size" "$rida_time" "$duck_time" "$sqlite_time" "$(echo "$rida_time / $duck_time" | bc -l)"
    [ -z "$first_time" ] && first_time=$rida_time && first_size=$size
done
if [ ${#rows[@]} -gt 1 ]; then
    read -r size rida_time _ <<<"${rows[-1]}"
    printf 'rida at %s responses / rida at %s: %.2f\n' "$size" "$first_size" "$(echo "$rida_time / $first_time" | bc -l)"
fi

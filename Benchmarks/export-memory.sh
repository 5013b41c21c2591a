#!/usr/bin/env bash
# Peak memory and time of `rida export responses` over a demo database (default 1M responses),
# beside `sqlite3 -csv` writing the same columns, measured in one run with /usr/bin/time -v.
# Usage: Benchmarks/export-memory.sh [responses, default 1000000]
# Demo databases are kept in $RIDA_BENCH_DIR (default /tmp/rida-bench) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1000000}
work=${RIDA_BENCH_DIR:-/tmp/rida-bench}
mkdir -p "$work"
swift build -c release --product rida >/dev/null
rida=$PWD/.build/release/rida
db="$work/demo-$size.sqlite"
if [ ! -s "$db" ] || [ "$(sqlite3 "$db" 'SELECT count(*) FROM response' 2>/dev/null || echo 0)" != "$size" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    "$rida" demo --db "$db" --synchronous normal --responses "$size" --months 24 --end-month 2026-10 --seed 42 >/dev/null
fi
"$rida" init --db "$db" >/dev/null   # brings an older database to the current schema
# Answers are a JSON object in each response row: item id -> value, or "na".
items=$(sqlite3 "$db" "SELECT DISTINCT answer.key FROM response, json_each(response.answers) AS answer ORDER BY 1" | tr '\n' ' ')
pivot=""
for item in $items; do pivot+=", json_extract(response.answers, '\$.\"$item\"') AS \"$item\""; done
query="SELECT response.day, department.code, channel.code, segment.code, service.code, response.locale,
    questionnaire_version.questionnaire, questionnaire_version.version, response.source $pivot,
    (SELECT body FROM response_text WHERE response_text.response_id = response.id) AS suggestion
FROM response
JOIN department ON department.id = response.department_id JOIN channel ON channel.id = response.channel_id
LEFT JOIN segment ON segment.id = response.segment_id LEFT JOIN service ON service.id = response.service_id
JOIN questionnaire_version ON questionnaire_version.id = response.questionnaire_version_id
ORDER BY response.id"

measure() {  # prints: seconds peak-MB rows
    local out=$1; shift
    /usr/bin/time -v "$@" >"$out" 2>"$work/time.log" || { cat "$work/time.log" >&2; exit 1; }
    local seconds peak
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$work/time.log")
    peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/time.log")
    echo "$seconds $peak $(wc -l <"$out")"
}
read -r rida_s rida_mb rida_rows < <(measure "$work/export.csv" "$rida" export responses --db "$db")
read -r sqlite_s sqlite_mb sqlite_rows < <(measure "$work/sqlite.csv" sqlite3 -csv "$db" "$query")
printf '%-34s %10s %12s %12s\n' command seconds "peak MB" "lines"
printf '%-34s %10s %12s %12s\n' "rida export responses" "$rida_s" "$rida_mb" "$rida_rows"
printf '%-34s %10s %12s %12s\n' "sqlite3 -csv (same columns)" "$sqlite_s" "$sqlite_mb" "$sqlite_rows"
echo "responses: $size; rida leaves out responses of department × channel months with fewer than 5 (see its standard error)"

#!/usr/bin/env bash
# Times `rida demo` (release build) for each size given (default: 100000 and 1000000
# responses over 24 months) and prints a table: wall time, peak memory, database size.
# Usage: Benchmarks/demo-write.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

swift build -c release --product rida >/dev/null
binary=.build/release/rida
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%-12s %-12s %-10s %-14s %-10s\n' responses invitations seconds "peak RSS MB" "file MB"
for n in "${sizes[@]}"; do
    db="$work/demo-$n.sqlite"
    /usr/bin/time -v "$binary" demo --db "$db" --responses "$n" --months 24 --seed 42 --end-month 2026-10 >"$work/out" 2>"$work/time"
    seconds=$(grep 'Elapsed (wall clock)' "$work/time" | awk -F': ' '{print $2}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(grep 'Maximum resident set size' "$work/time" | awk -F': ' '{printf "%.0f", $2 / 1024}')
    invitations=$(grep -o 'and [0-9]* invitations' "$work/out" | awk '{print $2}')
    size=$(du -m "$db" | awk '{print $1}')
    printf '%-12s %-12s %-10s %-14s %-10s\n' "$n" "$invitations" "$seconds" "$rss" "$size"
done

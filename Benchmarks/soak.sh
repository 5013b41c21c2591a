#!/usr/bin/env bash
# Bounded soak: the server's memory over time under a mixed load, and after it. Builds a release
# rida, writes a demo database, issues invitations and API keys, starts `rida serve` and, for
# --minutes, drives with wrk (Benchmarks/soak.lua) at once:
#   - questionnaire reads, GET /s/{token}, of open invitations in the languages on offer;
#   - submissions, POST /s/{token}, each with a fresh token, at a bounded rate (--post-rate);
#   - unknown tokens, GET /s/{random}, from another client address (::1; 404, then 429), when
#     the server can listen on both 127.0.0.1 and ::1, else left out (they would block the
#     survey load, which shares 127.0.0.1);
#   - the operator's and analysts' side, in turn: /healthz, /metrics, /openapi.yaml, analytics,
#     report files, the admin dashboard and sign-in page, improvement actions, follow-ups,
#     the audit log, invitations issued through the API.
# Every --interval seconds it prints the server's VmRSS and VmHWM (/proc/PID/status), its
# anonymous and file-backed resident memory, and the requests answered so far (from /metrics),
# and goes on sampling for --after minutes once the load has stopped. The verdict line gives the
# growth of RSS per minute over the second half of the load (a least-squares slope).
#
# Usage: Benchmarks/soak.sh [--minutes N (10)] [--after N (2)] [--interval S (30)]
#          [--responses N (20000, the demo's size)] [--post-rate N (200 a second)]
#          [--connections N (16, for the questionnaire reads)] [--trim] [--keep]
#   --trim  once the sampling is over, reads SQLite's heap and glibc's in-use bytes in the server
#           (through gdb), has it call malloc_trim(0), and reads them again: memory that comes
#           back was free in the allocator, not leaked. Needs gdb.
#   --keep  keeps the working directory (database, server log, wrk output).
# RIDA_BIN names another build to measure. The server inherits the environment, so
# MALLOC_ARENA_MAX=2 Benchmarks/soak.sh measures it with fewer glibc arenas. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10 after=2 interval=30 responses=20000 post_rate=200 connections=16 trim=0 keep=0
while [ $# -gt 0 ]; do
    case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --responses) responses=$2; shift 2 ;;
    --post-rate) post_rate=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --trim) trim=1; shift ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
    esac
done
port=${RIDA_SOAK_PORT:-18090}
base=http://127.0.0.1:$port

if [ -n "${RIDA_BIN:-}" ]; then
    rida=$RIDA_BIN
else
    swift build -c release --product rida >/dev/null
    rida=$PWD/.build/release/rida
fi
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    jobs -p | xargs -r kill 2>/dev/null || true
    if [ "$keep" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
db=$work/soak.sqlite
log() { echo "[$(date +%T)] $*" >&2; }

log "demo database: $responses responses"
"$rida" demo --db "$db" --synchronous normal --responses "$responses" --months 12 --seed 1 >/dev/null
# Fresh tokens for every submission the load can make, and a set of open ones to read forms of.
posts=$((minutes * 60 * post_rate * 11 / 10 + 1000))
log "issuing $posts invitations to submit and 2000 to read"
issue() {  # count file
    local left=$1
    while [ "$left" -gt 0 ]; do
        local n=$((left > 10000 ? 10000 : left))
        "$rida" issue --db "$db" --department registration --channel office --count "$n" --format csv --base-url "$base" \
            | tail -n +2 | cut -d, -f1 | tr -d '\r' >>"$2"
        left=$((left - n))
    done
}
issue "$posts" "$work/post-tokens"
issue 2000 "$work/form-tokens"
key() { "$rida" apikey create --db "$db" --name "soak-$1" --role "$1" 2>/dev/null; }
admin=$(key admin) analyst=$(key analyst) issuer=$(key issuer)

# Listening on :: takes IPv4 (as ::ffff:127.0.0.1) and ::1 alike, so unknown tokens can come
# from a client address of their own.
host="::"
"$rida" serve --db "$db" --host "$host" --port "$port" --base-url "$base" --reports "$work/reports" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
if ! curl -fs "$base/healthz" >/dev/null 2>&1; then
    log "the server did not start on $host; trying 127.0.0.1 (no unknown-token load)"
    kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
    host=127.0.0.1
    "$rida" serve --db "$db" --host "$host" --port "$port" --base-url "$base" --reports "$work/reports" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
fi
unknown_url=""
if [ "$host" = "::" ] && curl -fs "http://[::1]:$port/healthz" >/dev/null 2>&1; then unknown_url="http://[::1]:$port"; fi

# An admin session for the dashboard: the sign-in form's double-submit token, then the key.
curl -s -c "$work/cookies" "$base/admin/login?lang=en" >"$work/login.html"
login_token=$(grep -o 'name="login_token" value="[^"]*"' "$work/login.html" | sed 's/.*value="//; s/"$//' | head -1)
curl -s -b "$work/cookies" -c "$work/cookies" -o /dev/null --data-urlencode "login_token=$login_token" --data-urlencode "key=$admin" \
    "$base/admin/login?lang=en"
session=$(awk '$6 == "rida_session" {print $7}' "$work/cookies")
[ -n "$session" ] || log "no admin session (the dashboard will answer with the sign-in page)"

# The operator's and analysts' requests, in turn. The server writes last month's report itself
# once it is frozen (503 report_pending until then): wait for it, then it is served from the
# reports folder.
month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
from=$(date -d "$(date +%Y-%m-01) -6 month" +%Y-%m)
month_first=$(date -d "$(date +%Y-%m-01) -1 month" +%F) month_last=$(date -d "$(date +%Y-%m-01) -1 day" +%F)
for _ in $(seq 120); do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $analyst" "$base/api/v1/reports/$month/manifest.json")
    [ "$status" = 503 ] || break
    sleep 5
done
tab=$'\t'
{
    echo "GET${tab}/healthz"
    echo "GET${tab}/metrics${tab}Authorization: Bearer $admin"
    echo "GET${tab}/openapi.yaml"
    echo "GET${tab}/api/v1/analytics?from=$from&to=$month&by=department,channel${tab}Authorization: Bearer $analyst"
    echo "GET${tab}/api/v1/reports/$month/review.en.html${tab}Authorization: Bearer $analyst"
    echo "GET${tab}/api/v1/reports/$month/aggregates.csv${tab}Authorization: Bearer $analyst"
    echo "GET${tab}/admin?lang=en${tab}Cookie: rida_session=$session"
    echo "GET${tab}/admin/login?lang=ar"
    echo "GET${tab}/api/v1/actions${tab}Authorization: Bearer $analyst"
    echo "GET${tab}/api/v1/follow-ups?limit=50${tab}Authorization: Bearer $admin"
    echo "GET${tab}/api/v1/audit?limit=50${tab}Authorization: Bearer $admin"
    echo "POST${tab}/api/v1/invitations${tab}Authorization: Bearer $issuer|Content-Type: application/json${tab}{\"department\":\"registration\",\"channel\":\"phone\",\"count\":2}"
    echo "GET${tab}/api/v1/analytics?from=$month_first&to=$month_last&by=channel&period=week${tab}Authorization: Bearer $analyst"
    echo "GET${tab}/healthz"
    echo "GET${tab}/nowhere"
} >"$work/requests"

status() { awk -v p="$1" '/^[A-Za-z]/ && $0 ~ ("^" p ":") {print $2 / 1024}' "/proc/$server/status"; }
answered() {  # requests the server has answered, from its own counters
    curl -s -m 5 -H "Authorization: Bearer $admin" "$base/metrics" \
        | awk '/^rida_http_requests_total\{/ {n += $NF} END {printf "%d", n}'
}

log "load: ${minutes} min (questionnaires ${connections} connections; submissions up to ${post_rate}/s; unknown tokens: ${unknown_url:-left out}; operators 2 connections), then ${after} min idle"
post_connections=8
post_delay=$((1000 * post_connections / post_rate))
wrk_run() {  # name url [wrk options...] — CLASS and the rest come from the environment
    local name=$1 url=$2; shift 2
    wrk -t1 --timeout 30s -d"${minutes}m" -s Benchmarks/soak.lua "$@" "$url" >"$work/wrk-$name.out" 2>&1 &
}
start_rss=$(status VmRSS)
CLASS=form THREADS=2 TOKENS=$work/form-tokens wrk -t2 --timeout 30s -c"$connections" -d"${minutes}m" -s Benchmarks/soak.lua "$base" \
    >"$work/wrk-form.out" 2>&1 &
CLASS=post THREADS=1 TOKENS=$work/post-tokens DELAY_MS=$post_delay wrk_run post "$base" -c"$post_connections"
[ -n "$unknown_url" ] && CLASS=unknown THREADS=1 DELAY_MS=5 wrk_run unknown "$unknown_url" -c2
CLASS=list THREADS=1 REQUESTS=$work/requests wrk_run ops "$base" -c2

printf '%6s %7s %9s %9s %9s %9s %12s %8s  %s\n' time minute "RSS MB" "HWM MB" "anon MB" "file MB" requests "req/s" phase
samples=$work/samples
: >"$samples"
t0=$(date +%s)
load_end=$((t0 + minutes * 60))
end=$((load_end + after * 60))
previous=0 previous_t=$t0
while :; do
    now=$(date +%s)
    [ "$now" -gt "$end" ] && break
    kill -0 "$server" 2>/dev/null || { log "the server exited"; tail -20 "$work/server.log" >&2; exit 1; }
    elapsed=$((now - t0))
    phase=load; [ "$now" -ge "$load_end" ] && phase=after
    done_requests=$(answered)
    rate=$(( (done_requests - previous) / (now > previous_t ? now - previous_t : 1) ))
    previous=$done_requests previous_t=$now
    rss=$(status VmRSS) hwm=$(status VmHWM) anon=$(status RssAnon) file=$(status RssFile)
    printf '%3d:%02d %7.2f %9.1f %9.1f %9.1f %9.1f %12d %8d  %s\n' $((elapsed / 60)) $((elapsed % 60)) "$(echo "$elapsed / 60" | bc -l)" \
        "$rss" "$hwm" "$anon" "$file" "$done_requests" "$rate" "$phase"
    echo "$elapsed $rss $phase $done_requests" >>"$samples"
    sleep "$interval"
done
wait_for_wrk() { for pid in $(jobs -p); do [ "$pid" = "$server" ] || wait "$pid" 2>/dev/null || true; done; }
wait_for_wrk

if [ "$trim" = 1 ]; then
    # In the server, through gdb: SQLite's own heap (page caches, statements), glibc's totals
    # (malloc_stats writes them to the server's standard error), then malloc_trim(0).
    probe() {
        gdb -p "$server" -batch -ex 'call (long long) sqlite3_memory_used()' -ex 'call (void) malloc_stats()' 2>/dev/null \
            | awk '/^\$1 = / {printf "SQLite heap %.1f MB", $3 / 1048576}'
        sleep 0.5
        awk '/^Total \(incl. mmap\)/ {total = 1; next} total && /system bytes/ {taken = $4} total && /in use bytes/ {used = $5; total = 0}
            END {printf "; malloc: %.1f MB taken from the system, %.1f MB of it in use\n", taken / 1048576, used / 1048576}' "$work/server.log"
    }
    printf "before malloc_trim: RSS %.1f MB; %s\n" "$(status VmRSS)" "$(probe)"
    gdb -p "$server" -batch -ex 'call (int) malloc_trim(0)' >/dev/null 2>&1 || log "gdb could not attach"
    sleep 1
    printf "after malloc_trim:  RSS %.1f MB; %s\n" "$(status VmRSS)" "$(probe)"
fi

echo
echo "responses by status (wrk):"
cat "$work"/wrk-*.out | awk '/^status / {printf "  %-8s %s %9d\n", $2, $3, $4}' | sort
grep -h "Requests/sec\|requests in\|Socket errors" "$work"/wrk-*.out | sed 's/^/  /'
stored=$(sqlite3 "$db" "SELECT count(*) FROM response" 2>/dev/null || echo "?")
echo "responses stored: $stored (demo $responses); database $(du -m "$db" | cut -f1) MB, log $(du -m "$db-wal" 2>/dev/null | cut -f1 || echo 0) MB"
awk -v minutes="$minutes" -v start="$start_rss" '
    $3 == "load" && $1 >= minutes * 30 { n++; x = $1 / 60; sx += x; sy += $2; sxx += x * x; sxy += x * $2; last = $2; lastreq = $4; if (n == 1) { firstreq = $4; first = $2 } }
    $3 == "load" { peak = ($2 > peak) ? $2 : peak }
    $3 == "after" { after = $2 }
    END {
        slope = (n > 1 && n * sxx - sx * sx > 0) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
        perm = (lastreq > firstreq) ? (last - first) / ((lastreq - firstreq) / 1e6) : 0
        printf "verdict: RSS %.1f MB before the load, %.1f MB at its peak, %.1f MB after it; second half of the load: %+.2f MB/min (%+.1f MB per million requests, %d samples)\n", start, peak, after, slope, perm, n
    }' "$samples"

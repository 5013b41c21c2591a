#!/usr/bin/env bash
# Rida behind the nginx site of deploy/nginx/rida.conf, for real: a self-signed certificate, the
# shipped site file with only its ports, paths and one header changed, a live `rida serve` with a
# small demo database, and curl as the beneficiaries.
#
# It checks that the site is valid nginx (also inside Debian's own nginx.conf, when run as root),
# that plain http is redirected, that survey pages are proxied over TLS (form, submission, thank-you
# page), that the access log holds no token, and that the throttle counts failed lookups against
# the forwarded client address, not the proxy's: a guesser is slowed (429) while another client
# behind the same proxy gets its form, submits it and gets an honest 404 for a mistyped link, and
# the guesser's own valid link is still served.
#
# Usage: bash Tests/deploy/nginx_test.sh PATH/TO/rida
# Needs nginx (Debian's nginx-light is enough), openssl, curl and python3.
# RIDA_NGINX_TEST_TRUSTED_PROXY  CIDR given to `rida serve --trusted-proxy` (default 127.0.0.1/32);
#                                empty: no --trusted-proxy (for a build without the option)
# RIDA_NGINX_TEST_KEEP=1         keep the temporary directory (logs, configuration, database)
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: bash Tests/deploy/nginx_test.sh PATH/TO/rida" >&2
    exit 2
fi
rida=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
site=$repo/deploy/nginx/rida.conf
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in "$nginx" openssl curl python3; do
    command -v "$tool" >/dev/null || { echo "nginx_test: $tool is missing (Debian: nginx-light, openssl, curl, python3)" >&2; exit 2; }
done
trusted_proxy=${RIDA_NGINX_TEST_TRUSTED_PROXY-127.0.0.1/32}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    if [ "${RIDA_NGINX_TEST_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

results=()
failed=0
# record PASS|FAIL NAME DETAIL
record() {
    results+=("$1|$2|${3:-}")
    [ "$1" = PASS ] || [ "$1" = SKIP ] || failed=1
}
# expect NAME EXPECTED ACTUAL
expect() {
    if [ "$2" = "$3" ]; then record PASS "$1" "$3"; else record FAIL "$1" "expected $2, got $3"; fi
}
fatal() {
    echo "nginx_test: $* (RIDA_NGINX_TEST_KEEP=1 keeps the logs and configuration)" >&2
    for log in "$work"/{demo,issue,serve,nginx,nginx-t}.log "$work/logs/error.log"; do
        [ -s "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
    done
    exit 1
}

# --- The shipped site file -------------------------------------------------------------------
grep -qF 'proxy_set_header X-Forwarded-For $remote_addr;' "$site" \
    && record PASS "site sets X-Forwarded-For to \$remote_addr" \
    || record FAIL "site sets X-Forwarded-For to \$remote_addr" "not in $site"
for line in 'server_tokens off;' 'client_max_body_size 256k;' 'proxy_read_timeout 120s;' 'proxy_set_header Forwarded "";'; do
    grep -qF "$line" "$site" && record PASS "site has $line" || record FAIL "site has $line" "not in $site"
done

# --- Ports, certificate, test copy of the site -----------------------------------------------
read -r http_port tls_port rida_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.log" || fatal "openssl could not make a certificate"
mkdir -p "$work/logs" "$work/acme"

# The test copy: loopback ports, no IPv6 listeners, the temporary certificate and logs. And one
# change that exists ONLY here: X-Forwarded-For is taken from the test client's X-Test-Client
# header instead of $remote_addr, because every curl here comes from 127.0.0.1 and the test needs
# several clients behind the proxy. The shipped file sets it to $remote_addr (checked above).
sed -e "s#^\(\s*\)listen 80;#\1listen 127.0.0.1:$http_port;#" \
    -e "s#^\(\s*\)listen 443 ssl http2;#\1listen 127.0.0.1:$tls_port ssl http2;#" \
    -e '/listen \[::\]/d' \
    -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$rida_port;#" \
    -e "s#/etc/letsencrypt/live/survey.example.org/fullchain.pem#$work/cert.pem#" \
    -e "s#/etc/letsencrypt/live/survey.example.org/privkey.pem#$work/key.pem#" \
    -e "s#/var/log/nginx/#$work/logs/#g" \
    -e "s#/var/www/letsencrypt#$work/acme#" \
    -e 's|proxy_set_header X-Forwarded-For $remote_addr;|proxy_set_header X-Forwarded-For $http_x_test_client;  # TEST ONLY|' \
    "$site" >"$work/rida.conf"
for wanted in "listen 127.0.0.1:$http_port;" "listen 127.0.0.1:$tls_port ssl http2;" "server 127.0.0.1:$rida_port;" \
    "$work/cert.pem;" "$work/key.pem;" "$work/logs/rida.access.log" 'X-Forwarded-For $http_x_test_client;'; do
    grep -qF -- "$wanted" "$work/rida.conf" || fatal "the test copy of $site lacks '$wanted': the site file changed shape; update this test"
done
grep -v '^\s*#' "$work/rida.conf" | grep -q 'listen \[::\]\|:8080\|/etc/letsencrypt\|/var/log/nginx' && fatal "the test copy of $site still names a system path or port"

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
mime_line=""
[ -f /etc/nginx/mime.types ] && mime_line="include /etc/nginx/mime.types;"
cat >"$work/nginx.conf" <<EOF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log info;
events { worker_connections 256; }
http {
    $mime_line
    default_type application/octet-stream;
    client_body_temp_path $work/tmp-body;
    proxy_temp_path $work/tmp-proxy;
    fastcgi_temp_path $work/tmp-fastcgi;
    uwsgi_temp_path $work/tmp-uwsgi;
    scgi_temp_path $work/tmp-scgi;
    include $work/rida.conf;
}
EOF
if "$nginx" -t -p "$work" -e "$work/logs/error.log" -c "$work/nginx.conf" >"$work/nginx-t.log" 2>&1; then
    record PASS "nginx -t of the site (test copy)"
else
    record FAIL "nginx -t of the site (test copy)" "$(tail -1 "$work/nginx-t.log")"
    fatal "nginx does not accept the site"
fi

# The site as Debian installs it: inside /etc/nginx/nginx.conf (a copy), as the only site.
if [ "$(id -u)" = 0 ] && [ -f /etc/nginx/nginx.conf ]; then
    mkdir -p "$work/debian"
    cp -r /etc/nginx/. "$work/debian/"
    rm -f "$work/debian/sites-enabled/"*
    sed -e "s#/etc/letsencrypt/live/survey.example.org/fullchain.pem#$work/cert.pem#" \
        -e "s#/etc/letsencrypt/live/survey.example.org/privkey.pem#$work/key.pem#" \
        -e "s#/var/log/nginx/#$work/logs/debian-#g" "$site" >"$work/debian/sites-enabled/rida.conf"
    sed -i -e "s#/etc/nginx/#$work/debian/#g" -e "s#^pid .*#pid $work/debian.pid;#" "$work/debian/nginx.conf"
    if "$nginx" -t -p /usr/share/nginx/ -e "$work/logs/error.log" -c "$work/debian/nginx.conf" >"$work/nginx-debian.log" 2>&1; then
        record PASS "nginx -t of the site in Debian's nginx.conf"
    else
        record FAIL "nginx -t of the site in Debian's nginx.conf" "$(grep emerg "$work/nginx-debian.log" | head -1)"
    fi
else
    record SKIP "nginx -t of the site in Debian's nginx.conf" "needs root and /etc/nginx"
fi

# --- Rida: demo data, links, the server ------------------------------------------------------
db=$work/rida.sqlite
base=https://127.0.0.1:$tls_port
"$rida" demo --db "$db" --seeds "$repo/seeds" --responses 2000 --months 2 >"$work/demo.log" 2>&1 \
    || fatal "rida demo failed"
"$rida" issue --db "$db" --seeds "$repo/seeds" --base-url "$base" --department beneficiary-services --channel web \
    --count 3 --format json >"$work/links.json" 2>"$work/issue.log" || fatal "rida issue failed"
# One token and link per line; the JSON is read from its first brace (warnings may come before it).
python3 - "$work/links.json" >"$work/links.txt" <<'EOF' || fatal "rida issue printed no invitations"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
issued, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
for invitation in issued["invitations"]:
    print(invitation["token"], invitation["url"])
EOF
mapfile -t links <"$work/links.txt"
[ ${#links[@]} -eq 3 ] || fatal "rida issue gave ${#links[@]} links, not 3"
read -r token_first url_first <<<"${links[0]}"
read -r token_guesser url_guesser <<<"${links[1]}"
read -r token_other url_other <<<"${links[2]}"
case $url_first in
    "$base/s/$token_first"*) record PASS "links are built from --base-url" "$url_first" ;;
    *) record FAIL "links are built from --base-url" "$url_first" ;;
esac

serve_flags=(--db "$db" --seeds "$repo/seeds" --templates "$repo/Templates" --reports "$work/Reports"
    --host 127.0.0.1 --port "$rida_port" --base-url "$base")
[ -n "$trusted_proxy" ] && serve_flags+=(--trusted-proxy "$trusted_proxy")
"$rida" serve "${serve_flags[@]}" >"$work/serve.log" 2>&1 &
pids+=($!)
serve_pid=$!
for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$rida_port/healthz" && break
    kill -0 "$serve_pid" 2>/dev/null || fatal "rida serve exited"
    sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$rida_port/healthz" || fatal "rida serve did not answer /healthz"

"$nginx" -p "$work" -e "$work/logs/error.log" -c "$work/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
nginx_pid=$!
for _ in $(seq 1 40); do
    curl -s -o /dev/null --cacert "$work/cert.pem" "$base/healthz" && break
    kill -0 "$nginx_pid" 2>/dev/null || fatal "nginx exited"
    sleep 0.25
done

# --- Requests through nginx ------------------------------------------------------------------
# fetch OUT METHOD URL CLIENT [BODY_FILE] [EXTRA_CURL_ARGS...]: OUT.body, OUT.head, and
# "status wait http_version" in OUT.meta, where wait is the time from the request sent to the
# answer's first byte (without connecting and TLS, which many curls at once slow down).
fetch() {
    local out=$1 method=$2 url=$3 client=$4 body=${5:-}
    shift 5 2>/dev/null || shift $#
    local args=(-sS -o "$out.body" -D "$out.head" -w '%{http_code} %{time_pretransfer} %{time_starttransfer} %{http_version}' --cacert "$work/cert.pem"
        --max-time 30 -X "$method" -H "X-Test-Client: $client")
    [ -n "$body" ] && args+=(--data-binary "@$body" -H "Content-Type: application/x-www-form-urlencoded")
    local meta
    meta=$(curl "${args[@]}" "$@" "$url" 2>"$out.err") || meta="000 0 0 0"
    awk '{printf "%s %.3f %s\n", $1, $3 - $2, $4}' <<<"$meta" >"$out.meta"
}
status() { cut -d' ' -f1 "$1.meta"; }
seconds() { cut -d' ' -f2 "$1.meta"; }
header() { grep -i "^$2:" "$1.head" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

# fill_form PAGE_URL OUT: reads OUT.body (the questionnaire), writes OUT.form (an answer to every
# required item, the first value of each, and the hidden fields) and prints the URL to post to.
fill_form() {
    python3 - "$1" "$2.body" "$2.form" <<'EOF'
import sys, urllib.parse
from html.parser import HTMLParser
page_url, html_file, form_file = sys.argv[1:]
class Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.required = None, [], {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "radio" and "required" in a and a.get("name"):
            self.required.setdefault(a["name"], a.get("value", ""))
form = Form()
form.feed(open(html_file, encoding="utf-8").read())
if form.action is None or not form.required:
    sys.exit("no questionnaire form with a required item")
with open(form_file, "w") as out:
    out.write(urllib.parse.urlencode(form.fields + list(form.required.items())))
print(urllib.parse.urljoin(page_url, form.action))
EOF
}

# answer NAME URL CLIENT TOKEN: the form (200), a submission (303 to its thank-you page), that page (200).
answer() {
    local name=$1 url=$2 client=$3 token=$4
    local out=$work/answer-$client
    fetch "$out" GET "$url" "$client"
    expect "$name: form" 200 "$(status "$out")"
    local action
    if ! action=$(fill_form "$url" "$out" 2>"$out.parse"); then
        record FAIL "$name: submission" "$(tail -1 "$out.parse")"
        return
    fi
    fetch "$out.post" POST "$action" "$client" "$out.form"
    local location
    location=$(header "$out.post" location)
    case "$(status "$out.post") $location" in
        "303 /s/$token/thanks"* | "303 $base/s/$token/thanks"*) record PASS "$name: submission" "303 $location" ;;
        *) record FAIL "$name: submission" "$(status "$out.post") $location" ;;
    esac
    fetch "$out.thanks" GET "$base/s/$token/thanks" "$client"
    expect "$name: thank-you page" 200 "$(status "$out.thanks")"
}

fetch "$work/redirect" GET "http://127.0.0.1:$http_port/s/$token_first" 10.0.0.1
location=$(header "$work/redirect" location)
case "$(status "$work/redirect") $location" in
    "301 https://"*) record PASS "http is redirected to https" "301 $location" ;;
    *) record FAIL "http is redirected to https" "$(status "$work/redirect") $location" ;;
esac

fetch "$work/healthz" GET "$base/healthz" 10.0.0.1
expect "GET /healthz over TLS" 200 "$(status "$work/healthz")"
if curl -V | grep -q HTTP2; then
    expect "HTTP/2 over TLS" 2 "$(cut -d' ' -f3 "$work/healthz.meta")"
fi
expect "Server header without version" nginx "$(header "$work/healthz" server)"
[ -n "$(header "$work/healthz" strict-transport-security)" ] \
    && record PASS "Strict-Transport-Security" "$(header "$work/healthz" strict-transport-security)" \
    || record FAIL "Strict-Transport-Security" "absent"
fetch "$work/readyz" GET "$base/readyz" 10.0.0.1
if [ "$(status "$work/readyz")" = 200 ] && grep -q '"status":"ready"' "$work/readyz.body"; then
    record PASS "GET /readyz over TLS" "200 ready"
else
    record FAIL "GET /readyz over TLS" "$(status "$work/readyz") $(head -c 80 "$work/readyz.body")"
fi

answer "client 10.0.0.1 over TLS" "$url_first" 10.0.0.1 "$token_first"

# The guesser: unknown tokens (well-formed, random) from 10.0.0.66. The first 10 failures are
# free (404); then each is answered later, with 429 and Retry-After.
unknown_tokens() { python3 -c '
import secrets, sys
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
for _ in range(int(sys.argv[1])): print("".join(secrets.choice(alphabet) for _ in range(26)))' "$1"; }
mapfile -t guesses < <(unknown_tokens 40)
statuses=()
for i in $(seq 0 11); do
    fetch "$work/guess-$i" GET "$base/s/${guesses[$i]}" 10.0.0.66
    statuses+=("$(status "$work/guess-$i")")
done
expect "guesser: first 10 unknown tokens 404" "404 404 404 404 404 404 404 404 404 404" "${statuses[*]:0:10}"
expect "guesser: 11th and 12th unknown tokens 429" "429 429" "${statuses[*]:10:2}"
if [ -n "$(header "$work/guess-10" retry-after)" ]; then
    record PASS "guesser: 429 carries Retry-After" "$(header "$work/guess-10" retry-after)"
else
    record FAIL "guesser: 429 carries Retry-After" "absent"
fi
if python3 -c "import sys; sys.exit(0 if float('$(seconds "$work/guess-11")') >= 0.2 else 1)"; then
    record PASS "guesser: 12th failure answered later" "$(seconds "$work/guess-11") s"
else
    record FAIL "guesser: 12th failure answered later" "$(seconds "$work/guess-11") s"
fi
# A burst of 28 at once: at most 4 answers are held back (each for a second or more by now), the
# others are 429 at once. On a loaded machine "at once" can take a while, so only half of the burst
# is required to be answered within a second: a server that held every answer would fail.
burst=()
for i in $(seq 12 39); do
    fetch "$work/guess-$i" GET "$base/s/${guesses[$i]}" 10.0.0.66 &
    burst+=($!)
done
wait "${burst[@]}"
burst_statuses=$(for i in $(seq 12 39); do status "$work/guess-$i"; done | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
expect "guesser: burst of 28 unknown tokens all 429" "429×28 " "$burst_statuses"
quick=$(for i in $(seq 12 39); do cat "$work/guess-$i.meta"; done | awk '$1 == 429 && $2 < 1 {n++} END {print n+0}')
if [ "$quick" -ge 14 ]; then record PASS "guesser: burst mostly refused at once" "$quick of 28 were 429 within 1 s"
else record FAIL "guesser: burst mostly refused at once" "$quick of 28 were 429 within 1 s"; fi

# Another client behind the same proxy, while the guesser is slowed.
answer "client 10.0.0.7 beside the guesser" "$url_other" 10.0.0.7 "$token_other"
fetch "$work/other-unknown" GET "$base/s/$(unknown_tokens 1)" 10.0.0.7
expect "client 10.0.0.7: a mistyped link is 404, not 429" 404 "$(status "$work/other-unknown")"

# The guesser's own valid link is served; its guessing is still slowed, whatever it claims.
answer "guesser's valid link" "$url_guesser" 10.0.0.66 "$token_guesser"
fetch "$work/guess-again" GET "$base/s/$(unknown_tokens 1)" 10.0.0.66
expect "guesser: still 429" 429 "$(status "$work/guess-again")"
fetch "$work/guess-forged" GET "$base/s/$(unknown_tokens 1)" 10.0.0.66 "" \
    -H "X-Forwarded-For: 10.0.0.99" -H "Forwarded: for=10.0.0.98"
expect "guesser: a forged X-Forwarded-For or Forwarded changes nothing" 429 "$(status "$work/guess-forged")"

# The access log: requests are there, tokens are not.
sleep 0.5
log=$work/logs/rida.access.log
leaked=0
for token in "$token_first" "$token_guesser" "$token_other" "${guesses[@]}"; do
    grep -qiF "$token" "$log" && leaked=$((leaked + 1))
done
if [ "$leaked" = 0 ] && grep -qF '/s/{token}' "$log"; then
    record PASS "access log holds no token" "$(grep -c . "$log") lines"
else
    record FAIL "access log holds no token" "$leaked tokens found in $log"
fi

# --- Summary ---------------------------------------------------------------------------------
echo
printf '%-6s %-62s %s\n' result check detail
for line in "${results[@]}"; do
    IFS='|' read -r result name detail <<<"$line"
    printf '%-6s %-62s %s\n' "$result" "$name" "$detail"
done
if [ "$failed" != 0 ]; then
    echo "nginx_test: FAILED (RIDA_NGINX_TEST_KEEP=1 keeps the logs and configuration)" >&2
    exit 1
fi
echo "nginx_test: all checks passed"

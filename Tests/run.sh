#!/usr/bin/env bash
# Every test: the Swift tests, then the real-browser test of the survey pages (headless Chromium,
# Selenium, axe-core). `.ci/run` installs what the browser test needs.
set -euo pipefail
cd "$(dirname "$0")/.."

swift test "$@"

if ! command -v chromedriver >/dev/null || ! python3 -c "import selenium, axe_selenium_python" 2>/dev/null; then
    echo "The browser test needs Debian's chromium and chromium-driver and PyPI's selenium and axe-selenium-python;" >&2
    echo "bash .ci/run installs them." >&2
    exit 1
fi
swift build --product rida
python3 Tests/browser/survey_in_browser.py "$(swift build --show-bin-path)/rida"

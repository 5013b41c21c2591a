#!/usr/bin/env python3
"""The monthly review reads as its reader needs, in Arabic and English, in headless Chromium.

Builds the demo database (its default size, 24 months ending 2026-10), writes the month's reports
and checks, for review.ar.html and review.en.html:

- it prints in at most 12 A4 pages (Page.printToPDF, pages counted with pdfinfo);
- the first three of the findings to discuss are on the first screen, without scrolling, at
  1280x900 and at 360x800; at most five are listed there, each unit and measure once;
- every "Evidence" link leads to an element of the page, and following it opens the collapsed
  control chart it points to;
- every finding has its own id, once; the questions for the improvement conversation are printed
  once, not per finding;
- 360 CSS pixels wide, with every collapsed part opened, nothing makes the page scroll sideways;
  what may scroll sideways (wide tables) is a labelled region reachable from the keyboard;
- within a unit, no comment is shown twice.

Usage: review_reader.py PATH/TO/rida   (run from the repository root; SCREENSHOTS=dir keeps screenshots)
"""
import base64
import os
import shutil
import sys
import tempfile

from harness import A4, browser, check, failures, page_count, rida
from selenium.webdriver.common.by import By

QUESTIONS = {
    "en": "Which step of the procedure do the item scores and comments point to?",
    "ar": "إلى أي خطوة من إجراءات الخدمة تشير درجات البنود والملاحظات؟",
}


def first_screen(driver, path, width, height, name, shots):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.get("file://" + path)
    leading = driver.find_elements(By.CSS_SELECTOR, "ol.leading > li")
    bottoms = [driver.execute_script("return arguments[0].getBoundingClientRect().bottom", item) for item in leading[:3]]
    check(len(leading) >= 3, f"{name}: {len(leading)} findings to discuss, the demo has more than three")
    check(all(bottom <= height for bottom in bottoms), f"{name} at {width}x{height}: the first three findings end at {bottoms}, below the first screen")
    if shots:
        driver.save_screenshot(os.path.join(shots, f"{os.path.basename(path)}-{width}.png"))
    return bottoms


def check_review(driver, directory, language, shots):
    path = os.path.join(directory, f"review.{language}.html")
    name = f"review.{language}.html"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.get("file://" + path)
    result = driver.execute_cdp_cmd("Page.printToPDF", A4)
    pdf_path = os.path.join(directory, f"review.{language}.pdf")
    with open(pdf_path, "wb") as handle:
        handle.write(base64.b64decode(result["data"]))
    pages = page_count(pdf_path)
    check(pages <= 12, f"{name}: prints on {pages} A4 pages, at most 12")

    desktop = first_screen(driver, path, 1280, 900, name, shots)
    phone = first_screen(driver, path, 360, 800, name, shots)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.get("file://" + path)

    leading = driver.find_elements(By.CSS_SELECTOR, "ol.leading > li")
    check(len(leading) <= 5, f"{name}: {len(leading)} findings on the first screen, at most 5")
    titles = [item.find_element(By.TAG_NAME, "strong").text for item in leading]
    check(len(set(titles)) == len(titles), f"{name}: a finding is listed twice: {titles}")
    ids = driver.execute_script("return [...document.querySelectorAll('[id^=finding-]')].map(e => e.id)")
    check(len(ids) == len(set(ids)) and len(ids) >= len(leading), f"{name}: finding ids {ids}")
    html = open(path, encoding="utf-8").read()
    check(html.count(QUESTIONS[language]) == 1, f"{name}: the questions appear {html.count(QUESTIONS[language])} times, expected once")

    targets = [link.get_attribute("href").split("#", 1)[1] for link in driver.find_elements(By.CSS_SELECTOR, "ol.leading a")]
    check(len(targets) == len(leading), f"{name}: {len(targets)} evidence links for {len(leading)} findings")
    for target in targets:
        driver.get("file://" + path + "#" + target)
        state = driver.execute_script(
            """const t = document.getElementById(arguments[0]); if (!t) return null;
               const d = t.closest('details'); const r = t.getBoundingClientRect();
               return [d ? d.open : true, Math.round(r.top), t.tagName]""",
            target,
        )
        check(state is not None, f"{name}: the evidence link #{target} leads nowhere")
        if state:
            check(state[0], f"{name}: following #{target} leaves its chart collapsed")
            check(state[2].lower() == "figure", f"{name}: #{target} is a {state[2]}, not a chart")
            check(-2 <= state[1] <= 900, f"{name}: #{target} is not scrolled into view ({state[1]})")

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    driver.get("file://" + path)
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 360, f"{name}: {width} px wide at 360 px with everything opened (sideways scrolling)")
    regions = driver.execute_script(
        """return [...document.querySelectorAll('.scroll')].map(r => [r.getAttribute('role'), r.tabIndex,
             (document.getElementById(r.getAttribute('aria-labelledby') || '') || {}).textContent || r.getAttribute('aria-label') || ''])"""
    )
    bad = [region for region in regions if region[0] != "region" or region[1] != 0 or not region[2].strip()]
    check(regions and not bad, f"{name}: scrolling regions without role, keyboard focus or name: {bad[:3]}")
    duplicates = driver.execute_script(
        """return [...document.querySelectorAll('.comment-group')].map(g => [...g.querySelectorAll('.comments bdi')].map(b => b.textContent.trim().toLowerCase()))
             .filter(texts => new Set(texts).size != texts.length).length"""
    )
    check(duplicates == 0, f"{name}: {duplicates} units show a comment twice")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    print(f"  {name}: {pages} A4 pages; first three findings end at {[round(b) for b in desktop]} px (1280x900) and "
          f"{[round(b) for b in phone]} px (360x800); {len(targets)} evidence links open their chart; {len(regions)} labelled scroll regions; {width} px at 360 px")


def main():
    work = tempfile.mkdtemp()
    shots = os.environ.get("SCREENSHOTS")
    try:
        demo = os.path.join(work, "demo.sqlite")
        rida("demo", "--db", demo, "--end-month", "2026-10")
        report = os.path.join(work, "2026-10")
        rida("report", "--db", demo, "--period", "2026-10", "--out", report)
        driver = browser()
        try:
            for language in ("ar", "en"):
                check_review(driver, report, language, shots)
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"review reader test: {len(failures)} failure(s)")
        sys.exit(1)
    print("review reader test: passed")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The board pack prints on one A4 page, in Arabic and English, and reads on a phone.

Builds the demo database (24 months ending 2026-10, seed 7) and a database imported from a CSV
in which every department differs sharply from the others in the last month (many findings),
writes each month's reports, and in headless Chromium (Selenium):

- prints board.ar.html and board.en.html with Page.printToPDF on A4 and counts the pages
  (pdfinfo, else the PDF's /Type /Page objects): exactly 1, the "Printable on one A4 page." note on it;
- finds at most five findings, and, when the review has more, the sentence saying how many more;
- finds a small trend chart (inline SVG) per headline measure, no script and nothing fetched;
- lays the page out 360 CSS pixels wide: document.documentElement.scrollWidth <= 360.

Usage: board_one_page.py PATH/TO/rida   (run from the repository root)
"""
import base64
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import A4, browser, check, failures, page_count, rida
from selenium.webdriver.common.by import By

DEPARTMENTS = ["beneficiary-services", "social-research", "registration", "gift-distribution", "volunteering", "donor-relations"]
CHANNELS = ["office", "phone", "social", "letter", "web"]
ITEMS = ["overall", "courtesy", "time", "clarity", "referral", "decision", "speed", "ease", "recommend"]



def planted_import(path):
    """13 months of 12 responses per department x channel; in 2026-10 the departments alternate
    between all-best and all-worst answers, so each one stands out on every measure."""
    months = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "department", "channel", "segment", "service", "locale", *ITEMS])
        k = 0
        for month in months:
            for d, department in enumerate(DEPARTMENTS):
                for channel in CHANNELS:
                    for i in range(12):
                        day = f"{month}-{1 + (i * 2 + d) % 28:02d}"
                        if month == months[-1]:
                            best = d % 2 == 0
                            answers = ["5" if best else "1"] * 7 + ["7" if best else "1", "10" if best else "0"]
                        else:
                            answers = [str(1 + (k * 3 + j) % 5) for j in range(7)] + [str(1 + (k * 5) % 7), str((k * 4) % 11)]
                        writer.writerow([day, department, channel, "", "", "en", *answers])
                        k += 1


def check_board(driver, directory, language, label):
    path = os.path.join(directory, f"board.{language}.html")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.get("file://" + path)
    name = f"{label} board.{language}.html"
    html = open(path, encoding="utf-8").read()
    check("<script" not in html.lower(), f"{name}: has a script")
    check(not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), f"{name}: fetches something")

    cards = driver.find_elements(By.CSS_SELECTOR, ".board-cards .card")
    check(len(cards) == 4, f"{name}: {len(cards)} headline measures, expected 4")
    charts = driver.find_elements(By.CSS_SELECTOR, ".board-cards .card svg")
    for card in cards:
        # A measure with a value this month has its trend chart (a response rate of imports alone has none).
        if re.search(r"\d", card.find_element(By.CSS_SELECTOR, ".value").text):
            check(card.find_elements(By.CSS_SELECTOR, "svg"), f"{name}: no trend chart for {card.find_element(By.TAG_NAME, 'h3').text}")
    findings = driver.find_elements(By.CSS_SELECTOR, "li.finding")
    check(len(findings) <= 5, f"{name}: {len(findings)} findings shown, at most 5")
    more = driver.find_elements(By.CSS_SELECTOR, "p.more")
    more_findings = [element.text for element in more if element.find_elements(By.XPATH, "ancestor::section[@aria-labelledby='h-findings']")]
    review = open(os.path.join(directory, f"review.{language}.html"), encoding="utf-8").read()
    in_review = len(re.findall(r'id="finding-\d+"', review))
    if in_review > len(findings):
        check(len(findings) == 5, f"{name}: only {len(findings)} findings shown while the review has {in_review}")
        numbers = [int(n.replace(",", "")) for text in more_findings for n in re.findall(r"\d[\d,]*", text)]
        check(numbers == [in_review - len(findings)], f"{name}: says {more_findings!r}, the review has {in_review} findings")
    else:
        check(not more_findings, f"{name}: says there are more findings ({more_findings!r}) but the review has {in_review}")

    pdf_path = os.path.join(directory, f"board.{language}.pdf")
    result = driver.execute_cdp_cmd("Page.printToPDF", A4)
    with open(pdf_path, "wb") as handle:
        handle.write(base64.b64decode(result["data"]))
    pages = page_count(pdf_path)
    check(pages == 1, f"{name}: prints on {pages} A4 pages, expected 1")
    if language == "en" and shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", pdf_path, "-"], capture_output=True, text=True).stdout
        check("Printable on one A4 page." in " ".join(first.split()), f"{name}: the one-page note is not on page 1")

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    driver.get("file://" + path)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 360, f"{name}: {width} px wide at 360 px (sideways scrolling)")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    print(f"  {name}: {pages} A4 page(s), {len(findings)} findings shown, review has {in_review}, {len(charts)} trend charts, {width} px at 360 px")


def main():
    work = tempfile.mkdtemp()
    demo = os.path.join(work, "demo.sqlite")
    rida("init", "--db", demo)
    rida("demo", "--db", demo, "--responses", "20000", "--months", "24", "--end-month", "2026-10", "--seed", "7")
    demo_report = os.path.join(work, "demo-2026-10")
    rida("report", "--db", demo, "--period", "2026-10", "--out", demo_report)

    planted = os.path.join(work, "planted.sqlite")
    data = os.path.join(work, "planted.csv")
    planted_import(data)
    rida("init", "--db", planted)
    rida("import", "--db", planted, data)
    planted_report = os.path.join(work, "planted-2026-10")
    rida("report", "--db", planted, "--period", "2026-10", "--out", planted_report)

    driver = browser()
    try:
        for directory, label in ((demo_report, "demo"), (planted_report, "many findings")):
            for language in ("ar", "en"):
                check_board(driver, directory, language, label)
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)

    if failures:
        print(f"board pack test: {len(failures)} failure(s)")
        sys.exit(1)
    print("board pack test: passed")


main()

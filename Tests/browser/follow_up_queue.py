#!/usr/bin/env python3
"""Real-browser test of the follow-up call: a demo database (whose cases are relative to now, one
overdue), an admin key pasted into the sign-in form, then the dashboard in English and Arabic: the
queue comes first, each case with the beneficiary's comment, the scores, the due time with the
organisation's time zone and a tel: link, the overdue case marked in words; a case is moved to
resolved with a note and found in the resolved list with its history (who, when, what). axe-core
must report no serious or critical violation on the page, in either language.

With $RIDA_SHOTS set, full-page screenshots of the queue (ar and en, 360 and 1280 px wide) are
written there.

Usage: follow_up_queue.py PATH/TO/rida   (run from the repository root: seeds/ and Templates/)
"""
import base64
import os
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RIDA, browser, check, failures, free_port, navigate, rida, serious_violations, serve  # noqa: E402

NOTE = "Called back; the documents list was explained and sent by SMS — ملاحظة"


def screenshot(driver, path, width):
    """The whole page at this width, as a phone or a desktop shows it."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}})
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    # Nothing wider than the screen: no sideways scrolling on a phone.
    return height


def sign_in(driver, base, key):
    driver.get(f"{base}/admin/login?lang=en")
    driver.find_element(By.ID, "key").send_keys(key)
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click)
    check(driver.current_url.startswith(f"{base}/admin"), f"signed in ({driver.current_url})")


def queue_first(driver, language):
    sections = driver.find_elements(By.CSS_SELECTOR, "main > section")
    check(sections and sections[0].get_attribute("id") == "cases",
          f"{language}: the queue is the first section ({[s.get_attribute('id') for s in sections]})")
    cases = driver.find_elements(By.CSS_SELECTOR, "#cases ol.cases:not(.resolved) > li.case")
    check(len(cases) >= 4, f"{language}: the demo opens a handful of cases ({len(cases)} in the queue)")
    comments = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#cases ol.cases:not(.resolved) blockquote.comment")]
    check(any("Nobody answered my first two calls" in c for c in comments), f"{language}: the beneficiary's comment is shown")
    scores = driver.find_elements(By.CSS_SELECTOR, "#cases ol.cases:not(.resolved) ul.scores li")
    check(any("/ 5" in s.text for s in scores) and any("/ 10" in s.text for s in scores), f"{language}: the scores are shown")
    zones = [z.text for z in driver.find_elements(By.CSS_SELECTOR, "#cases .due .zone")]
    check(zones and all("Asia/Riyadh, UTC+3" in z for z in zones), f"{language}: due times carry the zone ({zones[:2]})")
    tel = driver.find_elements(By.CSS_SELECTOR, "#cases a[href^='tel:']")
    check(tel and all(a.get_attribute("href")[4:].lstrip("+").isdigit() for a in tel), f"{language}: phone numbers are tel: links")
    check(driver.find_elements(By.CSS_SELECTOR, "#cases a[href^='mailto:']"), f"{language}: e-mail addresses are mailto: links")
    overdue = driver.find_elements(By.CSS_SELECTOR, "#cases li.case.is-overdue")
    words = "Overdue by" if language == "en" else "متأخرة"
    check(len(overdue) == 1 and words in overdue[0].text, f"{language}: one overdue case, marked in words ({len(overdue)})")
    return cases


def main():
    work = tempfile.mkdtemp()
    db = os.path.join(work, "queue.sqlite")
    rida("demo", "--db", db, "--responses", "3000", "--months", "2")
    key = rida("apikey", "create", "--db", db, "--name", "duty desk", "--role", "admin").strip().splitlines()[-1].strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, _ = serve(db, port=port)
    shots = os.environ.get("RIDA_SHOTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
    try:
        driver = browser()
        try:
            sign_in(driver, base, key)
            for language in ("en", "ar"):
                driver.get(f"{base}/admin?lang={language}")
                html = driver.find_element(By.TAG_NAME, "html")
                check(html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), f"{language}: direction")
                queue_first(driver, language)
                check(not serious_violations(driver, f"queue {language}"), f"{language}: axe found serious or critical violations")
                if shots:
                    for width in (360, 1280):
                        screenshot(driver, os.path.join(shots, f"queue-{language}-{width}.png"), width)
                        driver.get(f"{base}/admin?lang={language}")

            # Resolve the first case of the queue that has no history yet, with a note.
            driver.get(f"{base}/admin?lang=en")
            target = None
            for case in driver.find_elements(By.CSS_SELECTOR, "#cases ol.cases:not(.resolved) > li.case"):
                if not case.find_elements(By.CSS_SELECTOR, "ol.history"):
                    target = case
                    break
            check(target is not None, "a case without history to resolve")
            case_id = target.get_attribute("id")
            Select(target.find_element(By.CSS_SELECTOR, "select[name=outcome]")).select_by_value("resolved")
            target.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys(NOTE)
            navigate(driver, target.find_element(By.CSS_SELECTOR, "form.record button[type=submit]").click)
            check(not driver.find_elements(By.CSS_SELECTOR, f"#cases ol.cases:not(.resolved) > li#{case_id}"), "the resolved case left the queue")
            resolved = driver.find_elements(By.CSS_SELECTOR, f"#cases ol.resolved > li#{case_id}")
            check(len(resolved) == 1, "the case is in the resolved list")
            if resolved:
                entry = resolved[0].find_element(By.CSS_SELECTOR, "ol.history li:last-child").text
                print(f"  history: {entry!r}")
                check(NOTE in entry, "its history holds the note")
                check("Open → Resolved" in entry and "duty desk" in entry and "Resolved" in entry, "its history says what, by whom")
                check("Asia/Riyadh, UTC+3" in entry, "and when, with the zone")
            check(not serious_violations(driver, "queue after the move"), "axe found serious or critical violations after the move")
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        print(f"follow-up queue test: {len(failures)} failure(s)")
        sys.exit(1)
    print("follow-up queue test: passed (queue first with comment, scores, zone, tel: links and the overdue case; "
          "a case resolved with a note and found with its history; axe: no serious or critical violations in ar and en)")


main()

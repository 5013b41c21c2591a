#!/usr/bin/env python3
"""Real-browser test of the staff console: headless Chromium signs in with an issuer key limited
to one department, issues a link at the desk, opens its 80 mm receipt slip and its A6 slip,
decodes the QR code of a screenshot of each with zbarimg back to the printed link, prints each with
Page.printToPDF (one page each, pdfinfo), opens the link (the survey form), then issues from a
pasted CSV and prints the A4 sheet of slips. Screenshots of the console (Arabic and English, 360 px
and 1280 px) and of the slips go to $SHOTS (default /tmp/shots-console/).

Usage: staff_console.py PATH/TO/rida   (run from the repository root: seeds/ and Templates/)
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RIDA, browser, check, failures, free_port, navigate, page_count, rida, serve
from harness import shoot as harness_shoot  # noqa: E402  # noqa: E402

SHOTS = os.environ.get("SHOTS", "/tmp/shots-console")
MM = 1 / 25.4


def decode_qr(png_path):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", png_path], capture_output=True, text=True)
    return result.stdout.strip()


def shoot(driver, name, width):
    return harness_shoot(driver, SHOTS, name, width)


def print_pdf(driver, name, width_mm, height_mm):
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": width_mm * MM, "paperHeight": height_mm * MM, "preferCSSPageSize": True, "printBackground": True,
        "displayHeaderFooter": False, "marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0})
    path = os.path.join(SHOTS, f"{name}.pdf")
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(pdf["data"]))
    return path


def open_slip(driver, button_value, console_window):
    """Clicks a print button of the issued link: the slip opens in a new tab."""
    before = set(driver.window_handles)
    driver.find_element(By.CSS_SELECTOR, f'button[name="size"][value="{button_value}"]').click()
    for _ in range(50):
        new = set(driver.window_handles) - before
        if new:
            break
        time.sleep(0.1)
    driver.switch_to.window(new.pop())
    for _ in range(50):
        if driver.find_elements(By.CSS_SELECTOR, "article.slip"):
            break
        time.sleep(0.1)


def check_slip(driver, name, link, width_mm, height_mm):
    check(len(driver.find_elements(By.CSS_SELECTOR, "article.slip")) == 1, f"{name}: one slip on the page")
    shot = os.path.join(SHOTS, f"slip-{name}.png")
    driver.save_screenshot(shot)
    decoded = decode_qr(shot)
    check(decoded == link, f"{name}: the QR code reads {decoded!r}, the slip prints {link!r}")
    printed = driver.find_element(By.CSS_SELECTOR, "article.slip .url").text
    check(printed == link, f"{name}: the printed link is {printed!r}")
    pdf = print_pdf(driver, f"slip-{name}", width_mm, height_mm)
    pages = page_count(pdf)
    check(pages == 1, f"{name}: printed on {pages} pages, expected 1")
    if shutil.which("pdfinfo"):
        size = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        line = next((l for l in size.splitlines() if l.startswith("Page size")), "")
        print(f"  {name}: {pages} page; {line.strip()}")


def elements_after_submit(driver, css, seconds=15):
    """The elements of a page a form opened in a new tab (where `navigate`, which watches this
    tab's page, cannot tell when it has loaded): wait until they are there (or the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found:
            time.sleep(0.2)  # the page may still be arriving; read it whole
            return driver.find_elements(By.CSS_SELECTOR, css)
        time.sleep(0.1)
    return []


def main():
    os.makedirs(SHOTS, exist_ok=True)
    work = tempfile.mkdtemp()
    db = os.path.join(work, "console.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    link = ""
    rida("init", "--db", db)
    key = rida("apikey", "create", "--db", db, "--name", "registration desk", "--role", "issuer", "--department", "registration").strip()
    server, _ = serve(db, "--reports", os.path.join(work, "Reports"), port=port)
    try:
        driver = browser(1280)
        try:
            driver.get(f"{base}/admin/login?lang=en")
            driver.find_element(By.ID, "key").send_keys(key)
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click)
            check(driver.current_url.startswith(f"{base}/admin/console"), f"an issuer key opens the console, not {driver.current_url}")
            for language in ("en", "ar"):
                driver.get(f"{base}/admin/console?lang={language}")
                check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language, f"console in {language}")
                for width in (360, 1280):
                    shoot(driver, f"console-{language}", width)
            options = [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "department")).options]
            check(options == ["registration"], f"the key's one department is offered, not {options}")

            driver.get(f"{base}/admin/console?lang=en")
            Select(driver.find_element(By.ID, "channel")).select_by_value("office")
            Select(driver.find_element(By.ID, "segment")).select_by_value("umrah")
            Select(driver.find_element(By.ID, "locale")).select_by_value("ar")
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "#issue button[type=submit]").click)
            link = driver.find_element(By.ID, "issued-link").text
            check(link.startswith(f"{base}/s/"), f"the console shows a link: {link!r}")
            check("/admin" not in link and "token" not in driver.current_url.lower(), "no token in the console's address")
            for width in (360, 1280):
                shoot(driver, "issued-en", width)
            console = driver.current_window_handle

            open_slip(driver, "receipt", console)
            check_slip(driver, "receipt-80mm", link, 80, 110)
            driver.close()
            driver.switch_to.window(console)
            open_slip(driver, "a6", console)
            check_slip(driver, "a6", link, 105, 148)
            driver.close()
            driver.switch_to.window(console)

            # The printed link opens the survey form.
            driver.get(link)
            check(bool(driver.find_elements(By.CSS_SELECTOR, 'form input[name="overall"]')), "the slip's link opens the survey form")

            # The day's CSV, pasted; the A4 sheet of its slips.
            driver.get(f"{base}/admin/console?lang=ar")
            rows = "\n".join(["department,channel,segment,locale"] + [f"registration,office,umrah,{l}" for l in ("ar", "en", "ur", "id", "bn", "tr", "fr", "ar", "en")])
            driver.find_element(By.ID, "csv").send_keys(rows)
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click)
            check(len(driver.find_elements(By.CSS_SELECTOR, "table.links tbody tr")) == 9, "nine links issued from the file")
            shoot(driver, "batch-ar", 1280)
            before = set(driver.window_handles)
            driver.find_element(By.CSS_SELECTOR, "button[formaction^='/admin/console/sheet']").click()
            for _ in range(50):
                if set(driver.window_handles) - before:
                    break
                time.sleep(0.1)
            driver.switch_to.window((set(driver.window_handles) - before).pop())
            check(len(elements_after_submit(driver, "article.slip.sheet")) == 9, "nine slips on the sheet")
            shoot(driver, "sheet-ar", 1280)
            pages = page_count(print_pdf(driver, "sheet-a4", 210, 297))
            check(pages == 2, f"nine slips print on 2 A4 pages (8 a page), not {pages}")
            driver.close()
            driver.switch_to.window(console)

            # A wrong upload: the errors by line, nothing issued.
            driver.get(f"{base}/admin/console?lang=en")
            driver.find_element(By.ID, "csv").send_keys("department,channel\nregistration,fax\nbeneficiary-services,office")
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click)
            issues = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#upload-errors li")]
            check(len(issues) == 2 and issues[0].startswith("line 2, column channel") and issues[1].startswith("line 3, column department"),
                  f"upload errors by line: {issues}")
            shoot(driver, "upload-errors-en", 1280)
        finally:
            driver.quit()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    if link and link.rsplit("/", 1)[-1] in output:
        check(False, "the server's log holds an issued token")
    if failures:
        print(f"staff console test: {len(failures)} failure(s)")
        sys.exit(1)
    print(f"staff console test: passed (issued, slips read back by zbarimg, 80 mm and A6 on one page each, A4 sheet; shots in {SHOTS})")


if __name__ == "__main__":
    main()

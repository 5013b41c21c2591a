#!/usr/bin/env python3
"""Real-browser test of points of service: an admin opens the shipped point's A4 poster, prints it
(one page, pdfinfo) and zbarimg reads its QR code back to the short link; two browsers answer
through that link (two responses), one of them tries again (told it answered today: still two);
then a tablet signed in with an issuer key opens kiosk mode and three beneficiaries answer in a
row — after each, the thank-you page gives way to a fresh form by itself, and neither the page
nor any page of its history shows the first one's comment or a chosen answer; a staff sign-in
ends kiosk mode. `rida analyze check` then finds the cells exact. Screenshots of the points page
(ar, en; 360 and 1280 px), the poster, the kiosk form and its thank-you page go to $SHOTS
(default /tmp/shots-points/).

Usage: points_and_kiosk.py PATH/TO/rida   (run from the repository root: seeds/ and Templates/)
"""
import base64
import os
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import A4, RIDA, browser, check, failures, free_port, navigate, page_count, rida, serve
from harness import shoot as harness_shoot  # noqa: E402  # noqa: E402

SHOTS = os.environ.get("SHOTS", "/tmp/shots-points")
POINT = "makkah-registration"
SECRET = "first visitor's own words 7319"


def sql(db, query):
    return subprocess.run(["sqlite3", db, query], capture_output=True, text=True, check=True).stdout.strip()


def shoot(driver, name, width):
    return harness_shoot(driver, SHOTS, name, width)


def sign_in(driver, base, key, language="en"):
    driver.get(f"{base}/admin/login?lang={language}")
    driver.find_element(By.ID, "key").send_keys(key)
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click)


def answer(driver, score, comment=None):
    """Chooses `score` on the overall question (by its label, as a person taps it), writes a comment, sends."""
    driver.find_element(By.CSS_SELECTOR, f"input[type=radio][name='overall'][value='{score}']").find_element(By.XPATH, "..").click()
    if comment:
        driver.find_element(By.CSS_SELECTOR, "textarea").send_keys(comment)
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "button.send").click)


def holds_an_answer(driver):
    """Whether the page shows anything of an earlier answer: the comment, or any chosen or typed field."""
    if SECRET in driver.page_source:
        return True
    chosen = driver.execute_script(
        "return Array.from(document.querySelectorAll('input,textarea')).filter(function (e) {"
        " return (e.type === 'radio' || e.type === 'checkbox') ? e.checked : (e.type !== 'hidden' && e.value !== ''); }).length")
    return chosen > 0


def main():
    os.makedirs(SHOTS, exist_ok=True)
    work = tempfile.mkdtemp()
    db = os.path.join(work, "points.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    link = f"{base}/p/{POINT}"
    rida("init", "--db", db)
    admin_key = rida("apikey", "create", "--db", db, "--name", "quality", "--role", "admin").strip()
    desk_key = rida("apikey", "create", "--db", db, "--name", "registration desk", "--role", "issuer", "--department", "registration").strip()
    server, _ = serve(db, "--reports", os.path.join(work, "Reports"), port=port)
    drivers = []
    tokens = []
    try:
        admin = browser(1280)
        drivers.append(admin)
        sign_in(admin, base, admin_key)
        for language in ("en", "ar"):
            admin.get(f"{base}/admin/points?lang={language}")
            check(admin.find_element(By.TAG_NAME, "html").get_attribute("lang") == language, f"points page in {language}")
            check(f"/p/{POINT}" in admin.page_source, f"points page ({language}) shows the short link")
            for width in (360, 1280):
                shoot(admin, f"points-{language}", width)

        # The poster: one A4 page, its QR code read back to the short link.
        admin.get(f"{base}/admin/points/{POINT}/poster?lang=en")
        shot = shoot(admin, "poster", 1280)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", shot], capture_output=True, text=True).stdout.strip()
        check(decoded == link, f"the poster's QR code reads {decoded!r}, not {link!r}")
        printed = admin.find_element(By.CSS_SELECTOR, ".poster .short").text
        check(printed == link, f"the poster prints {printed!r}")
        shoot(admin, "poster", 360)
        pdf = os.path.join(SHOTS, "poster.pdf")
        with open(pdf, "wb") as handle:
            handle.write(base64.b64decode(admin.execute_cdp_cmd("Page.printToPDF", A4)["data"]))
        pages = page_count(pdf)
        check(pages == 1, f"the poster prints on {pages} pages, not 1")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", pdf, os.path.join(SHOTS, "poster-print")], check=False)

        # Two phones answer through the poster's link; one of them again.
        phones = [browser(360), browser(360)]
        drivers.extend(phones)
        for number, phone in enumerate(phones):
            phone.get(link)
            check("/s/" in phone.current_url, f"phone {number + 1}: the poster's link opens a form ({phone.current_url})")
            answer(phone, 5 - number)
            check("/thanks" in phone.current_url, f"phone {number + 1}: reached the thank-you page ({phone.current_url})")
        phones[0].get(link)
        check("/s/" not in phones[0].current_url, "the same phone again is given no second link")
        check(phones[0].find_element(By.TAG_NAME, "h1").text.strip() != "", "the same phone again is told why")
        shoot(phones[0], "point-answered-today", 360)
        count = sql(db, "SELECT count(*) FROM response WHERE source = 'point'")
        check(count == "2", f"two phones, one of them twice: {count} point responses, expected 2")

        # A tablet at the counter: kiosk mode opened by staff.
        tablet = browser(1280)
        drivers.append(tablet)
        sign_in(tablet, base, desk_key)
        tablet.get(f"{base}/admin/points?lang=en")
        navigate(tablet, tablet.find_element(By.CSS_SELECTOR, f"form[action^='/admin/points/{POINT}/kiosk'] button").click)
        check("/s/" in tablet.current_url, f"kiosk mode opens the point's form ({tablet.current_url})")
        check(not any(c["name"] == "rida_session" for c in tablet.get_cookies()), "the tablet keeps no staff session")
        tablet.get(f"{base}/admin")
        check("/admin/login" in tablet.current_url, f"the admin area asks for a sign-in on the kiosk ({tablet.current_url})")
        tablet.get(f"{base}/k/{POINT}")
        for visitor in range(3):
            form_url = tablet.current_url
            check("/s/" in form_url, f"visitor {visitor + 1}: a form ({form_url})")
            check(not holds_an_answer(tablet), f"visitor {visitor + 1}: the fresh form shows nothing of the one before")
            tokens.append(form_url.split("/s/")[1].split("?")[0])
            if visitor == 0:
                for width in (360, 1280):
                    shoot(tablet, "kiosk-form", width)
            answer(tablet, 4 - visitor, SECRET if visitor == 0 else None)
            check("/thanks" in tablet.current_url, f"visitor {visitor + 1}: the thank-you page ({tablet.current_url})")
            if visitor == 0:
                shoot(tablet, "kiosk-thanks", 1280)
            # The thank-you page gives way to a fresh form by itself.
            WebDriverWait(tablet, 15).until(lambda d: "/thanks" not in d.current_url and "/s/" in d.current_url)
            WebDriverWait(tablet, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")
        check(len(set(tokens)) == 3, f"three visitors, three links: {tokens}")
        # Nothing of the first visitor in this page or any page of the history.
        length = tablet.execute_script("return history.length")
        for step in range(length):
            check(not holds_an_answer(tablet), f"history step {step}: {tablet.current_url} shows an earlier answer")
            before = tablet.current_url
            tablet.back()
            time.sleep(0.4)
            if tablet.current_url == before:
                break
        count = sql(db, "SELECT count(*) FROM response WHERE source = 'point'")
        check(count == "5", f"two phones and three kiosk visitors: {count} point responses, expected 5")
        texts = sql(db, f"SELECT count(*) FROM response_text WHERE body LIKE '%7319%'")
        check(texts == "1", f"the first visitor's comment is stored once ({texts})")

        # Leaving kiosk mode takes a staff sign-in.
        sign_in(tablet, base, desk_key)
        tablet.get(f"{base}/k/{POINT}")
        check("/s/" not in tablet.current_url, "after a staff sign-in the tablet is no longer a kiosk")
    finally:
        for driver in drivers:
            driver.quit()
        server.terminate()
        output, _ = server.communicate(timeout=10)
    for token in tokens:
        check(token not in output, "the server's log holds a minted token")
    check_cells = subprocess.run([RIDA, "analyze", "check", "--db", db], capture_output=True, text=True)
    check(check_cells.returncode == 0, f"analyze check: {check_cells.stdout} {check_cells.stderr}")
    issued = sql(db, "SELECT IFNULL(sum(issued), 0) FROM invitation_cell_dc")
    check(issued == "0", f"points issue no invitation: {issued} counted as issued")
    if failures:
        print(f"points and kiosk test: {len(failures)} failure(s)")
        sys.exit(1)
    print(f"points and kiosk test: passed (poster on one A4 page read back by zbarimg, 2 phones = 2 responses, a repeat refused, "
          f"a kiosk loop of 3 with nothing left behind; shots in {SHOTS})")


if __name__ == "__main__":
    main()

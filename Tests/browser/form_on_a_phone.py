#!/usr/bin/env python3
"""The beneficiary's form as a new user meets it, in headless Chromium at 360×800 (a cheap phone)
and 1280×900, in Arabic, English, Urdu and Bengali (Urdu and Bengali are drafts, offered here by
the test's own seeds): the default questionnaire at most 2,400 px tall on the phone; every scale
on one row (its options share one top) with targets at least 24 px wide (44 where the width
allows); the contact fields hidden until "yes", with JavaScript off; a language change that keeps
the answers and stores nothing; the end pages (already received, expired, revoked, unknown) with
the organisation and the language switcher; a 422 page whose title starts with the error word and
whose summary links to each question in error. axe-core 4 (WCAG 2.2 A/AA) on each page. Full-page
screenshots go to /tmp/shots-form/ (or $RIDA_SHOTS).

Usage: form_on_a_phone.py PATH/TO/rida   (run from the repository root: seeds/ and Templates/)
"""
import sqlite3
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import check, failures, navigate
from survey_support import Server, axe_violations, browser, page_height, screenshot, seeds_offering

LANGUAGES = {"ar": "rtl", "en": "ltr", "ur": "rtl", "bn": "ltr"}
ORGANISATION = {"ar": "جمعية هدية الحاج والمعتمر الخيرية", "en": "Hajj and Umrah Gift Charitable Association"}
MAX_HEIGHT = 2400
heights = {}


def boxes(driver, selector):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => {const r = e.getBoundingClientRect();"
        " return {top: Math.round(r.top), left: r.left, right: r.right, width: r.width, height: r.height}})", selector)


def check_scales(driver, label, width):
    scales = driver.find_elements(By.CSS_SELECTOR, ".scale")
    check(len(scales) == 9, f"{label}: {len(scales)} scales, expected 9")
    for scale in scales:
        item = scale.find_element(By.XPATH, "..").get_attribute("id")
        points = boxes(driver, f"#{item} .scale .point")
        tops = {p["top"] for p in points}
        check(len(tops) == 1, f"{label}: the {len(points)}-point scale of {item} wraps (tops {sorted(tops)})")
        narrowest = min(p["width"] for p in points)
        check(narrowest >= 24, f"{label}: a target of {item} is {narrowest:.1f} px wide (WCAG 2.2: at least 24)")
        if len(points) <= 7:
            check(narrowest >= 43.5, f"{label}: {item}'s {len(points)} targets are {narrowest:.1f} px wide, 44 fit")
        check(min(p["height"] for p in points) >= 44, f"{label}: {item}'s targets are lower than 44 px")
        # Mirrored in right-to-left: the scale's minimum is at the start of the line.
        first, last = points[0], points[-1]
        rtl = driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
        check((first["left"] > last["left"]) == rtl, f"{label}: {item} runs the wrong way for the page's direction")
        # The end labels sit under the ends.
        ends = boxes(driver, f"#{item} .ends span")
        if len(ends) == 2 and all(e["width"] > 0 for e in ends):
            start, end = (ends[0], ends[1])
            if rtl:
                check(abs(start["right"] - first["right"]) < 2 and abs(end["left"] - last["left"]) < 2, f"{label}: {item}'s end labels are not under its ends")
            else:
                check(abs(start["left"] - first["left"]) < 2 and abs(end["right"] - last["right"]) < 2, f"{label}: {item}'s end labels are not under its ends")
    # Point labels are the accessible names: "1 Very dissatisfied", not just "1".
    name = driver.execute_script("return document.querySelector('#q-overall .point').textContent.trim()")
    check(len(name) > 3, f"{label}: the first point of overall has no label for screen readers ({name!r})")


def form_pages(server, link_for):
    for width, height in ((360, 800), (1280, 900)):
        driver = browser(width, height)
        try:
            for language, direction in LANGUAGES.items():
                label = f"{language} at {width}"
                driver.get(f"{link_for(language)}?lang={language}")
                html = driver.find_element(By.TAG_NAME, "html")
                check(html.get_attribute("lang") == language and html.get_attribute("dir") == direction, f"{label}: lang/dir")
                organisation = driver.find_element(By.CSS_SELECTOR, ".organisation").text.strip()
                check(organisation != "" and organisation == ORGANISATION.get(language, organisation), f"{label}: organisation {organisation!r}")
                check(driver.find_element(By.CSS_SELECTOR, ".about").text.strip() != "", f"{label}: the department and service are not named")
                numbers = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".item .number")]
                check(numbers[:3] == ["1.", "2.", "3."] and len(numbers) == 11, f"{label}: questions are not numbered ({numbers})")
                check_scales(driver, label, width)
                if width == 360:
                    heights[language] = page_height(driver)
                    check(heights[language] <= MAX_HEIGHT, f"{label}: the form is {heights[language]} px tall (at most {MAX_HEIGHT})")
                    family = driver.execute_script("return getComputedStyle(document.querySelector('h1')).fontFamily")
                    wanted = {"ar": "Noto Naskh Arabic", "ur": "Noto Nastaliq Urdu", "bn": "Noto Sans Bengali"}.get(language)
                    check(wanted is None or family.strip('"').startswith(wanted), f"{label}: the title's font is {family}")
                    current = boxes(driver, "nav.languages .language")
                    check(len({round(b["top"]) for b in current}) == 1 and len({round(b["height"]) for b in current}) == 1,
                          f"{label}: the language switcher's entries are not aligned ({current})")
                    check(not axe_violations(driver, f"form {label}"), f"{label}: axe found serious or critical violations")
                screenshot(driver, f"form-{language}-{width}")
        finally:
            driver.quit()


def contact_without_javascript(link):
    driver = browser(360, 800, javascript=False)
    try:
        driver.get(f"{link}?lang=en")
        phone = driver.find_element(By.ID, "f-contact-phone")
        check(not phone.is_displayed(), "JavaScript off: the phone field shows before any choice")
        driver.find_element(By.CSS_SELECTOR, "label[for='f-contact-no']").click()
        check(not phone.is_displayed(), "JavaScript off: the phone field shows after “No, thank you”")
        driver.find_element(By.CSS_SELECTOR, "label[for='f-contact']").click()
        check(phone.is_displayed(), "JavaScript off: the phone field stays hidden after “yes”")
        screenshot(driver, "form-en-360-contact-yes")
    finally:
        driver.quit()


def language_change(server, link):
    driver = browser(360, 800)
    try:
        driver.get(f"{link}?lang=ar")
        driver.find_element(By.CSS_SELECTOR, "#q-overall .point:nth-child(4)").click()
        driver.find_element(By.CSS_SELECTOR, "#q-recommend .point:nth-child(10)").click()
        driver.find_element(By.ID, "f-suggestion").send_keys("أرجو مقاعد أكثر")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "button[name='switch-language'][value='en']").click)
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "language change: the form is not in English")
        check(driver.find_element(By.CSS_SELECTOR, "#q-overall input[value='4']").is_selected(), "language change: overall lost")
        check(driver.find_element(By.CSS_SELECTOR, "#q-recommend input[value='9']").is_selected(), "language change: recommend lost")
        check(driver.find_element(By.ID, "f-suggestion").get_attribute("value") == "أرجو مقاعد أكثر", "language change: comment lost")
        with sqlite3.connect(server.db) as connection:
            stored = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        check(stored == 0, "language change: a response was stored")
        # Enter in the phone field sends the form; it never switches the language.
        driver.find_element(By.CSS_SELECTOR, "label[for='f-contact']").click()
        phone = driver.find_element(By.ID, "f-contact-phone")
        phone.send_keys("+966 55 123 4567")
        navigate(driver, lambda: phone.send_keys(Keys.ENTER))
        check("/thanks" in driver.current_url, f"Enter in the phone field did not send the answers ({driver.current_url})")
        extra = driver.find_elements(By.CSS_SELECTOR, ".extra")
        check(bool(extra) and "three days" in extra[0].text, "the thank-you page does not say when the association gets in touch")
        screenshot(driver, "end-thanks-contact-en-360")
        with sqlite3.connect(server.db) as connection:
            stored = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        check(stored == 1, f"expected 1 stored response after sending, found {stored}")
        # Opened again after answering: "already received", not "no longer valid".
        driver.get(link)
        check("already" in driver.find_element(By.TAG_NAME, "h1").text.lower(), "a used link does not say the answers were received")
        end_page_chrome(driver, "already received")
        screenshot(driver, "end-already-en-360")
    finally:
        driver.quit()


def end_page_chrome(driver, label):
    check(driver.find_elements(By.CSS_SELECTOR, ".organisation"), f"{label}: no organisation")
    entries = driver.find_elements(By.CSS_SELECTOR, "nav.languages a")
    check(len(entries) >= 1, f"{label}: no language switcher")
    check(not driver.find_elements(By.CSS_SELECTOR, "form"), f"{label}: shows a form")


def end_pages(server):
    expired, revoked = server.links(2)
    token_of = lambda link: link.rstrip("/").rsplit("/", 1)[1]
    server.run("issue", "revoke", "--db", server.db, "--token", token_of(revoked))
    with sqlite3.connect(server.db) as connection:
        connection.execute("UPDATE invitation SET issued_at = 0, expires_at = 1 WHERE revoked_at IS NULL")
    unknown = f"{server.base}/s/AAAAAAAAAAAAAAAAAAAAAAAAAA"
    expectations = {"expired": (expired, "expired"), "revoked": (revoked, "withdrawn"), "unknown": (unknown, "not found")}
    driver = browser(360, 800)
    try:
        for name, (link, word) in expectations.items():
            for language in ("en", "ar"):
                driver.get(f"{link}?lang={language}")
                heading = driver.find_element(By.TAG_NAME, "h1").text
                if language == "en":
                    check(word in heading.lower(), f"{name} page: heading {heading!r}")
                end_page_chrome(driver, f"{name} page ({language})")
                switched = driver.find_element(By.CSS_SELECTOR, "nav.languages a").get_attribute("hreflang")
                check(switched != language, f"{name} page: the switcher offers the current language")
                screenshot(driver, f"end-{name}-{language}-360")
            check(not axe_violations(driver, f"{name} page"), f"{name} page: axe found serious or critical violations")
    finally:
        driver.quit()


def error_page(link):
    driver = browser(360, 800)
    try:
        driver.get(f"{link}?lang=en")
        driver.find_element(By.CSS_SELECTOR, "#q-courtesy .point:nth-child(2)").click()
        driver.execute_script("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
        driver.find_element(By.CSS_SELECTOR, "label[for='f-contact']").click()
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "button.send").click)
        check(driver.title.startswith("Error: "), f"422 page: title {driver.title!r}")
        targets = [a.get_attribute("href").rsplit("#", 1)[1] for a in driver.find_elements(By.CSS_SELECTOR, ".summary a")]
        check(targets == ["f-overall", "f-contact"], f"422 page: summary links to {targets}")
        for target in targets:
            check(len(driver.find_elements(By.ID, target)) == 1, f"422 page: #{target} is not a field")
        check(driver.find_element(By.CSS_SELECTOR, "#q-courtesy input[value='2']").is_selected(), "422 page: answers not kept")
        check(not axe_violations(driver, "422 page"), "422 page: axe found serious or critical violations")
        screenshot(driver, "form-en-360-errors")
        driver.get(f"{link}?lang=ar")
    finally:
        driver.quit()


def main():
    server = Server(seeds_offering("ur", "bn"))
    try:
        links = {language: server.links(1, locale=language)[0] for language in LANGUAGES}
        form_pages(server, lambda language: links[language])
        contact_without_javascript(links["en"])
        error_page(links["en"])
        language_change(server, links["ar"])
        end_pages(server)
    finally:
        server.stop()
    print("form height at 360×800: " + ", ".join(f"{language} {height} px" for language, height in heights.items()))
    if failures:
        print(f"form on a phone: {len(failures)} failure(s)")
        sys.exit(1)
    print("form on a phone: passed")


main()

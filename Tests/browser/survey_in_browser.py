#!/usr/bin/env python3
"""Real-browser test of the beneficiary's path: headless Chromium, driven by Selenium, opens an
invitation link, answers in Arabic and in English, submits and reaches the thank-you page; axe-core
checks the form and the thank-you page (WCAG 2.2 A/AA rules, axe-core 4) in both languages and must report no
serious or critical violation. A third pass answers with JavaScript switched off.

Usage: survey_in_browser.py PATH/TO/rida   (run from the repository root: seeds/ and Templates/)
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, navigate, serve  # noqa: E402
from survey_support import axe_violations  # noqa: E402

RIDA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/rida")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def rida(*args):
    return subprocess.run([RIDA, *args], check=True, capture_output=True, text=True).stdout


def browser(javascript=True):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=412,915"):
        options.add_argument(flag)  # 412×915: a common cheap phone's viewport
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(binary):
            options.binary_location = binary
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    return webdriver.Chrome(service=service, options=options)


def serious_violations(driver, page):
    # axe-core 4 with the WCAG 2.2 rules (target size among them), shared with form_on_a_phone.py.
    return axe_violations(driver, page)


def console_clean(driver, page):
    """No console errors: a blocked stylesheet (Content-Security-Policy) or a failed request shows here."""
    if not hasattr(driver, "get_log"):
        return
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    for message in errors:
        print(f"  console {page}: {message}")
    check(not errors, f"{page}: {len(errors)} console error(s)")
    styled = driver.execute_script("return document.styleSheets.length > 0 && getComputedStyle(document.body).margin === '0px'") \
        if driver.capabilities.get("javascriptEnabled", True) else True
    check(styled, f"{page}: the page's stylesheet was not applied")


def answer(driver):
    """Answers every rating question (the first point of every scale), writes a suggestion."""
    names = []
    for radio in driver.find_elements(By.CSS_SELECTOR, "fieldset input[type=radio]"):
        name = radio.get_attribute("name")
        if name not in names and name != "contact":
            names.append(name)
    for name in names:
        # Click the label, as a person taps it: the whole label is the touch target.
        options = driver.find_elements(By.CSS_SELECTOR, f"input[type=radio][name='{name}']")
        options[-2 if len(options) > 2 else 0].find_element(By.XPATH, "..").click()
    driver.find_element(By.CSS_SELECTOR, "textarea").send_keys("شكراً — thank you <b>team</b>")
    return names


def run_language(driver, link, language, direction, javascript=True):
    label = f"{language}{'' if javascript else ' (JavaScript off)'}"
    driver.get(f"{link}?lang={language}")
    console_clean(driver, f"{label} form")
    html = driver.find_element(By.TAG_NAME, "html")
    check(html.get_attribute("lang") == language, f"{label}: html lang is {html.get_attribute('lang')}")
    check(html.get_attribute("dir") == direction, f"{label}: html dir is {html.get_attribute('dir')}")
    check(driver.find_element(By.CSS_SELECTOR, "p.promise").text.strip() != "", f"{label}: the promise line is missing")
    if javascript:
        check(not serious_violations(driver, f"form {language}"), f"{label}: axe found serious or critical violations on the form")
    # Submitting nothing is refused by the browser (required fields): still on the form, nothing stored.
    driver.find_element(By.CSS_SELECTOR, "button.send").click()
    check("/thanks" not in driver.current_url, f"{label}: an empty form was accepted")
    names = answer(driver)
    check("overall" in names, f"{label}: the overall question was not found ({names})")
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "button.send").click)
    check("/thanks" in driver.current_url, f"{label}: submit did not reach the thank-you page ({driver.current_url})")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == direction, f"{label}: thank-you page direction")
    console_clean(driver, f"{label} thank-you page")
    heading = driver.find_element(By.TAG_NAME, "h1").text
    check(heading.strip() != "", f"{label}: thank-you page has no heading")
    print(f"  {label}: answered {len(names)} questions; thank-you page: {heading!r}")
    if javascript:
        check(not serious_violations(driver, f"thank-you {language}"), f"{label}: axe found serious or critical violations on the thank-you page")
    # The link is one-time: opening it again shows the "already received" page (410), never the form.
    driver.get(f"{link}?lang={language}")
    check(not driver.find_elements(By.CSS_SELECTOR, "form"), f"{label}: a used link shows the form again")
    driver.get_log("browser")  # the 410 just asked for is logged as a failed load: expected


def main():
    work = tempfile.mkdtemp()
    db = os.path.join(work, "browser.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rida("init", "--db", db)
    issued = json.loads(rida("issue", "--db", db, "--department", "registration", "--channel", "office", "--count", "3",
                             "--format", "json", "--base-url", base))
    links = [invitation["url"] for invitation in issued["invitations"]]
    server, _ = serve(db, port=port)
    try:
        driver = browser()
        try:
            run_language(driver, links[0], "ar", "rtl")
            run_language(driver, links[1], "en", "ltr")
        finally:
            driver.quit()
        driver = browser(javascript=False)
        try:
            run_language(driver, links[2], "ar", "rtl", javascript=False)
        finally:
            driver.quit()
        with sqlite3.connect(db) as connection:
            stored = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        check(stored == 3, f"expected 3 stored responses, found {stored}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        print(f"browser test: {len(failures)} failure(s)")
        sys.exit(1)
    print("browser test: passed (ar and en answered and thanked; axe: no serious or critical violations; JavaScript off works)")


main()

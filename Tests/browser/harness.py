"""What the report browser tests share: the `rida` under test, failures collected as they come,
running `rida`, and a headless Chromium."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

RIDA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/rida")
failures = []
# Page.printToPDF on A4, as a browser prints it.
A4 = {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def rida(*args):
    result = subprocess.run([RIDA, *args], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        raise SystemExit(f"rida {' '.join(args)} failed")
    return result.stdout


def browser(width=1280):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},900"):
        options.add_argument(flag)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    return webdriver.Chrome(service=service, options=options)


def navigate(driver, action, seconds=15):
    """Runs `action` (a click or a key that sends a form) and returns once the next page has
    replaced this one and finished loading: a click returns before the new page is there, and
    reading too early finds the old page, or none."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, seconds).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, seconds).until(lambda d: d.execute_script("return document.readyState") == "complete")


def shoot(driver, shots, name, width):
    """A full-page screenshot at `width` px into the folder `shots` (`NAME-WIDTH.png`); fails the
    test if the page scrolls sideways there. Returns the file's path."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": min(height, 6000), "deviceScaleFactor": 1, "mobile": width < 500})
    path = os.path.join(shots, f"{name}-{width}.png")
    driver.save_screenshot(path)
    wide = driver.execute_script("return document.documentElement.scrollWidth")
    check(wide <= width, f"{name} at {width} px scrolls sideways ({wide} px wide)")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def page_count(pdf_path):
    """Pages of a PDF: pdfinfo's count, else its /Type /Page objects."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", pdf_path], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if match:
            return int(match.group(1))
    with open(pdf_path, "rb") as handle:
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", handle.read()))


def serious_violations(driver, page):
    """axe-core's serious and critical violations (WCAG 2.1 A/AA and best practice) on the page shown."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    driver.set_script_timeout(120)
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}}
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, error => done({error: String(error)}));", options)
    if "error" in results:
        raise RuntimeError(f"axe could not run on the {page}: {results['error']}")
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in bad:
        nodes = [node["target"] for node in violation["nodes"]][:3]
        print(f"  axe {page}: {violation['impact']} {violation['id']}: {violation['help']} at {nodes}")
    print(f"  axe {page}: {len(results['violations'])} violation(s), {len(bad)} serious or critical")
    return bad


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None, seconds=20):
    """Returns once something listens on the port; fails if `process` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"rida serve exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"rida serve did not listen on port {port} within {seconds} s")


def serve(db, *extra, port=None, env=None, capture=True):
    """`rida serve` on `db` at `port` (default a free one), once it listens: (the process, its
    base URL). With `capture`, its output is readable from the process's stdout."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    output = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen([RIDA, "serve", "--db", db, "--port", str(port), "--base-url", base, *extra],
                               stdout=output, stderr=subprocess.STDOUT if capture else subprocess.DEVNULL, text=True, env=env)
    wait_for_port(port, process)
    return process, base

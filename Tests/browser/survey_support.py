"""What the survey's browser tests share: a Rida serving seeds in which Urdu and Bengali are
offered (drafts, off in the shipped seeds), invitations, a Chromium at a given size (JavaScript
on or off), axe-core 4 with the WCAG 2.2 AA rules, and screenshots."""
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from harness import RIDA, check, free_port, rida, serve

SHOTS = os.environ.get("RIDA_SHOTS", "/tmp/shots-form")
WCAG22 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_source():
    """axe-core 4 (WCAG 2.2 rules), as the axe-playwright-python wheel ships it; installed with
    `pip install --no-deps axe-playwright-python` (Tests/run.sh does), read without importing it."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("axe-core 4 is missing: python3 -m pip install --no-deps axe-playwright-python==0.1.8")
    with open(os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js"), encoding="utf-8") as handle:
        return handle.read()


AXE = None


def axe_violations(driver, page):
    """Serious or critical violations of WCAG 2.2 A/AA and best practice on the current page."""
    global AXE
    AXE = AXE or axe_source()
    driver.execute_script(AXE)
    driver.set_script_timeout(120)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(done, error => done({error: String(error)}));", WCAG22)
    if "error" in results:
        raise RuntimeError(f"axe could not run on the {page}: {results['error']}")
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in results["violations"]:
        nodes = [node["target"] for node in violation["nodes"]][:3]
        print(f"  axe {page}: {violation['impact']} {violation['id']}: {violation['help']} at {nodes}")
    version = driver.execute_script("return axe.version")
    print(f"  axe {version} {page}: {len(results['violations'])} violation(s), {len(bad)} serious or critical, {len(results['passes'])} rules passed")
    return bad


def seeds_offering(*codes):
    """A copy of seeds/ in which the draft languages `codes` are offered to beneficiaries."""
    folder = tempfile.mkdtemp()
    seeds = os.path.join(folder, "seeds")
    shutil.copytree("seeds", seeds)
    path = os.path.join(seeds, "languages.yaml")
    lines = open(path, encoding="utf-8").read().splitlines()
    out, current = [], None
    for line in lines:
        out.append(line)
        if line.strip().startswith("- code:"):
            current = line.split(":", 1)[1].strip()
        if current in codes and line.strip() == "draft: true":
            out.append(line.replace("draft: true", "offered: true"))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out) + "\n")
    return seeds


class Server:
    """`rida serve` on a fresh database with the given seeds."""

    def __init__(self, seeds):
        self.work = tempfile.mkdtemp()
        self.db = os.path.join(self.work, "form.sqlite")
        self.env = dict(os.environ, RIDA_SEEDS=seeds)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.run("init", "--db", self.db)
        self.process, _ = serve(self.db, port=self.port, env=self.env, capture=False)

    def run(self, *args):
        result = subprocess.run([RIDA, *args], capture_output=True, text=True, env=self.env)
        if result.returncode != 0:
            print(result.stdout, result.stderr)
            raise SystemExit(f"rida {' '.join(args)} failed")
        return result.stdout

    def links(self, count=1, locale="ar", days=30, service="new-registration"):
        issued = json.loads(self.run("issue", "--db", self.db, "--department", "registration", "--channel", "office",
                                     "--service", service, "--locale", locale, "--count", str(count), "--expires-in-days", str(days),
                                     "--format", "json", "--base-url", self.base))
        return [invitation["url"] for invitation in issued["invitations"]]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def browser(width, height=900, javascript=True):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", f"--window-size={width},{height}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    driver = webdriver.Chrome(service=service, options=options)
    # The viewport itself (not the window) at the asked size, as a phone has it.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver


def page_height(driver):
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    return round(metrics["cssContentSize"]["height"])


def screenshot(driver, name):
    """The whole page, as tall as it is."""
    os.makedirs(SHOTS, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    import base64
    path = os.path.join(SHOTS, f"{name}.png")
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(shot["data"]))
    return path

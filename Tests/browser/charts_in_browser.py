#!/usr/bin/env python3
"""Charts a reader can trust at a glance, measured in headless Chromium (Selenium).

Writes the reports of the demo month (Gregorian 2026-10 and Hijri 1448-04) and of a database
imported with 13 months of data, and opens every review and board pack, Arabic and English, at
1280 and 360 CSS pixels. For every <svg> chart:

- no <text> lies outside its SVG's box (getBoundingClientRect of the text against the SVG's, whose
  viewBox it shows whole), and no two <text> elements overlap;
- no axis is titled "Value" or "Period".

And: Hijri month names appear (Arabic and English) in the headings and on the time axes, a
Gregorian month names the Hijri months it overlaps, and the control charts of a database with 13
months of data start at its first month, not at the start of the 24-period window.

Usage: charts_in_browser.py PATH/TO/rida   (run from the repository root)
"""
import csv
import os
import shutil
import sys
import tempfile

from harness import browser, check, failures, rida

HIJRI_EN = ["Muh.", "Saf.", "Rab. I", "Rab. II", "Jum. I", "Jum. II", "Raj.", "Sha.", "Ram.", "Shaw.", "Dhuʻl-Q.", "Dhuʻl-H."]
HIJRI_EN_LONG = ["Muharram", "Safar", "Rabiʻ I", "Rabiʻ II", "Jumada I", "Jumada II", "Rajab", "Shaʻban", "Ramadan", "Shawwal", "Dhuʻl-Qiʻdah", "Dhuʻl-Hijjah"]
HIJRI_AR = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
VAGUE_TITLES = {"Value", "Period", "القيمة", "الفترة"}

MEASURE = """
const failures = [];
const texts = [];
const svgs = Array.from(document.querySelectorAll('svg')).filter(svg => svg.querySelector('text'));
svgs.forEach((svg, index) => {
  const box = svg.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return;
  const figure = svg.closest('figure');
  const name = (figure && figure.id) || ('svg ' + index);
  const items = Array.from(svg.querySelectorAll('text')).map(text => ({text, rect: text.getBoundingClientRect()}))
    .filter(item => item.rect.width > 0 && item.rect.height > 0);
  for (const item of items) {
    const r = item.rect;
    texts.push(item.text.textContent);
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
      failures.push(name + ': "' + item.text.textContent + '" outside its SVG (' + [r.left - box.left, r.top - box.top, box.right - r.right, box.bottom - r.bottom].map(Math.round).join(', ') + ')');
    }
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i].rect, b = items[j].rect;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 0.5) {
        failures.push(name + ': "' + items[i].text.textContent + '" overlaps "' + items[j].text.textContent + '" (' + Math.round(w) + '×' + Math.round(h) + ' px)');
      }
    }
  }
});
return {failures, texts, charts: svgs.length, heading: (document.querySelector('.period') || {}).textContent || ''};
"""





def thirteen_months(path):
    """13 months (2025-10 … 2026-10) of 12 responses per department × channel."""
    departments = ["beneficiary-services", "social-research", "registration", "gift-distribution", "volunteering", "donor-relations"]
    channels = ["office", "phone", "social", "letter", "web"]
    months = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "department", "channel", "segment", "service", "locale", "overall", "courtesy", "time", "clarity",
                         "referral", "decision", "speed", "ease", "recommend"])
        k = 0
        for month in months:
            for d, department in enumerate(departments):
                for channel in channels:
                    for i in range(12):
                        answers = [str(1 + (k * 3 + j + d) % 5) for j in range(7)] + [str(1 + (k * 5) % 7), str((k * 4 + d) % 11)]
                        writer.writerow([f"{month}-{1 + (i * 2 + d) % 28:02d}", department, channel, "", "", "en", *answers])
                        k += 1


def main():
    work = tempfile.mkdtemp()
    try:
        demo = os.path.join(work, "demo.sqlite")
        rida("init", "--db", demo)
        rida("demo", "--db", demo, "--responses", "20000", "--months", "24", "--end-month", "2026-10", "--seed", "7")
        reports = {"demo 2026-10": os.path.join(work, "gregorian"), "demo 1448-04 (Hijri)": os.path.join(work, "hijri")}
        rida("report", "--db", demo, "--period", "2026-10", "--out", reports["demo 2026-10"])
        rida("report", "--db", demo, "--period", "1448-04", "--calendar", "hijri", "--out", reports["demo 1448-04 (Hijri)"])
        short = os.path.join(work, "short.sqlite")
        data = os.path.join(work, "short.csv")
        thirteen_months(data)
        rida("init", "--db", short)
        rida("import", "--db", short, data)
        reports["13 months 2026-10"] = os.path.join(work, "short")
        rida("report", "--db", short, "--period", "2026-10", "--out", reports["13 months 2026-10"])

        driver = browser()
        try:
            for label, directory in reports.items():
                for page in ("review", "board"):
                    for language in ("ar", "en"):
                        name = f"{label} {page}.{language}.html"
                        for width in (1280, 360):
                            driver.execute_cdp_cmd(
                                "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
                            driver.get("file://" + os.path.join(directory, f"{page}.{language}.html"))
                            result = driver.execute_script(MEASURE)
                            for failure in result["failures"][:10]:
                                check(False, f"{name} at {width} px: {failure}")
                            if len(result["failures"]) > 10:
                                check(False, f"{name} at {width} px: {len(result['failures']) - 10} more")
                            vague = sorted(VAGUE_TITLES.intersection(t.strip() for t in result["texts"]))
                            check(not vague, f"{name}: axis titled {vague}")
                        texts = " ".join(result["texts"])
                        hijri_names = HIJRI_AR if language == "ar" else HIJRI_EN + HIJRI_EN_LONG
                        check(any(h in result["heading"] for h in hijri_names), f"{name}: no Hijri month name in the heading {result['heading']!r}")
                        if page == "review":
                            check(any(h in texts for h in hijri_names), f"{name}: no Hijri month name on a chart axis")
                        print(f"  {name}: {result['charts']} charts, {len(result['texts'])} labels; {result['heading'].strip()}")

            # The demo's Gregorian month names the Hijri months it overlaps: 2026-10 is Rabiʻ II – Jumada I 1448.
            driver.get("file://" + os.path.join(reports["demo 2026-10"], "review.en.html"))
            heading = driver.execute_script("return document.querySelector('.period').textContent")
            check("October 2026" in heading and "Rabiʻ II–Jumada I 1448" in heading, f"2026-10 heading: {heading!r}")
            driver.get("file://" + os.path.join(reports["demo 1448-04 (Hijri)"], "review.ar.html"))
            heading = driver.execute_script("return document.querySelector('.period').textContent")
            check("ربيع الآخر 1448" in heading and "سبتمبر–أكتوبر 2026" in heading, f"1448-04 heading: {heading!r}")

            # 13 months of data in a 24-period window: the control charts start at the first month with data.
            for language, first in (("en", "October 2025"), ("ar", "أكتوبر 2025")):
                driver.get("file://" + os.path.join(reports["13 months 2026-10"], f"review.{language}.html"))
                heads = driver.execute_script(
                    "return Array.from(document.querySelectorAll('figure.rida-chart-control')).map(f => f.querySelector('tbody th').textContent)")
                check(heads and all(h.startswith(first) for h in heads), f"13 months {language}: control charts start at {heads!r}, expected {first}")
                rows = driver.execute_script(
                    "return Array.from(document.querySelectorAll('figure.rida-chart-control')).map(f => f.querySelectorAll('tbody tr').length)")
                check(rows and all(r == 13 for r in rows), f"13 months {language}: control charts have {rows!r} periods, expected 13")
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if failures:
        print(f"chart browser test: {len(failures)} failure(s)")
        sys.exit(1)
    print("chart browser test: passed")


main()

"""Browser test of report.html (`make report-test`, via scripts/report-test.sh).

Usage: report_test.py REPORT_DIR OUT_DIR [BENCH_DIR]

Opens REPORT_DIR/report.html in headless Chromium (selenium + chromedriver) and checks: no
console errors, zero network requests, every plot drawn with a non-zero size, sorting the DE
table by PValue and by logFC puts the right gene first (compared with REPORT_DIR/de.tsv),
filtering by a gene name shows it, and expanding a pathway's leading edge lists its genes (as in
gsea.tsv). Saves a full-page screenshot to OUT_DIR/report.png. With BENCH_DIR (the 60,000 x 38
benchmark's output folder) it also opens that report and prints its size and time-to-interactive.
"""

import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
READY_TIMEOUT_S = 60
problems = []


def say(msg):
    print(f"report-test: {msg}", file=sys.stderr, flush=True)


def check(ok, msg):
    if not ok:
        problems.append(msg)
        say(f"FAIL: {msg}")


def browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def open_report(d, path):
    """Loads the page; returns (wall seconds until interactive, page's own ms until interactive)."""
    d.execute_cdp_cmd("Network.enable", {})
    d.get_log("performance")
    t0 = time.perf_counter()
    d.get(path.resolve().as_uri())
    while True:
        ready = d.execute_script("return window.degseaReady || null")
        if ready is not None:
            return time.perf_counter() - t0, ready
        if time.perf_counter() - t0 > READY_TIMEOUT_S:
            raise SystemExit(f"report-test: {path} did not become interactive in {READY_TIMEOUT_S} s")
        time.sleep(0.02)


def network_requests(d, page_url):
    urls = []
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url != page_url:
                urls.append(url)
    return urls


def first_gene(d):
    return d.find_element(By.CSS_SELECTOR, "#de-table tbody tr td").text


def read_tsv(path):
    lines = path.read_text().splitlines()
    head = lines[0].split("\t")
    return head, [l.split("\t") for l in lines[1:] if l]


def num(s):
    return float("nan") if s == "NA" else float(s)


def main():
    report_dir, out_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    bench_dir = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else None
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / "report.html"
    head, rows = read_tsv(report_dir / "de.tsv")
    gi, pi, fi = head.index("gene"), head.index("PValue"), head.index("logFC")
    profile = tempfile.mkdtemp(prefix="degsea-chromium-")
    d = browser(profile)
    try:
        wall, tti = open_report(d, report)
        say(f"demo report: {report.stat().st_size / 1e6:.2f} MB, interactive after {tti:.0f} ms "
            f"(page clock; {wall * 1000:.0f} ms wall from navigation)")
        url = report.resolve().as_uri()

        # Every plot has a non-zero size.
        sizes = d.execute_script(
            "return Array.from(document.querySelectorAll('figure.plot svg')).map(function (s) {"
            " var r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        check(len(sizes) >= 6, f"only {len(sizes)} plots on the page")
        zero = [i for i, (w, h) in enumerate(sizes) if not (w > 0 and h > 0)]
        check(not zero, f"plots {zero} have zero size")
        say(f"{len(sizes)} plots, all with non-zero size" if not zero else "zero-size plots")

        # Sorting.
        want_p = min(range(len(rows)), key=lambda i: (num(rows[i][pi]), i))
        d.find_element(By.CSS_SELECTOR, "#de-table th[data-col='3']").click()
        got = first_gene(d)
        check(got == rows[want_p][gi], f"sort by PValue: first gene {got}, de.tsv says {rows[want_p][gi]}")
        want_fc = max(range(len(rows)), key=lambda i: (num(rows[i][fi]), -i))
        d.find_element(By.CSS_SELECTOR, "#de-table th[data-col='1']").click()
        got = first_gene(d)
        check(got == rows[want_fc][gi], f"sort by logFC: first gene {got}, de.tsv says {rows[want_fc][gi]}")
        d.find_element(By.CSS_SELECTOR, "#de-table th[data-col='1']").click()
        want_fc_low = min(range(len(rows)), key=lambda i: (num(rows[i][fi]), i))
        got = first_gene(d)
        check(got == rows[want_fc_low][gi], f"sort by logFC ascending: first gene {got}, de.tsv says {rows[want_fc_low][gi]}")
        say(f"sorting: PValue -> {rows[want_p][gi]}, logFC -> {rows[want_fc][gi]} / {rows[want_fc_low][gi]}")

        # Filtering by a gene far down the table.
        target = rows[len(rows) * 3 // 4][gi]
        box = d.find_element(By.ID, "de-gene")
        box.send_keys(target)
        time.sleep(0.4)
        shown = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#de-table tbody tr td:first-child")]
        check(target in shown, f"filter by {target}: shown {shown[:5]}")
        say(f"filter '{target}': {len(shown)} row(s) shown, including it" if target in shown else "filter failed")
        box.clear()
        box.send_keys(" ")
        time.sleep(0.3)

        # Leading edge of the first significant pathway.
        ghead, grows = read_tsv(report_dir / "gsea.tsv")
        lei, padji = ghead.index("leadingEdge"), ghead.index("padj")
        sig = [r for r in grows if num(r[padji]) < 0.05] or grows
        pathway, le = sig[0][0], sig[0][lei].split(",")
        row = d.find_element(By.CSS_SELECTOR, f"#gsea-table tbody tr[data-pathway='{pathway}']")
        button = row.find_element(By.CSS_SELECTOR, "button.le-toggle")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        i = button.get_attribute("data-i")
        detail = d.find_element(By.CSS_SELECTOR, f"#gsea-table tr.le[data-i='{i}']")
        check(detail.is_displayed(), f"leading edge of {pathway} not shown after the click")
        listed = detail.find_element(By.CSS_SELECTOR, ".le-genes").text.split(", ")
        check(listed == le, f"leading edge of {pathway}: {listed[:5]}... vs gsea.tsv {le[:5]}...")
        say(f"leading edge of {pathway}: {len(listed)} genes listed")

        # Console and network.
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"console errors: {errors}")
        reqs = network_requests(d, url)
        check(not reqs, f"network requests: {reqs}")
        say(f"console errors: {len(errors)}, network requests besides the page: {len(reqs)}")

        # Full-page screenshot.
        d.execute_script("window.scrollTo(0, 0)")
        dims = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": dims[0], "height": dims[1], "scale": 1}})
        import base64
        (out_dir / "report.png").write_bytes(base64.b64decode(shot["data"]))
        say(f"screenshot {dims[0]}x{dims[1]} -> {out_dir / 'report.png'}")

        if bench_dir is not None:
            bench = bench_dir / "report.html"
            d.get("about:blank")
            wall, tti = open_report(d, bench)
            n = d.execute_script("return document.getElementById('de-info').textContent")
            size = bench.stat().st_size
            say(f"benchmark report (60,000 x 38): {size / 1e6:.2f} MB, interactive after {tti:.0f} ms "
                f"(page clock; {wall * 1000:.0f} ms wall from navigation); table: {n}")
            check(size <= 10_000_000, f"benchmark report is {size} bytes > 10 MB")
            errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
            check(not errors, f"benchmark console errors: {errors}")
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
    if problems:
        say(f"{len(problems)} problem(s)")
        sys.exit(1)
    say("OK")


if __name__ == "__main__":
    main()

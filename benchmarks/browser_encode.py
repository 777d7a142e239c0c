"""Bulk encoding in the browser: N identities read and encoded in headless Chromium, against
`balise encode` on the same file.

    .venv/bin/python benchmarks/browser_encode.py [--rows 10000] [--seed 7]

Writes a CSV of N synthetic records (``balise.linkage.synthetic``: names with accents, particles,
typos, estimated dates) plus situation columns, and the same table as XLSX. Serves the app's
static files on 127.0.0.1 and, in Chromium (Debian's, through Playwright), runs what the import
page runs: ``bulk-encode.js`` parses the CSV (or ``read-excel-file`` reads the XLSX) and encodes
every row with ``encoding.js``. Baselines: the CLI ``balise encode`` on the same CSV (a separate
process, start-up included) and the Python ``Encoder`` in this process. The browser's output is
compared with the CLI's, row by row.
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import sync_playwright

from balise.linkage.encode import Encoder
from balise.linkage.secret import new_secret
from balise.linkage.synthetic import make_records

STATIC = Path(__file__).resolve().parents[1] / "src" / "balise" / "static"
BALISE = Path(sys.executable).with_name("balise")
CHROMIUM = "/usr/bin/chromium"
SITUATION = {"mois_detection": "03/2025", "arrondissement": "21000", "genre": "Fille"}

RUN_IN_PAGE = """async ([csvUrl, xlsxUrl, secret]) => {
  const { encodeIdentity } = await import("/balise/js/encoding.js");
  const bulk = await import("/balise/js/bulk-encode.js");
  const text = await (await fetch(csvUrl)).text();
  let start = performance.now();
  const result = await bulk.encodeTable(secret, bulk.parseCsv(text), { encodeIdentity });
  const csvSeconds = (performance.now() - start) / 1000;
  const blob = await (await fetch(xlsxUrl)).blob();
  start = performance.now();
  const sheets = await window.readXlsxFile(blob);
  const readSeconds = (performance.now() - start) / 1000;
  const again = await bulk.encodeTable(secret, sheets[0].data, { encodeIdentity });
  const xlsxSeconds = (performance.now() - start) / 1000;
  return {
    csvSeconds, readSeconds, xlsxSeconds,
    refusals: (result.refusals || []).length + (again.refusals || []).length,
    rows: result.rows || [], same: JSON.stringify(result.rows) === JSON.stringify(again.rows),
  };
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    records = make_records(args.rows, seed=args.seed)[: args.rows]
    secret = new_secret()
    folder = Path(tempfile.mkdtemp(prefix="balise-browser-encode-"))
    columns = ["record_id", "first_name", "last_name", "birth_date", "sex", *SITUATION]
    table = [[*r.identity().values(), *SITUATION.values()] for r in records]
    names_csv, names_xlsx = folder / "names.csv", folder / "names.xlsx"
    with names_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(table)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(columns)
    for row in table:
        sheet.append(row)
    book.save(names_xlsx)
    secret_path = folder / "network.secret.json"
    secret_path.write_text(secret.dumps(), encoding="utf-8")
    # The page fetches the two files from the same server as the scripts.
    for path in (names_csv, names_xlsx):
        (STATIC / "balise" / path.name).write_bytes(path.read_bytes())

    start = time.perf_counter()
    cli_out = folder / "cli.csv"
    subprocess.run(
        [str(BALISE), "encode", "--secret", str(secret_path), "--input", str(names_csv),
         "--output", str(cli_out)],
        check=True, capture_output=True,
    )  # fmt: skip
    cli_seconds = time.perf_counter() - start
    encoder = Encoder(secret)
    start = time.perf_counter()
    for r in records:
        encoder.encode(r.first_name, r.last_name, r.birth_date, r.sex)
    python_seconds = time.perf_counter() - start

    handler = functools.partial(_Quiet, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(base + "/balise/")
            page.add_script_tag(url="/balise/vendor/read-excel-file/read-excel-file.min.js")
            result = page.evaluate(
                RUN_IN_PAGE, [f"/balise/{names_csv.name}", f"/balise/{names_xlsx.name}",
                              secret.dumps()],
            )  # fmt: skip
            browser.close()
    finally:
        server.shutdown()
        for path in (names_csv, names_xlsx):
            (STATIC / "balise" / path.name).unlink()

    with cli_out.open(encoding="utf-8", newline="") as handle:
        cli_rows = [row[:4] for row in csv.reader(handle)]
    browser_rows = [row[:4] for row in result["rows"]]
    identical = cli_rows == browser_rows and result["same"] and not result["refusals"]

    n = len(records)
    print(f"rows: {n} (seed {args.seed}); browser output identical to balise encode: {identical}")
    print(f"{'path':<44}{'seconds':>9}{'rows/s':>10}{'vs CLI':>9}")
    for label, seconds in (
        ("browser: CSV parse + encode (bulk-encode.js)", result["csvSeconds"]),
        ("browser: XLSX read (read-excel-file)", result["readSeconds"]),
        ("browser: XLSX read + encode", result["xlsxSeconds"]),
        ("baseline: balise encode (CLI, process)", cli_seconds),
        ("baseline: Python Encoder (in process)", python_seconds),
    ):
        print(f"{label:<44}{seconds:>9.2f}{n / seconds:>10.0f}{seconds / cli_seconds:>8.2f}x")


if __name__ == "__main__":
    main()

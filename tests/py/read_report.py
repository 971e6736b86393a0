"""Reads a Paydesk CSV export back the way a bookkeeper's tools do, and prints what they saw as JSON.

- Python's csv module (the RFC 4180 reader), with utf-8-sig so a byte-order mark is dropped.
- pandas.read_csv, then to_excel through openpyxl, then the .xlsx opened again with openpyxl:
  what a spreadsheet holds, cell by cell, including whether a cell is text, a number or a formula.

Usage: read_report.py FILE.csv OUT.xlsx
"""

import csv
import json
import sys

import openpyxl
import pandas


def main() -> None:
    path, xlsx = sys.argv[1], sys.argv[2]
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    with open(path, "rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"

    # Amount columns as numbers, the rest as text, as a spreadsheet import would type them.
    frame = pandas.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for column in ("Gross", "Stripe fee", "Net"):
        frame[column] = pandas.to_numeric(frame[column])
    frame.to_excel(xlsx, index=False, engine="openpyxl")
    sheet = openpyxl.load_workbook(xlsx).active
    # Numbers printed with two decimals: every amount in this export is in euros.
    cells = [[{"value": format(c.value, ".2f") if isinstance(c.value, (int, float)) else c.value,
               "type": c.data_type}
              for c in row] for row in sheet.iter_rows()]
    json.dump({"bom": bom, "csv": rows, "xlsx": cells, "gross_sum": format(frame["Gross"].sum(), ".2f")}, sys.stdout,
              ensure_ascii=False)


if __name__ == "__main__":
    main()

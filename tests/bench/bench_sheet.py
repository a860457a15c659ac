"""Benchmark: a sign-in sheet with very long names, against cutting them a character at a
time (how the sheet did it before, 23 s for one name of 20,000 characters). Prints JSON.
Not part of the test run.

    python tests/bench/bench_sheet.py [--length 20000]

Target: a sheet with such a name renders in well under a second.
"""

from __future__ import annotations

import argparse
import json
import time

from tui.store.sheet import SheetData, SheetRow, _SheetPDF, render


def _linear_cut(pdf: _SheetPDF, text: str, width: float) -> str:
    """The baseline: drop one character and measure again, until it fits."""
    text = pdf.text_of(text)
    room = width - 2 * pdf.c_margin
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--length", type=int, default=20_000)
    length = parser.parse_args().length
    name = "Å" + "x" * (length - 1)
    data = SheetData("Kursus", "d", "t", "p", "", "", (SheetRow(name, name),))

    started = time.perf_counter()
    render(data)
    sheet_s = time.perf_counter() - started

    pdf = _SheetPDF(data)
    pdf.add_page()
    pdf.set_font("noto", "", 10)
    started = time.perf_counter()
    _linear_cut(pdf, name, 52.0)
    linear_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf.fitted(name, 52.0)
    fitted_s = time.perf_counter() - started
    print(json.dumps({"name_length": length, "sheet_seconds": round(sheet_s, 3),
                      "cut_seconds": round(fitted_s, 4),
                      "baseline_cut_seconds": round(linear_s, 2)}))


if __name__ == "__main__":
    main()

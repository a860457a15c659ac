"""The report as the files and the text a person gets: one serialisation for
``kuffert report`` and the reports screen's "save as".

Place and programme names in the report are stored text, so each document is made safe
as a whole: no control character for a terminal, no formula for a spreadsheet.
"""

from __future__ import annotations

import io
import json
from typing import IO

from tui.domain.csv_text import csv_cell, csv_writer
from tui.domain.reports import Report, report_rows, report_to_json, report_to_text
from tui.domain.text import json_safe, printable
from tui.i18n import _

# What ``report_file`` writes: text, JSON, CSV for Danish Excel, RFC 4180 CSV.
FORMATS = ("text", "json", "csv", "csv-plain")


def report_document(report: Report, fmt: str, *, plain: bool = False,
                    bom: bool = True) -> str:
    """The report as text (``fmt`` "text"), JSON or CSV (``plain`` for RFC 4180; ``bom``
    starts Danish Excel's CSV with the byte-order mark it needs to read UTF-8)."""
    if fmt == "json":
        buffer = io.StringIO()
        write_report(report, fmt, buffer)
        return buffer.getvalue()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer, plain=plain)
        writer.writerow([_("Figure"), _("Breakdown"), _("Value")])
        for figure, key, value in report_rows(report):
            writer.writerow([csv_cell(figure, plain=plain), csv_cell(key, plain=plain),
                             csv_cell(value, plain=plain, decimals=4)])
        return ("\ufeff" if bom and not plain else "") + buffer.getvalue()
    return printable(report_to_text(report), multiline=True)


def report_file(report: Report, fmt: str, *, plain: bool = False,
                to_file: bool = True) -> bytes:
    """The report in one of ``FORMATS`` as UTF-8 bytes. ``to_file``: for a file Excel
    may open (the byte-order mark), not for a pipe."""
    if fmt == "csv-plain":
        fmt, plain = "csv", True
    return report_document(report, fmt, plain=plain, bom=to_file).encode("utf-8")


def write_report(report: Report, fmt: str, out: IO[str], *, plain: bool = False,
                 bom: bool = True) -> None:
    """``report_document`` written to ``out``; JSON a piece at a time (a national
    report's JSON is 7 MB, and whole it was held four times over)."""
    if fmt != "json":
        out.write(report_document(report, fmt, plain=plain, bom=bom))
        return
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    # json_safe replaces single characters that occur only inside strings, so it may
    # be applied to the pieces as well as to the whole.
    pieces: list[str] = []
    size = 0
    for piece in encoder.iterencode(report_to_json(report)):
        pieces.append(piece)
        size += len(piece)
        if size > 1 << 16:
            out.write(json_safe("".join(pieces)))
            pieces, size = [], 0
    out.write(json_safe("".join(pieces)) + "\n")

"""CSV in the two dialects Kuffert writes.

The default is what Danish Excel opens with a double-click: semicolons, decimal comma
and dd-mm-yyyy dates (the byte-order mark is added by whoever writes the file).
``plain=True`` is RFC 4180 for other programs: commas, ISO dates and a decimal point.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import IO, Any

from tui.domain.parse import format_date, format_time
from tui.domain.text import printable
from tui.i18n import _

# Excel runs a cell starting with these as a formula, even from a CSV file.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number_text(value: float, decimals: int = 2) -> str:
    return f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")


def csv_cell(value: Any, *, plain: bool = False, decimals: int = 2) -> str:
    """One value as text in the chosen dialect; hours need 2 decimals, shares 4."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat() if plain else format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, float):
        text = _number_text(value, decimals)
        return text if plain else text.replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = printable(str(value), multiline=True)
    if text.startswith(_FORMULA_START):
        # Excel would evaluate the text, whichever dialect it is opened from; numbers
        # (a negative one too) are written above and stay numbers.
        text = "'" + text
    return text


def csv_writer(stream: IO[str], *, plain: bool = False) -> Any:
    return csv.writer(stream, delimiter="," if plain else ";", lineterminator="\r\n",
                      quoting=csv.QUOTE_MINIMAL)



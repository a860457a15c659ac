"""Printing for the headless commands: whatever is printed is safe for a terminal.

A message may carry stored text (a course id, a place, a heading from an imported file),
and the terminal obeys any escape sequence in what it is sent. Every line a command
prints goes through ``echo``, so a hostile file cannot set the window title, clear the
screen or hide the rest of the output. Only tui.domain is imported: commands stay fast.
"""

from __future__ import annotations

import sys
from typing import Any

from tui.domain.text import printable


def echo(*parts: Any, err: bool = False, end: str = "\n", flush: bool = False) -> None:
    """Like ``print``, with control characters and escape sequences taken out."""
    text = " ".join(str(part) for part in parts)
    print(printable(text, multiline=True), end=end, file=sys.stderr if err else sys.stdout,
          flush=flush)

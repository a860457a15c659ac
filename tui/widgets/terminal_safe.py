"""The last guard before the terminal: no control character leaves the screen's lines.

Stored text is made printable where it becomes display text (the record tables, the
exports); this filter catches whatever a label, a title, a notification or a text field
shows that did not pass there. It works on lines already laid out, so an escape
sequence becomes as many spaces as its visible characters took (what it carried is not
shown, and every column stays put), and other controls, which take no cell, go.
Textual strips BEL, BS, VT, FF and CR, but not ESC, C1 codes or bidi overrides.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from tui.domain.text import has_controls, masked


class ControlFilter(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(has_controls(s.text) for s in segments if not s.control):
            return segments  # the usual line: nothing to copy
        return [s if s.control else Segment(masked(s.text, _blank), s.style)
                for s in segments]


def _blank(sequence: str) -> str:
    return " " * cell_len(sequence)

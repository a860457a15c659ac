"""Horizontal bar charts drawn with block characters.

Bars are shapes and every bar ends in its number, so a chart reads the same without
colour (NO_COLOR), on a monochrome terminal and in a screenshot pasted into a report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from tui.widgets.record_table import clip

FULL = "█"
# Eighths of a cell: a bar of 3.4 cells is visibly longer than one of 3.
PARTS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
LABEL_MAX = 28
BAR_MIN = 4


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    # Shown at the end of the bar; the value itself when None.
    text: str | None = None

    @property
    def shown(self) -> str:
        if self.text is not None:
            return self.text
        return f"{self.value:g}"


def bar(value: float, largest: float, width: int) -> str:
    """``value`` as block characters; any value above zero gets at least a sliver."""
    if value <= 0 or largest <= 0 or width <= 0:
        return ""
    eighths = max(1, round(min(value / largest, 1.0) * width * 8))
    full, part = divmod(eighths, 8)
    return FULL * full + PARTS[part]


def bar_lines(bars: Sequence[Bar], width: int, *, labels: bool = True,
              full: float | None = None) -> list[str]:
    """One line per bar, ``width`` cells at most: label, bar, number.

    A bar of ``full`` fills the width (shares pass 1.0, so 50 % is half a line); without
    it the largest bar does.
    """
    if not bars:
        return []
    text_width = max(cell_len(b.shown) for b in bars)
    label_width = 0
    if labels:
        label_width = min(max(cell_len(b.label) for b in bars), LABEL_MAX, width // 3)
    bar_width = width - text_width - 1 - (label_width + 1 if label_width else 0)
    if bar_width < BAR_MIN:
        # Too narrow for a bar worth reading: the numbers alone still tell it.
        bar_width = 0
    largest = full if full is not None else max((b.value for b in bars), default=0)
    lines = []
    for item in bars:
        drawn = bar(item.value, largest, bar_width)
        parts = []
        if label_width:
            label = clip(item.label, label_width)
            parts.append(label + " " * (label_width - cell_len(label)))
        if bar_width:
            parts.append(drawn + " " * (bar_width - cell_len(drawn)))
        parts.append(" " * (text_width - cell_len(item.shown)) + item.shown)
        lines.append(" ".join(parts))
    return lines


class BarChart(Widget):
    """A chart as tall as its bars and as wide as it is given."""

    def __init__(self, bars: Iterable[Bar] = (), *, labels: bool = True,
                 full: float | None = None, empty: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.bars: tuple[Bar, ...] = tuple(bars)
        self.labels = labels
        self.full = full
        self.empty = empty

    def set_bars(self, bars: Iterable[Bar]) -> None:
        self.bars = tuple(bars)
        self.refresh(layout=True)

    def lines(self) -> list[str]:
        return bar_lines(self.bars, self.content_size.width, labels=self.labels,
                         full=self.full)

    def render(self) -> Text:
        if not self.bars:
            return Text(self.empty)
        return Text("\n".join(self.lines()), no_wrap=True, overflow="crop")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.bars))

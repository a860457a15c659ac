"""The register's table: any number of rows, drawn a screen line at a time.

A search over 50,000 people changes the rows on every key. A DataTable holds a widget row
per record and repaints all of itself for any change; over SSH that is 4-6 KB a key and
at national scale 100-200 ms to build. This table keeps only the list of rows and draws
the lines in sight; after a change it repaints just the lines whose text changed (typing
one more letter often leaves the first rows in place), so a key costs what it changes.
The scroll position is its own, with a one-column indicator in the last column, so that
a longer or shorter list never re-lays out the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.i18n import _
from tui.widgets.record_table import Column, clip

PADDING = 1  # cells each side of a column, as in a DataTable
THUMB, TRACK = "▐", " "


class Row(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def cells(self) -> tuple[str, ...]: ...


# What one screen line shows; a line is repainted only when this changes.
LineKey = tuple[object, ...]


class PeopleTable(Widget, can_focus=True):
    # Styled in tui/styles/registry.tcss.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "people-table--header", "people-table--cursor", "people-table--thumb"}
    # Moves are taken in the table's own turn, not as bindings (see list_table.py).
    MOVES: ClassVar[dict[str, tuple[str, int]]] = {
        "up": ("move", -1), "down": ("move", 1), "pageup": ("page", -1),
        "pagedown": ("page", 1), "home": ("move_to", 0), "end": ("move_to", -1),
    }

    class Selected(Message):
        """Enter or a click on the row under the cursor."""

        def __init__(self, row_id: str) -> None:
            super().__init__()
            self.row_id = row_id

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs = tuple(columns)
        self.rows: Sequence[Row] = ()
        self.cursor_row = 0
        self.top = 0  # the row shown on the first line under the header
        self._widths: tuple[int, ...] = ()
        self._shown: list[LineKey] = []

    # -- what tests and the screen ask -------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        return self.rows[self.cursor_row].id if self.rows else None

    def row_ids(self) -> list[str]:
        return [row.id for row in self.rows]

    def index_of(self, row_id: str) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == row_id), None)

    def shown_cells(self, row_id: str) -> list[str]:
        """The row's cells as drawn: cut to their columns."""
        index = self.index_of(row_id)
        if index is None:
            return []
        return [clip(cell, width, spec.clip) for spec, width, cell in
                zip(self.specs, self._widths, self.rows[index].cells, strict=True)]

    def visible_text(self) -> list[str]:
        """The lines in sight as plain text, the header first."""
        return [self.render_line(y).text for y in range(self.size.height)]

    # -- changing what is shown ------------------------------------------------------------

    def show(self, rows: Sequence[Row], *, cursor: str | None = None,
             keep_line: bool = False) -> None:
        """Show ``rows``, the cursor on ``cursor`` (or on the row it was on, or at the
        same place), and repaint only the lines that changed. ``keep_line``: the same
        rows read again (someone's change): the cursor's row stays on its screen line,
        so the list does not jump when a row comes or goes above it."""
        kept = cursor or self.cursor_key
        line = self.cursor_row - self.top
        self.rows = rows
        at = self.index_of(kept) if kept is not None else None
        if at is not None and keep_line:
            self.top = at - line
        self._place_cursor(self.cursor_row if at is None else at)
        self._repaint()

    def move_cursor(self, row: int) -> None:
        self._place_cursor(row)
        self._repaint()

    def _place_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self.rows) - 1))
        body = self._body_height()
        if body <= 0:
            return
        if self.cursor_row < self.top:
            self.top = self.cursor_row
        elif self.cursor_row >= self.top + body:
            self.top = self.cursor_row - body + 1
        # No empty lines at the end while there are rows above to show instead.
        self.top = max(0, min(self.top, len(self.rows) - body))

    def _body_height(self) -> int:
        return self.size.height - 1

    # -- keys and the mouse ------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        move = self.MOVES.get(event.key)
        if move is not None:
            event.stop()
            event.prevent_default()
            action, by = move
            getattr(self, f"action_{action}")(by)

    def action_move(self, by: int) -> None:
        self.move_cursor(self.cursor_row + by)

    def action_page(self, pages: int) -> None:
        body = max(1, self._body_height())
        self.top = max(0, min(self.top + pages * body, len(self.rows) - body))
        self.move_cursor(self.cursor_row + pages * body)

    def action_move_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self.rows) - 1)

    def on_click(self, event: events.Click) -> None:
        index = self.top + event.y - 1
        if event.y < 1 or not 0 <= index < len(self.rows):
            return
        if index == self.cursor_row:
            self.post_message(self.Selected(self.rows[index].id))
        else:
            self.move_cursor(index)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(-3)

    def _scroll(self, lines: int) -> None:
        body = max(1, self._body_height())
        self.top = max(0, min(self.top + lines, len(self.rows) - body))
        self.cursor_row = max(self.top, min(self.cursor_row, self.top + body - 1))
        self._repaint()

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)
        self._place_cursor(self.cursor_row)
        self._shown = []
        self.refresh()

    def _fit(self, total: int) -> None:
        # The last cell is the scroll indicator's.
        padding = 2 * PADDING * len(self.specs) + 1
        fixed = [None if c.width is None else max(c.width, cell_len(_(c.label)))
                 for c in self.specs]
        rest = total - padding - sum(w or 0 for w in fixed)
        self._widths = tuple(w if w is not None else max(c.min_width, rest)
                             for c, w in zip(self.specs, fixed, strict=True))

    def _line_key(self, y: int) -> LineKey:
        if y == 0:
            return ("header", self._widths)
        index = self.top + y - 1
        thumb = self._thumb(y - 1)
        if index >= len(self.rows):
            return ("blank", thumb)
        row = self.rows[index]
        return (row.id, row.cells, index == self.cursor_row, thumb, self._widths)

    def _thumb(self, line: int) -> bool:
        body = self._body_height()
        total = len(self.rows)
        if total <= body or body <= 0:
            return False
        size = max(1, body * body // total)
        start = round(self.top * (body - size) / max(1, total - body))
        return start <= line < start + size

    def _repaint(self) -> None:
        height = self.size.height
        if not height or not self._widths:
            return
        fresh = [self._line_key(y) for y in range(height)]
        width = self.size.width
        for y, key in enumerate(fresh):
            if y >= len(self._shown) or self._shown[y] != key:
                self.refresh(Region(0, y, width, 1))
        self._shown = fresh

    def _text(self, cells: Sequence[str], aligned: bool = True) -> str:
        parts = []
        for spec, width, cell in zip(self.specs, self._widths, cells, strict=True):
            text = clip(cell, width, spec.clip) if aligned else cell
            parts.append(" " * PADDING + set_cell_size(text, width) + " " * PADDING)
        return "".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if not self._widths:
            return Strip.blank(width, base)
        if y == 0:
            header = self.get_component_rich_style("people-table--header")
            text = self._text([_(spec.label) for spec in self.specs], aligned=False)
            return Strip([Segment(set_cell_size(text, width), base + header)], width)
        index = self.top + y - 1
        thumb_style = base + self.get_component_rich_style("people-table--thumb")
        thumb = Segment(THUMB if self._thumb(y - 1) else TRACK, thumb_style)
        if index >= len(self.rows):
            return Strip([Segment(" " * (width - 1), base), thumb], width)
        style: Style = base
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("people-table--cursor")
        text = set_cell_size(self._text(self.rows[index].cells), width - 1)
        return Strip([Segment(text, style), thumb], width)

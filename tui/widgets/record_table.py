"""A table of records that fits its width: one column takes the room the others leave."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.domain.text import has_controls, printable
from tui.i18n import _

Cell = str | int | Text


@dataclass(frozen=True, slots=True)
class Column:
    label: str  # an msgid, translated when the column is made
    width: int | None = None  # None: this column takes whatever width is left
    min_width: int = 12
    # "middle" keeps a name's end visible: demo course names differ only in their last
    # words ("..., Nuuk 2022" / "..., Qaqortoq 2023").
    clip: Literal["end", "middle"] = "end"


def clip(text: str, width: int, where: Literal["end", "middle"] = "end") -> str:
    """``text`` cut to ``width`` terminal cells, an ellipsis marking the cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return set_cell_size(text, width)
    if where == "middle":
        head = (width - 1) // 2
        tail = width - 1 - head
        return set_cell_size(text, head).rstrip() + "…" + _last_cells(text, tail)
    return set_cell_size(text, width - 1).rstrip() + "…"


def _last_cells(text: str, width: int) -> str:
    out = ""
    for char in reversed(text):
        if cell_len(char + out) > width:
            break
        out = char + out
    return out.lstrip()


class RecordTable(DataTable[str | Text]):
    """Rows keyed by record id; refilling keeps the cursor on the same record, and
    repaints only the cells that changed when the same records are shown again.

    Cells are cut to their column by this widget, with an ellipsis, so that no column
    is ever pushed out of sight on an 80-column terminal.

    With a ``page``, only that many rows past the cursor are put in the table; more are
    added as the cursor or the view comes near them. Thousands of rows take Textual
    longer to lay out than the rest of a screen takes to start.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first_row", show=False),
        Binding("end", "last_row", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self._draw_more(len(self._rows))
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def __init__(self, columns: Sequence[Column], *, id: str | None = None,
                 page: int | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.specs = tuple(columns)
        self.page = page
        self._drawing = False
        self._rows: list[tuple[str, tuple[Cell, ...]]] = []
        self._widths: tuple[int, ...] = ()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def on_mount(self) -> None:
        self._fit(self.size.width)

    @property
    def total_rows(self) -> int:
        """All rows shown, also those a page has not put in the table yet."""
        return len(self._rows)

    def show_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        fresh = [(key, tuple(cells)) for key, cells in rows]
        old, self._rows = self._rows, fresh
        drawn = self.row_count
        if not self._widths:
            return  # drawn once the width is known
        if not drawn or len(fresh) < drawn or any(
                new[0] != was[0] for new, was in zip(fresh[:drawn], old[:drawn], strict=True)):
            self._render_rows()
            return
        # The same records in the same places (read again after someone's change, or
        # the rest of a list read in two goes): only the cells that changed repaint.
        for index, ((_key, cells), (_was, before)) in enumerate(
                zip(fresh[:drawn], old[:drawn], strict=True)):
            for column, (spec, width, cell, was) in enumerate(
                    zip(self.specs, self._widths, cells, before, strict=True)):
                if cell != was:
                    self.update_cell_at(Coordinate(index, column), self._cell(spec, width, cell))
        self._draw_more(0)

    def row_index(self, key: str) -> int | None:
        """Where the record ``key`` is, putting it in the table if a page left it out."""
        index = next((i for i, (k, _cells) in enumerate(self._rows) if k == key), None)
        if index is not None:
            self._draw_more(index)
        return index if index is not None and index < self.row_count else None

    def _draw_more(self, upto: int) -> None:
        """Rows in the table up to ``upto`` (an index into all rows), and a page past it."""
        # Not between clearing the columns and adding them again, nor from the cursor's
        # watcher while rows are being added.
        if not self._widths or len(self.columns) != len(self.specs) or self._drawing:
            return
        drawn = self.row_count
        end = len(self._rows) if self.page is None else min(
            len(self._rows), max(drawn, upto + self.page))
        self._drawing = True
        try:
            for key, cells in self._rows[drawn:end]:
                self.add_row(*self._cells(cells), key=key)
        finally:
            self._drawing = False

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.page is not None and new.row >= self.row_count - self.page // 4:
            self._draw_more(new.row)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.page is not None and new + 2 * self.size.height >= self.max_scroll_y:
            self._draw_more(int(new) + 2 * self.size.height)

    def _fit(self, total: int) -> None:
        # Room for the vertical scrollbar is always kept, so that a growing table does
        # not suddenly cut every row by one more cell.
        padding = 2 * self.cell_padding * len(self.specs) + 1
        # A heading is never cut: "Courses" is longer than its Danish "Forløb".
        fixed_widths = [
            None if c.width is None else max(c.width, cell_len(_(c.label))) for c in self.specs
        ]
        fixed = sum(w or 0 for w in fixed_widths)
        widths = tuple(
            w if w is not None else max(c.min_width, total - padding - fixed)
            for c, w in zip(self.specs, fixed_widths, strict=True)
        )
        if widths == self._widths or total <= 0:
            return
        self._widths = widths
        kept, old_row = self._cursor_key(), self.cursor_row
        self.clear(columns=True)
        for spec, width in zip(self.specs, widths, strict=True):
            self.add_column(_(spec.label), width=width)
        self._render_rows(kept, old_row)

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _render_rows(self, kept: str | None = None, old_row: int | None = None) -> None:
        if not self._widths:
            return
        if old_row is None:
            kept, old_row = self._cursor_key(), self.cursor_row
        self.clear()
        keys = [key for key, _cells in self._rows]
        row = keys.index(kept) if kept in keys else old_row
        self._draw_more(row)
        if not self.row_count:
            return
        self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def _cells(self, cells: Sequence[Cell]) -> list[str | Text]:
        return [self._cell(spec, width, cell)
                for spec, width, cell in zip(self.specs, self._widths, cells, strict=True)]

    @staticmethod
    def _cell(spec: Column, width: int, cell: Cell) -> str | Text:
        if isinstance(cell, int):
            return Text(str(cell), justify="right")
        if isinstance(cell, Text):
            if has_controls(cell.plain):
                # Its spans go with the controls; the text must not reach the terminal.
                cell = Text(printable(cell.plain), style=cell.style, justify=cell.justify)
            return cell
        # Text, not str: a name like "Hold [A]" is data, not console markup. And stored
        # text, so no escape sequence in it may reach the terminal.
        return Text(clip(printable(cell), width, spec.clip))


class ListTable(RecordTable, inherit_bindings=False):
    """A RecordTable whose enter belongs to the screen (opening the record under the
    cursor): shown in its footer, and done in turn after the keys typed before it. A
    priority binding would be done when the key arrives, before moves still queued."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not DataTable's home and end either: they scroll sideways, and being first
        # they took the keys from the first and last row.
        *(b for b in DataTable.BINDINGS
          if isinstance(b, Binding) and b.key not in ("enter", "home", "end")),
        *RecordTable.BINDINGS,
    ]

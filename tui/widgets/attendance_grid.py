"""The attendance grid's tables, built to send as few bytes per keystroke as possible.

Trainers mark attendance over slow SSH links, one keystroke a person, so what a key
costs on the wire matters. Measured in a terminal (tests/bench/bench_attendance.py), a
stock DataTable in this screen sent 700 bytes for a cursor move and 3000 for a mark;
these are the reasons, and what is done about them here:

* ``DataTable.update_cell`` repaints the whole visible table: here a changed cell
  repaints only itself.
* Textual sends a partly changed line of a widget from the widget's left edge up to the
  change. So the totals are a widget of their own, right of the grid, and the session
  being marked is scrolled to the grid's left edge, next to the names: a move then sends
  two names and two cells, a mark adds one line of totals.
* Each key repainted the cell under the (idle) mouse, and every line carried the style
  of an empty padding segment; both are skipped.
* Scrolling repaints everything; going down a column row by row past the bottom would
  do that on every key, so the cursor jumps to mid-view instead.
"""

from __future__ import annotations

from typing import TypeAlias

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, CursorType, RowKey

CellValue: TypeAlias = str | Text


class QuietTable(DataTable[CellValue]):
    """A DataTable whose cell updates repaint that cell and nothing else."""

    def set_cell(self, row_key: str, column_key: str, value: CellValue) -> bool:
        """Update a cell; False (and nothing sent to the terminal) if it already shows
        ``value``."""
        if self._data[RowKey(row_key)].get(ColumnKey(column_key)) == value:
            return False
        self.update_cell(row_key, column_key, value)
        return True

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellValue,
        *,
        update_width: bool = False,
    ) -> None:
        if update_width:
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        row = RowKey(row_key) if isinstance(row_key, str) else row_key
        column = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        # Raises CellDoesNotExist, like the stock method, for an unknown key.
        coordinate = self.get_cell_coordinate(row, column)
        self._data[row][column] = value
        # The render caches are keyed on this count, so the new value is drawn; only the
        # cell's region is marked dirty, so only it is drawn.
        self._update_count += 1
        self._refresh_cell(coordinate)

    def _refresh_cell(self, coordinate: Coordinate) -> None:
        x = self._column_x(coordinate.column)
        width = self.ordered_columns[coordinate.column].get_render_width(self)
        left = self._row_label_column_width if self.show_row_labels else 0
        if coordinate.column >= self.fixed_columns and (
                x + width <= left + self._fixed_width() or x >= self.size.width):
            return  # scrolled out of sight sideways
        region = self._get_row_region(coordinate.row)
        self._refresh_lines(region.y, region.height, x, width)

    def measure(self) -> None:
        """Size the table for the rows just added, now. DataTable does it when the table
        is next idle, after the screen has painted it: the cursor's scroll waited for
        that, and the table was painted a second time, scrolled."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def _fixed_width(self) -> int:
        return sum(c.get_render_width(self) for c in self.ordered_columns[:self.fixed_columns])

    def _set_hover_cursor(self, active: bool) -> None:
        # The stock method repaints the mouse's cell on every cursor key, even when the
        # hover highlight was already off.
        if active != self._show_hover_cursor:
            super()._set_hover_cursor(active)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        strip = super()._render_line(y, x1, x2, base_style)
        # The padding after the last column is often zero cells wide, yet its style
        # would still be sent with every line.
        if any(not segment.text for segment in strip):
            strip = Strip([s for s in strip if s.text], strip.cell_length)
        return strip

    def refresh_coordinate(self, coordinate: Coordinate) -> QuietTable:
        # The stock method marks just the cell; the cursor's moves come through here.
        if self.is_valid_coordinate(coordinate):
            self._refresh_cell(coordinate)
        return self

    def _refresh_lines(self, y: int, height: int, x: int = 0, width: int | None = None
                       ) -> None:
        y -= int(self.scroll_y)
        header = self.header_height if self.show_header else 0
        if y < header or y >= self.size.height:
            return  # out of sight: drawn when it scrolls back in
        end = self.size.width if width is None else x + width
        # From the left edge: that is where Textual starts sending the line anyway, and
        # two dirty pieces of one line that do not touch would each send it from there.
        self.refresh(Region(0, y, end, height))

    def _column_x(self, column_index: int) -> int:
        """Where a column starts on screen: fixed columns do not scroll sideways."""
        x = self._row_label_column_width if self.show_row_labels else 0
        x += sum(c.get_render_width(self) for c in self.ordered_columns[:column_index])
        if column_index >= self.fixed_columns:
            x -= int(self.scroll_x)
        return x


class AttendanceGrid(QuietTable):
    """People (row labels) by sessions (columns), with a cell cursor whose person and
    session light up too, so the crosshair reads without colour.

    Columns after the first ``cursor_columns`` are blank fillers: they let the last
    session scroll to the left edge like any other (see ``_scroll_cursor_into_view``).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", header_height=2, zebra_stripes=False)
        self.cursor_columns = 0

    # Home and End go to the first and last person, as the help says of every table
    # (Textual's cell tables go to the first and last column instead); the session
    # under the cursor stays, since that is the column being marked.
    def action_scroll_home(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, column=self.cursor_column)

    def action_scroll_end(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, column=self.cursor_column)

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        value = super().validate_cursor_coordinate(value)
        if 0 < self.cursor_columns <= value.column:
            return Coordinate(value.row, self.cursor_columns - 1)
        return value

    def _should_highlight(
        self, cursor: Coordinate, target_cell: Coordinate, type_of_cursor: CursorType
    ) -> bool:
        if type_of_cursor == "cell":
            if target_cell.column == -1:
                return cursor.row == target_cell.row
            if target_cell.row == -1:
                return cursor.column == target_cell.column
        return super()._should_highlight(cursor, target_cell, type_of_cursor)

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old == new:
            return
        if old.row != new.row:
            self._refresh_label(old.row)
            self._refresh_label(new.row)
        if old.column != new.column:
            self._refresh_header(old.column)
            self._refresh_header(new.column)

    def _refresh_label(self, row_index: int) -> None:
        if self.show_row_labels and self.is_valid_row_index(row_index):
            region = self._get_row_region(row_index)
            self._refresh_lines(region.y, region.height, 0, self._row_label_column_width)

    def _refresh_header(self, column_index: int) -> None:
        if self.show_header and self.is_valid_column_index(column_index):
            width = self.ordered_columns[column_index].get_render_width(self)
            # From the left edge, for the reason given in _refresh_lines.
            self.refresh(Region(0, 0, self._column_x(column_index) + width,
                                self.header_height))

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Scroll only when the cursor leaves the view, and then further than needed.

        Scrolling repaints everything; going down a column row by row past the bottom
        would do that on every key, so the cursor lands mid-view instead. Sideways, the
        cursor's session lands at the left edge, where a cursor move costs least.
        """
        if not self.is_valid_coordinate(self.cursor_coordinate):
            return
        x, y = self.scroll_x, self.scroll_y
        row = self._get_row_region(self.cursor_row)
        top = self._get_fixed_offset().top
        visible = self.scrollable_content_region.height - top
        if visible > 0 and (row.y < y + top or row.bottom > y + top + visible):
            y = max(0, row.y - top - visible // 2)
        left = self._get_fixed_offset().left
        column = self.cursor_column
        start = sum(c.get_render_width(self) for c in self.ordered_columns[:column])
        width = self.ordered_columns[column].get_render_width(self)
        room = self.scrollable_content_region.width - left
        if start < x or start + width > x + room:
            x = start
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x=x, y=y, animate=False, force=True, immediate=True)

    def show_column_first(self, column_index: int) -> None:
        """Scroll sideways so the column is the first session in view."""
        if self.is_valid_column_index(column_index):
            x = sum(c.get_render_width(self) for c in self.ordered_columns[:column_index])
            self.scroll_to(x=x, animate=False, force=True, immediate=True)


class TotalsTable(QuietTable):
    """Per-person totals beside the grid: rows follow the grid's, no cursor of its own."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, show_cursor=False, header_height=2, zebra_stripes=False,
                         show_row_labels=False)

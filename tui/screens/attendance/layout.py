"""How the attendance grid is drawn: column widths, cell symbols, totals, the day line.

The tables themselves (widgets/attendance_grid.py) keep each repaint small; this
decides what they hold, so that the names, the totals and a few whole session columns
fit the terminal, and a mark redraws only its cell and its person's totals.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Size

from tui.domain.attendance import CellState, Grid, PersonTotals, default_session_column
from tui.domain.courses import Attendance, Mark, Session, SessionStatus
from tui.domain.parse import format_date, format_hours, weekday_name
from tui.domain.rules import session_hours
from tui.i18n import _
from tui.screens.attendance.writer import Cell, CourseData
from tui.widgets.attendance_grid import AttendanceGrid, TotalsTable
from tui.widgets.record_table import clip

# Column keys of the totals; a session id is a record id and never looks like these.
DAYS, HOURS, STATUS, COVER = "totals:days", "totals:hours", "totals:status", "totals:cover"
TOTAL_COLUMNS = (DAYS, HOURS, STATUS, COVER)

# What a cell shows. Symbols, not colours, so the grid reads the same with NO_COLOR and
# on a monochrome terminal; the excused letter follows the language's own word.
SYMBOLS: dict[str, dict[Mark, str]] = {
    "da": {Mark.PRESENT: "✓", Mark.ABSENT: "÷", Mark.EXCUSED: "M"},
    "en": {Mark.PRESENT: "✓", Mark.ABSENT: "÷", Mark.EXCUSED: "E"},
}
NOT_EXPECTED = "·"
# Trails the weekday of a session that did not take place on its date (u = udsat).
NOT_HELD_MARKER: dict[str, dict[SessionStatus, str]] = {
    "da": {SessionStatus.POSTPONED: "u", SessionStatus.CANCELLED: "a"},
    "en": {SessionStatus.POSTPONED: "p", SessionStatus.CANCELLED: "c"},
}
NAME_MIN, NAME_MAX = 8, 28
# Session columns kept in view beside the names and totals on a narrow terminal.
SESSIONS_IN_VIEW = 3
# Header, hint, session line and footer take a line each, the tables' header two.
BARS = 4


class GridLayout:
    """Puts one course's data into the grid and totals tables, and keeps them current.

    ``data`` is what is shown; the screen replaces it on a full read and changes its
    grid in place for a mark.
    """

    def __init__(self, grid: AttendanceGrid, totals: TotalsTable, lang: str) -> None:
        self.grid = grid
        self.totals = totals
        self.lang = lang
        self.data: CourseData | None = None
        self.used = (0, 0)
        self._expected_days: dict[str, int] = {}

    # -- building --------------------------------------------------------------------------

    def build(self, size: Size, keep: Cell | None, today: dt.date) -> None:
        """Fill both tables from ``data``, the cursor on ``keep`` if it is still there,
        else on the day the grid opens on, that day first in view (the days after it
        beside it: the cursor is cheapest there, see widgets/attendance_grid.py).

        Scrolled before the tables are first painted, so they are painted once.
        """
        assert self.data is not None
        data, table, totals = self.data, self.grid, self.totals
        grid = data.grid
        table.clear(columns=True)
        totals.clear(columns=True)
        for key, label, width in self._total_columns(grid):
            totals.add_column(label, key=key, width=width)
        totals.styles.width = self._totals_width(grid, size)
        session_width = self._session_width(grid)
        for session in grid.sessions:
            table.add_column(self.session_label(session), key=session.id, width=session_width)
        self.used = name_width, filler_count = self.layout(size)
        # Blank columns after the last day, so that it too can be scrolled to the left.
        fillers = [f"filler:{n}" for n in range(filler_count)]
        for key in fillers:
            table.add_column("", key=key, width=session_width)
        table.cursor_columns = len(grid.sessions)
        self._count_expected()
        for pid in grid.person_ids:
            name = clip(data.names[pid], name_width)
            # Padded: the label column's width is its widest label's, and it must be
            # exactly what the sessions were fitted around.
            label = Text(name + " " * (name_width - cell_len(name)))
            table.add_row(*(self._cell_text(pid, s.id) for s in grid.sessions),
                          *("" for _key in fillers), key=pid, label=label)
            totals.add_row(*self._total_cells(pid), key=pid)
        table.measure()
        totals.measure()
        row, column = 0, default_session_column(grid.sessions, today)
        if keep is not None:
            pid, sid = keep
            with contextlib.suppress(KeyError):
                row = grid.row(pid)
            with contextlib.suppress(KeyError):
                column = grid.column(sid)
        table.cursor_coordinate = Coordinate(row, column)
        if keep is None:
            table.show_column_first(column)

    def layout(self, size: Size) -> tuple[int, int]:
        """The width of the names and the number of blank columns after the last day.

        Names get what the totals and a few session columns leave on the terminal. When
        the sessions do not all fit, the names also take the odd cells left over, so the
        sessions in view are whole columns, never a cut-off date.
        """
        assert self.data is not None
        grid = self.data.grid
        padding = 2 * self.grid.cell_padding
        session = self._session_width(grid) + padding
        room = size.width - self._totals_width(grid, size) - padding
        names = self.data.names.values()
        name = max(NAME_MIN, min(NAME_MAX, max((cell_len(n) for n in names), default=0)))
        name = max(NAME_MIN, min(name, room - min(SESSIONS_IN_VIEW, len(grid.sessions)) * session))
        left = room - name
        if left < len(grid.sessions) * session:
            name += left % session
        in_view = max(1, (room - name) // session)
        return name, min(in_view, len(grid.sessions)) - 1

    def _totals_width(self, grid: Grid, size: Size) -> int:
        padding = 2 * self.totals.cell_padding
        columns = sum(w + padding for _k, _l, w in self._total_columns(grid))
        scrollbar = 1 if len(grid.person_ids) + 2 > size.height - BARS else 0
        return columns + scrollbar

    def _total_columns(self, grid: Grid) -> list[tuple[str, Text, int]]:
        n = len(grid.sessions)
        most_hours = sum(session_hours(s) or 0.0 for s in grid.sessions)
        statuses = [_("ok"), "–", _("✗ out of reach")]
        labels = {DAYS: _("Days"), HOURS: _("Hours"), STATUS: _("Completion"),
                  COVER: _("Cover")}
        widths = {
            DAYS: len(f"{n}/{n}"),
            # Whole hours and up to two decimals ("288,65").
            HOURS: len(str(int(most_hours))) + 3,
            STATUS: max(cell_len(s) for s in statuses),
            COVER: cell_len(format_hours(999.5)),
        }
        return [(key, Text(labels[key]), max(widths[key], cell_len(labels[key])))
                for key in TOTAL_COLUMNS]

    def session_label(self, session: Session) -> Text:
        day = weekday_name(session.date, short=True).rstrip(".")
        marker = NOT_HELD_MARKER[self.lang].get(session.status, "")
        top = f"{day} {marker}" if marker else day
        return Text(f"{top}\n{session.date.day:02d}-{session.date.month:02d}")

    def _session_width(self, grid: Grid) -> int:
        widest = max(cell_len(line) for s in grid.sessions
                     for line in self.session_label(s).plain.splitlines())
        # Partial hours such as "3,25" must fit too.
        return max(widest, 4)

    # -- cells -----------------------------------------------------------------------------

    def cell_symbol(self, state: CellState) -> str:
        if state.mark is None:
            return "" if state.expected else NOT_EXPECTED
        if state.mark is Mark.PARTIAL:
            return format_hours(state.hours or 0.0)
        return SYMBOLS[self.lang][state.mark]

    def _cell_text(self, pid: str, sid: str) -> Text:
        assert self.data is not None
        return Text(self.cell_symbol(self.data.grid.cell(pid, sid)), justify="center")

    def _count_expected(self) -> None:
        assert self.data is not None
        grid = self.data.grid
        self._expected_days = {
            pid: sum(grid.cell(pid, s.id).expected for s in grid.sessions)
            for pid in grid.person_ids
        }

    def _total_cells(self, pid: str) -> list[Text]:
        assert self.data is not None
        totals = self.data.grid.person_totals(pid)
        return [
            Text(f"{totals.days_attended}/{self._expected_days.get(pid, 0)}", justify="right"),
            Text(format_hours(totals.hours_attended), justify="right"),
            Text(_completion_text(totals)),
            Text(format_hours(totals.substitute_hours) if totals.substitute_hours else "",
                 justify="right"),
        ]

    def show_cell(self, pid: str, sid: str) -> None:
        """Show a cell's mark and its person's totals; what is unchanged is not sent."""
        self.grid.set_cell(pid, sid, self._cell_text(pid, sid))
        self._show_totals(pid)

    def show_all(self) -> None:
        """After a read of the same people and sessions: repaint only what differs."""
        assert self.data is not None
        grid = self.data.grid
        self._count_expected()
        for pid in grid.person_ids:
            for sid in grid.session_ids:
                self.grid.set_cell(pid, sid, self._cell_text(pid, sid))
            self._show_totals(pid)

    def _show_totals(self, pid: str) -> None:
        for key, text in zip(TOTAL_COLUMNS, self._total_cells(pid), strict=True):
            self.totals.set_cell(pid, key, text)

    def cursor_cell(self) -> Cell | None:
        table = self.grid
        if self.data is None or not table.row_count or not table.columns:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate)
        if key.row_key.value is None or key.column_key.value is None:
            return None
        return key.row_key.value, key.column_key.value


def _completion_text(totals: PersonTotals) -> str:
    if totals.completes:
        return _("ok")
    if not totals.still_reachable:
        return _("✗ out of reach")
    return "–"


def same_shape(old: Grid, new: Grid) -> bool:
    return old.person_ids == new.person_ids and old.session_ids == new.session_ids and all(
        old.session(s) == new.session(s) for s in new.session_ids)


def session_summary(grid: Grid, sid: str) -> str:
    """The selected day's count; which day of how many, since the grid has no scrollbar
    sideways."""
    session, totals = grid.session(sid), grid.session_totals(sid)
    day = _("{date}, day {n} of {count}").format(
        date=f"{weekday_name(session.date, short=True)} {format_date(session.date)}",
        n=grid.column(sid) + 1, count=len(grid.sessions))
    if session.status in (SessionStatus.POSTPONED, SessionStatus.CANCELLED):
        return _("{day} ({status}): nobody is expected").format(
            day=day, status=session.status.label.lower())
    if totals.rate is None:
        return _("{day}: nobody is expected").format(day=day)
    return _("{day}: {present} of {expected} present ({rate} %), {unmarked} not marked"
             ).format(day=day, present=totals.present, expected=totals.expected,
                      rate=round(100 * totals.rate), unmarked=totals.expected - totals.marked)


def overwrite_text(data: CourseData, pid: str, sid: str, after: Attendance | None) -> str:
    """What to tell a user whose mark here was replaced from elsewhere."""
    name = data.names.get(pid, pid)
    date = format_date(data.grid.session(sid).date)
    if after is None:
        return _("Someone else cleared {name}'s mark for {date}.").format(name=name, date=date)
    what = after.mark.label
    if after.mark is Mark.PARTIAL and after.hours is not None:
        what = f"{what} ({format_hours(after.hours)})"
    return _("{who} changed {name}'s mark for {date} to {mark}.").format(
        who=after.updated_by or _("Someone else"), name=name, date=date, mark=what.lower())

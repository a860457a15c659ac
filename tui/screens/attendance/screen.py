"""Marking attendance: one key a person, straight down a session's column.

This is the screen trainers use most, right after a session, on old laptops and over
slow SSH links, so it is built for keystrokes and bytes:

* A mark changes the grid at once; the store write runs on the writer thread
  (writer.py), a moment after the screen is drawn, and its answer comes back as a
  message. The screen never waits on the store.
* A mark repaints its cell, its person's totals and the session line, nothing else
  (layout.py decides what the tables hold, widgets/attendance_grid.py keeps each
  repaint small).
* Another user's marks on the same course show up within a couple of seconds: the
  app's one watcher says when the course's file (or the names, or the course's own
  record) changed, and the writer reports only the records that differ from what it
  read or wrote, so the grid's own marks cause no repaint. While the trainer is
  typing, that look waits for a pause (at most a couple of seconds).

To open it: ``host.open_attendance(course_id)``; the app's CSS includes
styles/attendance.tcss and styles/form.tcss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import Header, Static

from tui.domain.attendance import (
    MarkAction,
    MarkChange,
    MarkState,
    UndoStack,
    default_session_column,
)
from tui.domain.courses import Attendance, Mark, attendance_id
from tui.i18n import _, language
from tui.screens import live
from tui.screens.attendance import keys
from tui.screens.attendance.dialogs import DialogsMixin, HoursPrompt
from tui.screens.attendance.layout import GridLayout, overwrite_text, same_shape, session_summary
from tui.screens.attendance.pending import PendingMarks
from tui.screens.attendance.sheet import SheetAction
from tui.screens.attendance.writer import Cell, CourseData, CourseWriter, RefreshJob, WriteJob
from tui.screens.base import TypeAheadScreen
from tui.store.bulk import collector_paused
from tui.store.store import Store
from tui.widgets.attendance_grid import AttendanceGrid, TotalsTable
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings

__all__ = ["AttendanceScreen", "HoursPrompt"]

# Seconds between a mark on the screen and its write starting (see record_marks).
WRITE_DELAY = 0.05
# Seconds without a mark before others' changes are looked for, and the longest a
# trainer's typing keeps them waiting.
TYPING_PAUSE, TYPING_PAUSE_MAX = 0.8, 2.0
# Seconds after the grid is shown before the cyclic collector runs again (see compose),
# and the longest it rests whatever happens (a read that never comes back).
COLLECTOR_REST, COLLECTOR_REST_LONGEST = 1.0, 10.0


class AttendanceScreen(DialogsMixin, TypeAheadScreen[None]):
    """The attendance grid of one course: people down, sessions across."""

    BINDINGS: ClassVar[list[BindingType]] = keys.BINDINGS
    # Not the hidden grid, before the course is read: its own keys would take arrows
    # typed ahead, which the screen keeps until then (TypeAheadScreen).
    AUTO_FOCUS = ""

    def __init__(self, store: Store, course_id: str, *, sheet_folder: Path | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(id="attendance")
        self._store = store
        self.course_id = course_id
        self.today = today or dt.date.today()
        self.lang = language()
        keys.add_mark_bindings(self, self.lang)
        translate_bindings(self)
        self.undo_stack = UndoStack()
        self.pending = PendingMarks()
        self.sheet = SheetAction(self, course_id, sheet_folder)
        self.view: GridLayout | None = None
        self._writer = CourseWriter(store, course_id, self.post_message)
        self._answers = 0  # answers still to come from the writer
        self._refreshing = False
        self._unsent: list[WriteJob] = []
        self.write_delay = WRITE_DELAY
        self._last_mark = 0.0
        self._waiting_since = 0.0
        # Keys pressed before the course is read wait for it, to run in order.
        self.hold_until(lambda: self.data is not None)
        self._show_on_focus = False
        self._collector = contextlib.ExitStack()
        self._session_line_for: str | None = None
        self._session_text = ""

    @property
    def store(self) -> Store:
        return self._store

    # -- what it shows -----------------------------------------------------------------

    def watched(self) -> frozenset[str]:
        # The marks, sessions and enrolments are in the course's file; its name and
        # completion rule in the main file; the names in the people registry.
        return frozenset({live.course(self.course_id), live.MAIN, live.PEOPLE})

    @property
    def data(self) -> CourseData | None:
        return self.view.data if self.view else None

    @property
    def grid(self) -> AttendanceGrid:
        return self.query_one("#attendance-grid", AttendanceGrid)

    @property
    def totals(self) -> TotalsTable:
        return self.query_one("#attendance-totals", TotalsTable)

    @property
    def last_sheet(self) -> Path | None:
        return self.sheet.last

    @property
    def busy(self) -> bool:
        """True while a read, write or sheet is on its way (tests wait for it)."""
        return self._answers > 0 or self.sheet.busy > 0

    def compose(self) -> ComposeResult:
        # Opening makes some 30,000 objects (widgets, rows, painted lines); on the way
        # they set off a full collection, which at national scale walks the whole app
        # for 100-150 ms, in the middle of about every other opening. It waits until
        # the grid has been shown a moment; reference counting frees what the opening
        # throws away meanwhile.
        self._collector.enter_context(collector_paused())
        yield Header(icon="")
        yield Static("", id="attendance-hint")
        yield Static(_("Reading the course …"), id="attendance-message", classes="message")
        # Hidden until the course is read: nothing in them can take the focus (and the
        # keys) before that; the screen keeps those keys meanwhile.
        body = Horizontal(id="attendance-body")
        body.display = False
        with body:
            yield AttendanceGrid(id="attendance-grid")
            yield TotalsTable(id="attendance-totals")
        session = Static("", id="attendance-session")
        session.display = False
        yield session
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.view = GridLayout(self.grid, self.totals, self.lang)
        # The totals' rows scroll with the grid's (and the other way round for a wheel
        # turned over the totals, the side with the scrollbar).
        self.watch(self.grid, "scroll_y", self._follow_grid, init=False)
        self.watch(self.totals, "scroll_y", self._follow_totals, init=False)
        self.query_one("#attendance-hint", Static).update(keys.hint(self))
        if self._writer.started:
            # Shown again after being closed: the old thread has ended.
            self._writer = CourseWriter(self.store, self.course_id, self.post_message)
        self._writer.start()
        self.set_timer(COLLECTOR_REST_LONGEST, self._collector.close)
        self.mark_read()
        self._ask(RefreshJob(full=True))

    def on_unmount(self) -> None:
        # Queued marks are still written; the thread ends after them.
        self._send()
        self._writer.close()
        self._collector.close()

    def _ask(self, job: object, answers: int = 1) -> None:
        self._answers += answers
        self._writer.submit(job)

    # -- others' changes ---------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        # What is not looked at now stays unread, so the watcher says so again in a
        # second: one look at a time, and none while the trainer is typing (on a big
        # course a look costs the interpreter the keys need), unless that has gone
        # on for a while.
        if self._refreshing or self.view is None:
            return
        now = time.monotonic()
        if now - self._last_mark < TYPING_PAUSE and self.data is not None:
            self._waiting_since = self._waiting_since or now
            if now - self._waiting_since < TYPING_PAUSE_MAX:
                return
        self._waiting_since = 0.0
        self.mark_read(*changes.sources)
        self._refreshing = True
        self._ask(RefreshJob(full=self.data is None,
                             course=live.course(self.course_id) in changes,
                             header=live.MAIN in changes or live.PEOPLE in changes))

    @on(CourseWriter.Loaded)
    def _loaded(self, message: CourseWriter.Loaded) -> None:
        self._answered()
        if message.data is None:
            self._show_problem(message.error or "")
            return
        assert self.view is not None
        old, data = self.view.data, message.data
        # Marks still on their way are not in what was read; carry them over.
        for (pid, sid), record in self.pending.provisional():
            with contextlib.suppress(KeyError):
                _set_record(data.grid, pid, sid, record)
        self.view.data = data
        self.sub_title = data.course.name
        if (old is not None and same_shape(old.grid, data.grid) and old.names == data.names
                and self.grid.row_count):
            for pid in data.grid.person_ids:
                for sid in data.grid.session_ids:
                    self._notice_overwrite(pid, sid, old.grid.record(pid, sid),
                                           data.grid.record(pid, sid))
            self.view.show_all()
        else:
            self._build_table()
        self._show_session_line(force=True)
        self.keys_ready()

    @on(CourseWriter.Changed)
    def _changed(self, message: CourseWriter.Changed) -> None:
        self._answered()
        if self.data is None:
            return
        grid = self.data.grid
        for pid, sid, record in message.changes:
            if (pid, sid) in self.pending:
                continue  # our own later mark is on its way and will overwrite this
            try:
                before = grid.record(pid, sid)
            except KeyError:
                continue
            self._notice_overwrite(pid, sid, before, record)
            self._take(pid, sid, record)
        if message.changes:
            self._show_session_line(force=True)

    def _answered(self) -> None:
        self._answers -= 1
        self._refreshing = False

    def _show_problem(self, text: str) -> None:
        if self.data is None:
            message = self.query_one("#attendance-message", Static)
            message.update(Text(_("Kuffert cannot read this course.") + "\n\n" + text))
            message.display = True
            self._collector.close()
            self.let_keys_go()
        else:
            self.notify(text, title=_("The course could not be read"), severity="error",
                        timeout=15)

    def _notice_overwrite(self, pid: str, sid: str, before: Attendance | None,
                          after: Attendance | None) -> None:
        """Tell the user when a mark they made here was replaced from elsewhere."""
        if self.data is None or not self.pending.overwritten((pid, sid), before, after):
            return
        text = overwrite_text(self.data, pid, sid, after)
        self.notify(text, title=_("Changed by someone else"), severity="warning", timeout=15)

    # -- layout ------------------------------------------------------------------------

    def _build_table(self) -> None:
        assert self.view is not None and self.view.data is not None
        grid = self.view.data.grid
        message = self.query_one("#attendance-message", Static)
        body = self.query_one("#attendance-body")
        if not grid.sessions or not grid.person_ids:
            body.display = False
            self.query_one("#attendance-session").display = False
            message.update(Text(
                _("This course has no sessions yet.") if not grid.sessions
                else _("Nobody is enrolled in this course yet."), justify="center"))
            message.display = True
            self._collector.close()
            return
        keep = self.view.cursor_cell()
        self.view.build(self._room(), keep, self.today)
        if self.focused is self.grid:
            self._show_grid()
        else:
            # Shown once it has the focus, which waits for the keys typed ahead: shown
            # before, it was painted unfocused, and at once again, whole, in the
            # colours of a focused cursor.
            self._show_on_focus = True
        self.typeahead.focus(self.grid)

    @on(events.DescendantFocus)
    def _focused(self, event: events.DescendantFocus) -> None:
        if event.widget is self.grid and self._show_on_focus:
            self._show_grid()

    def _show_grid(self) -> None:
        self._show_on_focus = False
        self.query_one("#attendance-message").display = False
        self.query_one("#attendance-body").display = True
        self.query_one("#attendance-session").display = True
        self.set_timer(COLLECTOR_REST, self._collector.close)

    def _room(self) -> Size:
        return self.size if self.size.width else self.app.size

    def _follow_grid(self, y: float) -> None:
        self.totals.scroll_to(y=y, animate=False, immediate=True)

    def _follow_totals(self, y: float) -> None:
        self.grid.scroll_to(y=y, animate=False, force=True, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        # Below 60x20 the app shows its own sentence over every screen (widgets/
        # too_small.py); the grid keeps its layout for when the window grows again.
        if self.view is None or self.data is None or not self.grid.row_count:
            return
        if self.view.layout(event.size) != self.view.used:
            self._build_table()

    # -- the session line --------------------------------------------------------------

    def _cursor_cell(self) -> Cell | None:
        return self.view.cursor_cell() if self.view else None

    @on(AttendanceGrid.CellHighlighted, "#attendance-grid")
    def _highlighted(self, event: AttendanceGrid.CellHighlighted) -> None:
        self._show_session_line()

    def _show_session_line(self, force: bool = False) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        sid = cell[1]
        if sid == self._session_line_for and not force:
            return  # moving down a column: nothing on this line changes
        self._session_line_for = sid
        text = session_summary(self.data.grid, sid)
        if text != self._session_text:
            # Only a real change is sent: an update repaints the line even if unchanged.
            self._session_text = text
            # No layout pass: the line's size never changes, and a layout pass would
            # repaint the scrollbars too.
            self.query_one("#attendance-session", Static).update(text, layout=False)

    # -- marking -----------------------------------------------------------------------

    def action_mark(self, action_name: str) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        action = MarkAction(action_name)
        pid, sid = cell
        if action is MarkAction.PARTIAL:
            self._ask_partial_hours(pid, sid)
            return
        after = None if action is MarkAction.CLEAR else MarkState(Mark(action.value))
        self.record_marks([(pid, sid, after)])
        self._move_down()

    def action_all_present(self) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        sid = cell[1]
        unmarked = self.data.grid.unmarked(sid)
        if not unmarked:
            self.notify(_("Everyone expected already has a mark for this session."))
            return
        self.record_marks([(pid, sid, MarkState(Mark.PRESENT)) for pid in unmarked],
                          label=_("All present"))

    def _move_down(self) -> None:
        table = self.grid
        if table.cursor_row < table.row_count - 1:
            table.cursor_coordinate = table.cursor_coordinate.down()

    def action_move(self, direction: str) -> None:
        table = self.grid
        if not table.display or not table.row_count:
            return
        if direction in ("home", "end"):
            getattr(table, f"action_scroll_{direction}")()
        else:
            getattr(table, f"action_cursor_{direction}")()

    def record_marks(self, cells: Sequence[tuple[str, str, MarkState | None]], *,
                     label: str = "", undoable: bool = True) -> None:
        """Show the marks now, remember them for undo, and queue them for the store."""
        assert self.view is not None and self.data is not None
        grid = self.data.grid
        changes: list[MarkChange] = []
        jobs: list[tuple[str, str, MarkState | None]] = []
        for pid, sid, after in cells:
            try:
                current = grid.record(pid, sid)
            except KeyError:
                continue  # the person or session left the course since the step was made
            before = MarkState.of(current)
            if before == after:
                continue
            changes.append(MarkChange(self.course_id, sid, pid, before, after))
            jobs.append((pid, sid, after))
            shown = None if after is None else _provisional(current, self.course_id,
                                                            pid, sid, after)
            self.pending.begin((pid, sid), current, shown)
            _set_record(grid, pid, sid, shown)
            self.view.show_cell(pid, sid)
        if not jobs:
            return
        self._last_mark = time.monotonic()
        if undoable:
            self.undo_stack.push(changes, label)
        self._answers += 1
        # Sent to the writer a moment later, once the screen has been drawn: on a big
        # course a write takes tens of milliseconds of the same interpreter, and the
        # trainer should see the mark first. Marks typed meanwhile go along in the
        # same write; on_unmount sends whatever is still waiting.
        if not self._unsent:
            self.set_timer(self.write_delay, self._send)
        self._unsent.append(WriteJob(tuple(jobs)))
        self._show_session_line(force=True)

    def _send(self) -> None:
        for job in self._unsent:
            self._writer.submit(job)
        self._unsent.clear()

    @on(CourseWriter.Written)
    def _written(self, message: CourseWriter.Written) -> None:
        self._answers -= 1
        if message.error:
            self.notify(message.error, title=_("Not saved"), severity="error", timeout=15)
        for pid, sid, record in message.results:
            cell = (pid, sid)
            show, record = self.pending.answered(cell, record, failed=bool(message.error),
                                                 unknown=cell in message.unknown)
            if show:
                self._take(pid, sid, record)
        self._show_session_line(force=True)

    def _take(self, pid: str, sid: str, record: Attendance | None) -> None:
        """Put a stored record into the grid; repaint only if what it shows changed."""
        if self.view is None or self.data is None:
            return
        try:
            _set_record(self.data.grid, pid, sid, record)
        except KeyError:
            return  # a cell the grid does not have: the next structure read rebuilds
        self.view.show_cell(pid, sid)

    # -- undo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        step = self.undo_stack.undo()
        if step is None:
            self.notify(_("Nothing to undo."))
            return
        self._replay([(c.person_id, c.session_id, c.before) for c in step.changes])

    def action_redo(self) -> None:
        step = self.undo_stack.redo()
        if step is None:
            self.notify(_("Nothing to redo."))
            return
        self._replay([(c.person_id, c.session_id, c.after) for c in step.changes])

    def _replay(self, cells: list[tuple[str, str, MarkState | None]]) -> None:
        if self.data is None:
            return
        self.record_marks(cells, undoable=False)
        if len(cells) == 1:
            # Show where the change happened, so an undo is never a silent surprise.
            pid, sid, _state = cells[0]
            with contextlib.suppress(KeyError):
                grid = self.data.grid
                self.grid.cursor_coordinate = Coordinate(grid.row(pid), grid.column(sid))

    # -- paper and leaving -------------------------------------------------------------

    def action_sheet(self) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        self.sheet.write(self.data.grid.session(cell[1]))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_key(self, event: events.Key) -> None:
        # Escape behind keys still waiting for the course waits in turn; alone, it
        # closes at once (a course slow to read need not be waited for).
        typeahead = self.typeahead
        if (event.key == "escape" and self.data is None and typeahead.holding
                and not typeahead.keys):
            event.stop()
            event.prevent_default()
            self.action_close()

    def default_session(self) -> str:
        """The session under the cursor; with nobody in the grid yet, the one the grid
        opened on."""
        assert self.data is not None
        cell = self._cursor_cell()
        grid = self.data.grid
        return cell[1] if cell else grid.session_ids[
            default_session_column(grid.sessions, self.today)]


def _set_record(grid: Any, pid: str, sid: str, record: Attendance | None) -> None:
    if record is None:
        grid.clear(pid, sid)
    else:
        grid.apply(record)


def _provisional(old: Attendance | None, course_id: str, pid: str, sid: str,
                 state: MarkState) -> Attendance:
    """The record a mark will be stored as, shown until the store answers."""
    return Attendance(
        id=attendance_id(sid, pid), course_id=course_id, session_id=sid, person_id=pid,
        mark=state.mark, hours=state.hours, version=old.version if old else 0,
        updated_by="",
    )

"""Marking attendance: one key a person, straight down a session's column.

This is the screen trainers use most, right after a session, on old laptops and over
slow SSH links, so it is built for keystrokes and bytes:

* A mark changes the grid at once; the store write runs on one writer thread, started
  a moment after the screen is drawn. Writing a mark rewrites its course's file, which
  for a 400-person course is tens of milliseconds of the same interpreter (more during
  the day's first backup, or while another user holds the write lock), and a keystroke
  must not wait for that. One thread, in order, means the file ends up as the keys
  were pressed, and marks typed during a write go in the next one together. The thread
  is not a daemon, so quitting waits for the last mark to be saved. A failed write is
  reported and its cells show what is stored.
* A mark repaints its cell, its person's totals and the session line, nothing else
  (see widgets/attendance_grid.py for how the tables keep that small).
* Another user's marks on the same course show up within a couple of seconds: the
  course file's identity is polled (a ``stat``) and only changed records are taken in.
  While the trainer is typing, the poll waits for a pause.

To open it: ``app.push_screen(AttendanceScreen(store, course_id))`` in an app whose
CSS_PATH includes styles/attendance.tcss and styles/form.tcss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.domain.attendance import (
    PRIMARY_KEYS,
    CellState,
    Grid,
    MarkAction,
    MarkChange,
    MarkState,
    PersonTotals,
    UndoStack,
    default_session_column,
    mark_keys,
)
from tui.domain.courses import (
    Attendance,
    Course,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Session,
    SessionStatus,
    attendance_id,
)
from tui.domain.parse import format_date, format_hours, parse_hours, weekday_name
from tui.domain.people import Person
from tui.domain.rules import session_hours
from tui.i18n import N_, _, language, ngettext
from tui.screens.attendance.walk_in import walk_in_form, walk_in_person
from tui.store.errors import StoreError
from tui.store.store import Store
from tui.store.walk_in import add_walk_in
from tui.widgets.attendance_grid import AttendanceGrid, TotalsTable
from tui.widgets.form import Field, PromptScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import clip

Cell = tuple[str, str]  # (person id, session id)
FileIdentity = tuple[int, int, int]

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

# Short words for the footer and the hint line: 80 columns hold few long ones.
ACTION_WORDS: dict[MarkAction, str] = {
    MarkAction.PRESENT: N_("Present"),
    MarkAction.ABSENT: N_("Absent"),
    MarkAction.EXCUSED: N_("Excused"),
    MarkAction.PARTIAL: N_("Part-day"),
    MarkAction.CLEAR: N_("Clear"),
}
# "Everyone present" is the shifted present key of each language.
ALL_PRESENT_KEYS: dict[str, str] = {"da": "T", "en": "P"}
NAME_MIN, NAME_MAX = 8, 28
# Session columns kept in view beside the names and totals on a narrow terminal.
SESSIONS_IN_VIEW = 3
MAX_SUBSTITUTE_HOURS = 1000.0
# Seconds between a mark on the screen and its write starting (see record_marks).
WRITE_DELAY = 0.05
# Seconds without a mark before another user's changes are looked for.
POLL_PAUSE = 1.0





def _error_text(error: BaseException) -> str:
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
    return str(error)


# --- what the writer thread reports -------------------------------------------------------


@dataclass(frozen=True)
class CourseData:
    course: Course
    grid: Grid
    names: dict[str, str]


class _Loaded(Message):
    def __init__(self, data: CourseData | None, error: str | None = None,
                 identity: FileIdentity | None = None) -> None:
        super().__init__()
        self.data = data
        self.error = error
        self.identity = identity


class _Written(Message):
    """Results of one write job: each cell's stored record (None: no mark).

    After a failure the results are what is stored; ``unknown`` holds cells that could
    not even be read back, which the screen returns to their last confirmed state.
    """

    def __init__(self, results: list[tuple[str, str, Attendance | None]],
                 error: str | None, identity: FileIdentity | None,
                 unknown: frozenset[Cell] = frozenset()) -> None:
        super().__init__()
        self.results = results
        self.error = error
        self.identity = identity
        self.unknown = unknown


class _Changed(Message):
    """Records someone else changed since the writer last looked (None: deleted)."""

    def __init__(self, changes: list[tuple[str, str, Attendance | None]],
                 identity: FileIdentity | None) -> None:
        super().__init__()
        self.changes = changes
        self.identity = identity


class _SubstituteSaved(Message):
    """Cover hours saved, or (``walk_in``) a walk-in registered and marked present."""

    def __init__(self, name: str, error: str | None, *, walk_in: bool = False) -> None:
        super().__init__()
        self.name = name
        self.error = error
        self.walk_in = walk_in


@dataclass(frozen=True)
class _WalkInJob:
    person: Person
    session_id: str


@dataclass(frozen=True)
class _WriteJob:
    cells: tuple[tuple[str, str, MarkState | None], ...]


@dataclass(frozen=True)
class _PollJob:
    reload: bool = False


@dataclass(frozen=True)
class _SubstituteJob:
    enrolment: Enrolment
    hours: float | None
    name: str


_STOP = object()


class CourseWriter:
    """The one thread that touches the store for the screen, so writes keep key order.

    It remembers (version, updated_at) of every attendance record it has reported or
    written; a poll reports only records that differ, which are then someone else's.
    """

    def __init__(self, store: Store, course_id: str,
                 post: Callable[[Message], object]) -> None:
        self.store = store
        self.course_id = course_id
        self._post = post
        self._jobs: queue.Queue[object] = queue.Queue()
        self._known: dict[str, tuple[Any, Any, str, str]] = {}
        self._structure: tuple[Any, ...] | None = None
        # The file as this thread last read it in full.
        self.identity: FileIdentity | None = None
        # Not a daemon: the interpreter waits for queued marks before it exits.
        self._thread = threading.Thread(target=self._run, name=f"attendance-{course_id}")
        self.started = False


    def revision(self) -> FileIdentity | None:
        """Changes whenever any process rewrites the course's file."""
        return self.store.revision(self.course_id)
    def start(self) -> None:
        self.started = True
        self._thread.start()

    def submit(self, job: object) -> None:
        self._jobs.put(job)

    def close(self) -> None:
        self._jobs.put(_STOP)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        held: object | None = None
        while True:
            if held is not None:
                job, held = held, None
            else:
                try:
                    job = self._jobs.get(timeout=0.5)
                except queue.Empty:
                    # The app died without closing the screen: nothing more will come.
                    if not threading.main_thread().is_alive():
                        return
                    continue
            if job is _STOP:
                return
            # Each job posts exactly one message per job it stands for, also when
            # something unforeseen goes wrong: the screen counts on the answers.
            if isinstance(job, _WriteJob):
                batch = [job]
                # Marks typed while the last write ran go to the file together: one
                # rewrite of the course file, not one per key.
                while held is None:
                    try:
                        following = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if isinstance(following, _WriteJob):
                        batch.append(following)
                    else:
                        held = following
                for message in self._write(batch):
                    self._post(message)
            elif isinstance(job, _PollJob):
                self._post(self._guarded(lambda job=job: self._poll(job.reload)))
            elif isinstance(job, _SubstituteJob):
                self._post(self._save_substitute(job))
                self._post(self._guarded(lambda: self._poll(reload=True)))
            elif isinstance(job, _WalkInJob):
                self._post(self._save_walk_in(job))
                self._post(self._guarded(lambda: self._poll(reload=True)))

    def _guarded(self, read: Callable[[], Message]) -> Message:
        identity = self.revision()
        try:
            return read()
        except Exception as error:
            return _Loaded(None, _error_text(error), identity)

    # -- reading ---------------------------------------------------------------------------

    def _structure_of(self) -> tuple[Any, ...]:
        """Sessions and enrolments as stored; when this changes, the grid is rebuilt."""
        parts = []
        for repo in (self.store.sessions(self.course_id), self.store.enrolments(self.course_id)):
            parts.append(tuple(sorted(
                (doc_id, doc.get("version"), doc.get("updated_at")) for doc_id, doc in repo.raw()
            )))
        return tuple(parts)

    def load(self) -> _Loaded:
        cid = self.course_id
        identity = self.revision()
        try:
            course = self.store.courses.get(cid)
            structure = self._structure_of()
            sessions = self.store.sessions(cid).all()
            enrolments = [e for e in self.store.enrolments(cid).all()
                          if e.status is not EnrolmentStatus.WAITLISTED]
            names: dict[str, str] = {}
            for e in enrolments:
                person = self.store.people.find(e.person_id)
                names[e.person_id] = person.name if person is not None else e.person_id
            records = self.store.attendance(cid).all()
        except (StoreError, OSError) as error:
            # Carries the identity that failed, so the screen tries again only once the
            # file changes, instead of repeating the same complaint every poll.
            return _Loaded(None, _error_text(error), identity)
        grid = Grid(sessions, enrolments, names, records, course.completion)
        self._known = {r.id: (r.version, r.updated_at, r.person_id, r.session_id)
                       for r in records}
        self._structure = structure
        self.identity = identity
        return _Loaded(CourseData(course, grid, names), identity=identity)

    def _poll(self, reload: bool) -> Message:
        repo = self.store.attendance(self.course_id)
        identity = self.revision()
        try:
            if reload or self._structure_of() != self._structure:
                return self.load()
            changes: list[tuple[str, str, Attendance | None]] = []
            seen: set[str] = set()
            for doc_id, doc in repo.raw():
                seen.add(doc_id)
                known = self._known.get(doc_id)
                if known is not None and known[:2] == (doc.get("version"), doc.get("updated_at")):
                    continue
                record = repo.find(doc_id)
                if record is None:
                    continue  # deleted since the listing; the next poll says so
                self._known[doc_id] = (record.version, record.updated_at, record.person_id,
                                       record.session_id)
                changes.append((record.person_id, record.session_id, record))
            for doc_id in [d for d in self._known if d not in seen]:
                _v, _at, pid, sid = self._known.pop(doc_id)
                changes.append((pid, sid, None))
        except (StoreError, OSError) as error:
            return _Loaded(None, _error_text(error), identity)
        self.identity = identity
        return _Changed(changes, identity)

    # -- writing ---------------------------------------------------------------------------

    def _write(self, jobs: Sequence[_WriteJob]) -> list[_Written]:
        cid = self.course_id
        repo = self.store.attendance(cid)
        results: list[tuple[str, str, Attendance | None]] = []
        try:
            # One transaction: "everyone present" is one file write, not one per person.
            with self.store.transaction():
                for job in jobs:
                    for pid, sid, state in job.cells:
                        if state is None:
                            repo.delete(attendance_id(sid, pid))
                            results.append((pid, sid, None))
                        else:
                            saved, _previous = self.store.mark(cid, sid, pid, state.mark,
                                                               state.hours)
                            results.append((pid, sid, saved))
        except Exception as error:
            # Whatever went wrong, the screen must learn what is really stored.
            text = _error_text(error)
            answers = []
            for job in jobs:
                truth, unknown = self._truth(job.cells)
                answers.append(_Written(truth, text, self.identity, unknown))
            return answers
        for pid, sid, saved in results:
            aid = attendance_id(sid, pid)
            if saved is None:
                self._known.pop(aid, None)
            else:
                self._known[aid] = (saved.version, saved.updated_at, pid, sid)
        # The file's identity is left as it was: someone else may have written just
        # before or after this write, so the next poll compares the records (ours are
        # known by now and cost nothing but the comparison).
        answers, start = [], 0
        for job in jobs:
            answers.append(_Written(results[start:start + len(job.cells)], None,
                                    self.identity))
            start += len(job.cells)
        return answers

    def _truth(self, cells: Iterable[tuple[str, str, object]]) -> tuple[
            list[tuple[str, str, Attendance | None]], frozenset[Cell]]:
        """What is stored for cells whose write failed, so the screen shows that."""
        repo = self.store.attendance(self.course_id)
        out: list[tuple[str, str, Attendance | None]] = []
        unknown: set[Cell] = set()
        for pid, sid, _state in cells:
            aid = attendance_id(sid, pid)
            try:
                record = repo.find(aid)
            except Exception:
                unknown.add((pid, sid))
                out.append((pid, sid, None))
                continue
            if record is None:
                self._known.pop(aid, None)
            else:
                self._known[aid] = (record.version, record.updated_at, pid, sid)
            out.append((pid, sid, record))
        return out, frozenset(unknown)

    def _save_walk_in(self, job: _WalkInJob) -> _SubstituteSaved:
        try:
            add_walk_in(self.store, self.course_id, job.session_id, job.person)
        except Exception as error:
            return _SubstituteSaved(job.person.name, _error_text(error), walk_in=True)
        return _SubstituteSaved(job.person.name, None, walk_in=True)

    def _save_substitute(self, job: _SubstituteJob) -> _SubstituteSaved:
        enrolment = dataclasses.replace(job.enrolment, substitute_hours=job.hours)
        try:
            self.store.enrolments(self.course_id).save(
                enrolment, expected_version=job.enrolment.version)
        except Exception as error:
            return _SubstituteSaved(job.name, _error_text(error))
        return _SubstituteSaved(job.name, None)


# --- prompts ------------------------------------------------------------------------------


class HoursPrompt(PromptScreen):
    """The hours of a partial day or of cover: enter saves."""


# --- the screen ---------------------------------------------------------------------------


class AttendanceScreen(Screen[None]):
    """The attendance grid of one course: people down, sessions across."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u,ctrl+z", "undo", N_("Undo"), id="attendance.undo"),
        Binding("ctrl+r,ctrl+y", "redo", N_("Redo"), id="attendance.redo"),
        Binding("v", "substitute", N_("Cover hours"), id="attendance.substitute"),
        Binding("s", "sheet", N_("Sign-in sheet"), id="attendance.sheet"),
        Binding("n", "walk_in", N_("Walk-in"), id="attendance.walk_in"),
        Binding("escape", "close", N_("Back"), id="attendance.close"),
        Binding("h", "move('left')", N_("Left"), id="attendance.left", show=False),
        Binding("j", "move('down')", N_("Down"), id="attendance.down", show=False),
        Binding("k", "move('up')", N_("Up"), id="attendance.up", show=False),
        Binding("l", "move('right')", N_("Right"), id="attendance.right", show=False),
    ]

    def __init__(self, store: Store, course_id: str, *,
                 poll_interval: float = 2.0, sheet_folder: Path | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(id="attendance")
        self.store = store
        self.course_id = course_id
        self.poll_interval = poll_interval
        self.sheet_folder = sheet_folder
        self.today = today or dt.date.today()
        self.lang = language()
        self._add_mark_bindings()
        translate_bindings(self)
        self.data: CourseData | None = None
        self.undo_stack = UndoStack()
        # Cells with a write on its way; polls leave them alone (ours will land last).
        self._pending: Counter[Cell] = Counter()
        # What such a cell shows meanwhile, to carry over when the grid is rebuilt, and
        # what it held before, to go back to if the write fails and the store cannot
        # even be read to say what it holds.
        self._provisional: dict[Cell, Attendance | None] = {}
        self._confirmed: dict[Cell, Attendance | None] = {}
        # Cells marked here: if someone else overwrites one, the user is told.
        self._mine: set[Cell] = set()
        self._jobs = 0
        self._unsent: list[_WriteJob] = []
        self._last_mark = 0.0
        self._polling = False
        self._identity: FileIdentity | None = None
        self._session_line_for: str | None = None
        self._session_text = ""
        self._expected_days: dict[str, int] = {}
        self._layout_used = (0, 0)
        self.last_sheet: Path | None = None
        self._writer = CourseWriter(store, course_id, self.post_message)

    def _add_mark_bindings(self) -> None:
        """The mark keys of the UI language are shown; the other language's also work.

        Built here, not in BINDINGS, because the language is only known at run time.
        They go first, so that the footer lists them first on a narrow terminal.
        """
        others = self._bindings.key_to_bindings
        table: dict[str, list[Binding]] = {}
        keys = mark_keys()[self.lang]
        primary = {k for letters in PRIMARY_KEYS.get(self.lang, {}).values() for k in letters}
        shown: set[MarkAction] = set()
        for key, action in keys.items():
            is_primary = key in primary
            suffix = "" if is_primary else ".alt"
            binding = Binding(
                key, f"mark('{action.value}')", ACTION_WORDS[action],
                show=is_primary and action not in shown, id=f"attendance.{action.value}{suffix}",
                key_display="␣" if key == "space" else None,
            )
            if is_primary:
                shown.add(action)
            table.setdefault(key, []).append(binding)
        for lang, key in ALL_PRESENT_KEYS.items():
            is_primary = lang == self.lang
            table.setdefault(key, []).append(Binding(
                key, "all_present", N_("All present"), show=is_primary,
                id="attendance.all_present" + ("" if is_primary else ".alt"),
            ))
        for key, bindings in others.items():
            table.setdefault(key, []).extend(bindings)
        self._bindings.key_to_bindings = table

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="attendance-hint")
        yield Static(_("Reading the course …"), id="attendance-message", classes="message")
        with Horizontal(id="attendance-body"):
            yield AttendanceGrid(id="attendance-grid")
            yield TotalsTable(id="attendance-totals")
        yield Static("", id="attendance-session")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def grid(self) -> AttendanceGrid:
        return self.query_one("#attendance-grid", AttendanceGrid)

    @property
    def totals(self) -> TotalsTable:
        return self.query_one("#attendance-totals", TotalsTable)

    def on_mount(self) -> None:
        self.query_one("#attendance-body").display = False
        self.query_one("#attendance-session").display = False
        # The totals' rows scroll with the grid's (and the other way round for a wheel
        # turned over the totals, the side with the scrollbar).
        self.watch(self.grid, "scroll_y", self._follow_grid, init=False)
        self.watch(self.totals, "scroll_y", self._follow_totals, init=False)
        self.query_one("#attendance-hint", Static).update(self._hint())
        self._jobs += 1
        self._polling = True
        if self._writer.started:
            # Shown again after being closed: the old thread has ended.
            self._writer = CourseWriter(self.store, self.course_id, self.post_message)
        self._writer.start()
        self._writer.submit(_PollJob(reload=True))
        self.set_interval(self.poll_interval, self._poll)

    def on_unmount(self) -> None:
        # Queued marks are still written; the thread ends after them.
        self._send()
        self._writer.close()

    @property
    def busy(self) -> bool:
        """True while a load, write or poll is on its way (tests wait for it)."""
        return self._jobs > 0

    def _hint(self) -> Text:
        """One line on how marking goes; the footer below spells out each key."""
        marks = [self._key_for(f"attendance.{a.value}") for a in MarkAction
                 if a is not MarkAction.CLEAR]
        parts = [_("{keys} mark and move down").format(keys="/".join(k for k in marks if k))]
        for binding_id, word in (("attendance.clear", N_("Clear")),
                                 ("attendance.all_present", N_("All present")),
                                 ("attendance.undo", N_("Undo"))):
            key = self._key_for(binding_id)
            if key:
                parts.append(f"{key} {_(word).lower()}")
        return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    # -- showing the course ----------------------------------------------------------------

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self._jobs -= 1
        self._polling = False
        self._identity = message.identity
        if message.data is None:
            self._show_problem(message.error or "")
            return
        old = self.data
        data = message.data
        # Marks still on their way are not in what was read; carry them over.
        for (pid, sid), record in self._provisional.items():
            with contextlib.suppress(KeyError):
                self._set_record(data.grid, pid, sid, record)
        self.data = data
        self.sub_title = data.course.name
        if old is not None and _same_shape(old.grid, data.grid) and self.grid.row_count:
            self._refresh_all_cells(old)
        else:
            self._build_table()
        self._show_session_line(force=True)

    def _show_problem(self, text: str) -> None:
        if self.data is None:
            message = self.query_one("#attendance-message", Static)
            message.update(Text(_("Kuffert cannot read this course.") + "\n\n" + text))
            message.display = True
        else:
            self.notify(text, title=_("The course could not be read"), severity="error",
                        timeout=15)

    def _build_table(self) -> None:
        data = self.data
        assert data is not None
        grid = data.grid
        table, totals = self.grid, self.totals
        keep = self._cursor_cell()
        message = self.query_one("#attendance-message", Static)
        body = self.query_one("#attendance-body")
        if not grid.sessions or not grid.person_ids:
            body.display = False
            self.query_one("#attendance-session").display = False
            message.update(Text(
                _("This course has no sessions yet.") if not grid.sessions
                else _("Nobody is enrolled in this course yet."), justify="center"))
            message.display = True
            return
        message.display = False
        body.display = True
        self.query_one("#attendance-session").display = True
        table.clear(columns=True)
        totals.clear(columns=True)
        total_columns = self._total_columns(grid)
        for key, label, width in total_columns:
            totals.add_column(label, key=key, width=width)
        totals.styles.width = self._totals_width(grid)
        session_width = self._session_width(grid)
        for session in grid.sessions:
            table.add_column(self._session_label(session), key=session.id, width=session_width)
        self._layout_used = name_width, filler_count = self._layout(grid, self.size)
        # Blank columns after the last day, so that it too can be scrolled to the left.
        fillers = [f"filler:{n}" for n in range(filler_count)]
        for key in fillers:
            table.add_column("", key=key, width=session_width)
        table.cursor_columns = len(grid.sessions)
        self._expected_days = {
            pid: sum(grid.cell(pid, s.id).expected for s in grid.sessions)
            for pid in grid.person_ids
        }
        for pid in grid.person_ids:
            name = clip(data.names[pid], name_width)
            # Padded: the label column's width is its widest label's, and it must be
            # exactly what the sessions were fitted around.
            label = Text(name + " " * (name_width - cell_len(name)))
            table.add_row(*(self._cell_text(pid, s.id) for s in grid.sessions),
                          *("" for _key in fillers), key=pid, label=label)
            totals.add_row(*self._total_cells(pid), key=pid)
        row, column = 0, default_session_column(grid.sessions, self.today)
        if keep is not None:
            pid, sid = keep
            with contextlib.suppress(KeyError):
                row = grid.row(pid)
            with contextlib.suppress(KeyError):
                column = grid.column(sid)
        table.cursor_coordinate = Coordinate(row, column)
        table.focus()
        if keep is None:
            # Opened on a day: show it first, the days after it beside it (the cursor
            # is cheapest there, see widgets/attendance_grid.py).
            self.call_after_refresh(table.show_column_first, column)

    def _follow_grid(self, y: float) -> None:
        self.totals.scroll_to(y=y, animate=False, immediate=True)

    def _follow_totals(self, y: float) -> None:
        self.grid.scroll_to(y=y, animate=False, force=True, immediate=True)

    def _totals_width(self, grid: Grid) -> int:
        padding = 2 * self.totals.cell_padding
        columns = sum(w + padding for _k, _l, w in self._total_columns(grid))
        return columns + self._scrollbar(grid)

    def _scrollbar(self, grid: Grid) -> int:
        # Header, hint, session line and footer take a line each, the grid's header two.
        height = self.size.height or self.app.size.height
        return 1 if len(grid.person_ids) + 2 > height - 4 else 0

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

    def _session_label(self, session: Session) -> Text:
        day = weekday_name(session.date, short=True).rstrip(".")
        marker = NOT_HELD_MARKER[self.lang].get(session.status, "")
        top = f"{day} {marker}" if marker else day
        return Text(f"{top}\n{session.date.day:02d}-{session.date.month:02d}")

    def _session_width(self, grid: Grid) -> int:
        widest = max(cell_len(line) for s in grid.sessions
                     for line in self._session_label(s).plain.splitlines())
        # Partial hours such as "3,25" must fit too.
        return max(widest, 4)

    def _layout(self, grid: Grid, size: Size) -> tuple[int, int]:
        """The width of the names and the number of blank columns after the last day.

        Names get what the totals and a few session columns leave on the terminal. When
        the sessions do not all fit, the names also take the odd cells left over, so the
        sessions in view are whole columns, never a cut-off date.
        """
        width = size.width or self.app.size.width
        padding = 2 * self.grid.cell_padding
        session = self._session_width(grid) + padding
        room = width - self._totals_width(grid) - padding
        names = self.data.names.values() if self.data else ()
        name = max(NAME_MIN, min(NAME_MAX, max((cell_len(n) for n in names), default=0)))
        name = max(NAME_MIN, min(name, room - min(SESSIONS_IN_VIEW, len(grid.sessions)) * session))
        left = room - name
        if left < len(grid.sessions) * session:
            name += left % session
        in_view = max(1, (room - name) // session)
        return name, min(in_view, len(grid.sessions)) - 1

    def on_resize(self, event: events.Resize) -> None:
        if self.data is None or not self.grid.row_count:
            return
        if self._layout(self.data.grid, event.size) != self._layout_used:
            self._build_table()

    # -- cell texts ------------------------------------------------------------------------

    def _cell_text(self, pid: str, sid: str) -> Text:
        assert self.data is not None
        return Text(self.cell_symbol(self.data.grid.cell(pid, sid)), justify="center")

    def cell_symbol(self, state: CellState) -> str:
        if state.mark is None:
            return "" if state.expected else NOT_EXPECTED
        if state.mark is Mark.PARTIAL:
            return format_hours(state.hours or 0.0)
        return SYMBOLS[self.lang][state.mark]

    def _total_cells(self, pid: str) -> list[Text]:
        assert self.data is not None
        totals = self.data.grid.person_totals(pid)
        return [
            Text(f"{totals.days_attended}/{self._expected_days.get(pid, 0)}", justify="right"),
            Text(format_hours(totals.hours_attended), justify="right"),
            Text(self._completion_text(totals)),
            Text(format_hours(totals.substitute_hours) if totals.substitute_hours else "",
                 justify="right"),
        ]

    def _completion_text(self, totals: PersonTotals) -> str:
        if totals.completes:
            return _("ok")
        if not totals.still_reachable:
            return _("✗ out of reach")
        return "–"

    def _show_cell(self, pid: str, sid: str) -> None:
        self.grid.set_cell(pid, sid, self._cell_text(pid, sid))
        for key, text in zip(TOTAL_COLUMNS, self._total_cells(pid), strict=True):
            self.totals.set_cell(pid, key, text)

    def _refresh_all_cells(self, old: CourseData) -> None:
        """After a re-read of the same people and sessions: repaint only what differs."""
        assert self.data is not None
        grid = self.data.grid
        self._expected_days = {
            pid: sum(grid.cell(pid, s.id).expected for s in grid.sessions)
            for pid in grid.person_ids
        }
        for pid in grid.person_ids:
            for sid in grid.session_ids:
                self._notice_overwrite(pid, sid, old.grid.record(pid, sid),
                                       grid.record(pid, sid))
            self._show_cell_row(pid)

    def _show_cell_row(self, pid: str) -> None:
        assert self.data is not None
        for sid in self.data.grid.session_ids:
            self.grid.set_cell(pid, sid, self._cell_text(pid, sid))
        for key, text in zip(TOTAL_COLUMNS, self._total_cells(pid), strict=True):
            self.totals.set_cell(pid, key, text)

    # -- the session line ------------------------------------------------------------------

    def _cursor_cell(self) -> Cell | None:
        table = self.grid
        if self.data is None or not table.row_count or not table.columns:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate)
        if key.row_key.value is None or key.column_key.value is None:
            return None
        return key.row_key.value, key.column_key.value

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
        grid = self.data.grid
        text = self.session_summary(grid, sid)
        if text != self._session_text:
            # Only a real change is sent: an update repaints the line even if unchanged.
            self._session_text = text
            # No layout pass: the line's size never changes, and a layout pass would
            # repaint the scrollbars too.
            self.query_one("#attendance-session", Static).update(text, layout=False)

    def session_summary(self, grid: Grid, sid: str) -> str:
        """The selected day's count; which day of how many, since the grid has no
        scrollbar sideways."""
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

    # -- marking ---------------------------------------------------------------------------

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

    def _ask_partial_hours(self, pid: str, sid: str) -> None:
        assert self.data is not None
        grid = self.data.grid
        session = grid.session(sid)
        full = session_hours(session)
        current = grid.record(pid, sid)
        start = current.hours if current and current.mark is Mark.PARTIAL else full
        maximum = full if full else 24.0

        def answered(values: dict[str, Any] | None) -> None:
            if values and values.get("hours") is not None and self.data is not None:
                self.record_marks([(pid, sid, MarkState(Mark.PARTIAL, values["hours"]))])
                self._move_down()

        name = self.data.names.get(pid, pid)
        self.app.push_screen(HoursPrompt(
            _("Hours present: {name}, {date}").format(name=name, date=format_date(session.date)),
            [Field("hours", _("Hours (at most {hours})").format(hours=format_hours(maximum)),
                   lambda text: parse_hours(text, maximum), value=format_hours(start)
                   if start else "", required=True)],
        ), answered)

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
        if table.display:
            getattr(table, f"action_cursor_{direction}")()

    def record_marks(self, cells: Sequence[tuple[str, str, MarkState | None]], *,
                     label: str = "", undoable: bool = True) -> None:
        """Show the marks now, remember them for undo, and queue them for the store."""
        assert self.data is not None
        grid = self.data.grid
        changes: list[MarkChange] = []
        jobs: list[tuple[str, str, MarkState | None]] = []
        for pid, sid, after in cells:
            try:
                before = MarkState.of(grid.record(pid, sid))
            except KeyError:
                continue  # the person or session left the course since the step was made
            if before == after:
                continue
            changes.append(MarkChange(self.course_id, sid, pid, before, after))
            jobs.append((pid, sid, after))
            if not self._pending[(pid, sid)]:
                self._confirmed[(pid, sid)] = grid.record(pid, sid)
            record = None if after is None else self._provisional_record(pid, sid, after)
            self._set_record(grid, pid, sid, record)
            self._pending[(pid, sid)] += 1
            self._provisional[(pid, sid)] = record
            self._mine.add((pid, sid))
            self._show_cell(pid, sid)
        if not jobs:
            return
        if undoable:
            self.undo_stack.push(changes, label)
        self._jobs += 1
        # Sent to the writer a moment later, once the screen has been drawn: on a big
        # course a write takes tens of milliseconds of the same interpreter, and the
        # trainer should see the mark first. Marks typed meanwhile go along in the
        # same write; on_unmount sends whatever is still waiting.
        self._last_mark = time.monotonic()
        if not self._unsent:
            self.set_timer(WRITE_DELAY, self._send)
        self._unsent.append(_WriteJob(tuple(jobs)))
        self._show_session_line(force=True)

    def _send(self) -> None:
        for job in self._unsent:
            self._writer.submit(job)
        self._unsent.clear()

    def _provisional_record(self, pid: str, sid: str, state: MarkState) -> Attendance:
        assert self.data is not None
        old = self.data.grid.record(pid, sid)
        return Attendance(
            id=attendance_id(sid, pid), course_id=self.course_id, session_id=sid,
            person_id=pid, mark=state.mark, hours=state.hours,
            version=old.version if old else 0, updated_by="",
        )

    @staticmethod
    def _set_record(grid: Grid, pid: str, sid: str, record: Attendance | None) -> None:
        if record is None:
            grid.clear(pid, sid)
        else:
            grid.apply(record)

    @on(_Written)
    def _written(self, message: _Written) -> None:
        self._jobs -= 1
        self._identity = message.identity
        if message.error:
            self.notify(message.error, title=_("Not saved"), severity="error", timeout=15)
        for pid, sid, record in message.results:
            cell = (pid, sid)
            self._pending[cell] -= 1
            if self._pending[cell] > 0:
                continue  # a later mark of the same cell is on its way and wins
            del self._pending[cell]
            self._provisional.pop(cell, None)
            confirmed = self._confirmed.pop(cell, None)
            if message.error:
                self._mine.discard(cell)
                if cell in message.unknown:
                    record = confirmed
            self._take(pid, sid, record)
        self._show_session_line(force=True)

    def _take(self, pid: str, sid: str, record: Attendance | None) -> None:
        """Put a stored record into the grid; repaint only if what it shows changed."""
        if self.data is None:
            return
        try:
            self._set_record(self.data.grid, pid, sid, record)
        except KeyError:
            return  # a cell the grid does not have: the next structure poll rebuilds
        self._show_cell(pid, sid)

    # -- undo ------------------------------------------------------------------------------

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

    # -- other users -----------------------------------------------------------------------

    def _poll(self) -> None:
        if self._polling or (self.data is not None and (
                self._jobs or time.monotonic() - self._last_mark < POLL_PAUSE)):
            # While the trainer is typing, others' marks can wait for a pause: reading
            # a big course back costs the same interpreter the keys need.
            return
        if self._writer.revision() == self._identity:
            return
        self._polling = True
        self._jobs += 1
        # A course that could not be read at all is read again in full.
        self._writer.submit(_PollJob(reload=self.data is None))

    @on(_Changed)
    def _changed(self, message: _Changed) -> None:
        self._jobs -= 1
        self._polling = False
        self._identity = message.identity
        if self.data is None:
            return
        grid = self.data.grid
        for pid, sid, record in message.changes:
            if self._pending.get((pid, sid)):
                continue  # our own later mark is on its way and will overwrite this
            try:
                before = grid.record(pid, sid)
            except KeyError:
                continue
            self._notice_overwrite(pid, sid, before, record)
            self._take(pid, sid, record)
        self._show_session_line(force=True)

    def _notice_overwrite(self, pid: str, sid: str, before: Attendance | None,
                          after: Attendance | None) -> None:
        """Tell the user when a mark they made here was replaced from elsewhere."""
        cell = (pid, sid)
        if cell not in self._mine or self._pending.get(cell) or self.data is None:
            return
        if before == after or (before is not None and after is not None
                               and (before.version, before.updated_at)
                               == (after.version, after.updated_at)):
            return
        self._mine.discard(cell)
        name = self.data.names.get(pid, pid)
        date = format_date(self.data.grid.session(sid).date)
        if after is None:
            text = _("Someone else cleared {name}'s mark for {date}.").format(
                name=name, date=date)
        else:
            what = after.mark.label
            if after.mark is Mark.PARTIAL and after.hours is not None:
                what = f"{what} ({format_hours(after.hours)})"
            text = _("{who} changed {name}'s mark for {date} to {mark}.").format(
                who=after.updated_by or _("Someone else"), name=name, date=date,
                mark=what.lower())
        self.notify(text, title=_("Changed by someone else"), severity="warning", timeout=15)

    # -- substitute cover ------------------------------------------------------------------

    def action_substitute(self) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        pid = cell[0]
        enrolment = self.data.grid.enrolment(pid)
        name = self.data.names.get(pid, pid)

        def answered(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            # Two answers come back: the save, then the course read again with it.
            self._jobs += 2
            self._writer.submit(_SubstituteJob(enrolment, values["hours"], name))

        current = enrolment.substitute_hours
        self.app.push_screen(HoursPrompt(
            _("Substitute cover hours: {name}").format(name=name),
            [Field("hours", _("Hours of cover (empty: none)"),
                   lambda text: parse_hours(text, MAX_SUBSTITUTE_HOURS, required=False),
                   value=format_hours(current) if current else "")],
        ), answered)

    def action_walk_in(self) -> None:
        cell = self._cursor_cell()
        if self.data is None or not self.data.grid.sessions:
            return
        # The session under the cursor; with nobody in the grid yet, the one opened on.
        sid = cell[1] if cell else self.data.grid.session_ids[
            default_session_column(self.data.grid.sessions, self.today)]
        session = self.data.grid.session(sid)
        institutions = self.store.institutions.all()

        def answered(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            self._jobs += 2
            self._writer.submit(_WalkInJob(walk_in_person(values), sid))

        self.app.push_screen(walk_in_form(format_date(session.date), institutions), answered)

    @on(_SubstituteSaved)
    def _substitute_saved(self, message: _SubstituteSaved) -> None:
        self._jobs -= 1
        if message.walk_in:
            if message.error:
                self.notify(message.error, title=_("Not saved"), severity="error", timeout=15)
            else:
                self.notify(_("{name} is enrolled and marked present.").format(
                    name=message.name))
            return
        if message.error:
            self.notify(message.error, title=_("Cover hours not saved"), severity="error",
                        timeout=15)
        else:
            self.notify(_("Cover hours saved for {name}.").format(name=message.name))

    # -- paper -----------------------------------------------------------------------------

    def action_sheet(self) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        session = self.data.grid.session(cell[1])
        self.notify(_("Writing the sign-in sheet …"))
        self._jobs += 1
        self._write_sheet(session, self._sheet_path(session))

    def _sheet_path(self, session: Session) -> Path:
        name = f"kuffert-{self.course_id}-{session.date.isoformat()}.pdf"
        if self.sheet_folder is not None:
            return self.sheet_folder / name
        home = Path.home()
        folder = home if os.access(home, os.W_OK) else Path.cwd()
        return folder / name

    @work(thread=True, exclusive=False, group="attendance-sheet")
    def _write_sheet(self, session: Session, path: Path) -> None:
        # Imported here: the PDF library is only needed on the day a sheet is printed.
        from tui.store.sheet import write_sheet

        try:
            count = write_sheet(self.store, self.course_id, session.id, path)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._sheet_done, None, _error_text(error), 0)
            return
        self.app.call_from_thread(self._sheet_done, path, None, count)

    def _sheet_done(self, path: Path | None, error: str | None, count: int) -> None:
        self._jobs -= 1
        if path is None:
            self.notify(error or "", title=_("The sign-in sheet was not written"),
                        severity="error", timeout=15)
            return
        self.notify(ngettext("Sign-in sheet with {count} person written to {path}",
                             "Sign-in sheet with {count} people written to {path}",
                             count).format(
            count=count, path=_display_path(path)), title=_("Sign-in sheet"), timeout=15)
        self.last_sheet = path

    # -- leaving ---------------------------------------------------------------------------

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _same_shape(old: Grid, new: Grid) -> bool:
    return old.person_ids == new.person_ids and old.session_ids == new.session_ids and all(
        old.session(s) == new.session(s) for s in new.session_ids)


def _display_path(path: Path) -> str:
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)

"""The one thread that reads and writes a course's attendance for the grid.

Like Toolong's reader thread it only posts messages to the screen: the screen never
waits on it, and it never touches a widget.

* Writing a mark rewrites its course's file, which for a 400-person course is tens of
  milliseconds of the same interpreter (more while another user holds the write lock),
  and a keystroke must not wait for that. One thread, in order, means the file ends up
  as the keys were pressed, and marks typed during a write go in the next one together.
  The thread is not a daemon, so quitting waits for the last mark to be saved.
* It remembers (version, updated_at) of every attendance record it has read or written.
  When the app's watcher says the course file changed, a look compares the stored
  records with those: only records that differ are someone else's and are reported.
  That is also how the grid's own writes are absorbed: the look after a mark finds
  only records this thread wrote, and reports nothing to repaint. (Absorbing by the
  file's stamp instead would swallow another desk's mark that landed in between.)
* Every job is answered by exactly one message per job it stands for, also when
  something unforeseen goes wrong: the screen counts on the answers.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tui.domain.attendance import Grid, MarkState
from tui.domain.courses import Attendance, Course, Enrolment, EnrolmentStatus, attendance_id
from tui.domain.people import Person
from tui.i18n import _
from tui.screens.base import EXPECTED, error_text
from tui.store.store import Store
from tui.store.walk_in import add_walk_in

Cell = tuple[str, str]  # (person id, session id)
Stored = tuple[str, str, Attendance | None]  # a cell and its stored record (None: no mark)


def words(error: BaseException) -> str:
    """What went wrong, in words; a bug is named too, since the screen must say
    something and carry on (the cells then show what is stored)."""
    if isinstance(error, EXPECTED):
        return error_text(error)
    return _("Something unforeseen went wrong ({error}); the grid shows what is stored."
             ).format(error=type(error).__name__)


@dataclass(frozen=True)
class CourseData:
    course: Course
    grid: Grid
    names: dict[str, str]


# --- jobs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteJob:
    cells: tuple[tuple[str, str, MarkState | None], ...]


@dataclass(frozen=True)
class RefreshJob:
    """Read again: ``full`` everything; ``course`` the course file's records (the grid
    is rebuilt if its sessions or enrolments changed); ``header`` the course's own
    record and the participants' names (rebuilt if either changed)."""

    full: bool = False
    course: bool = False
    header: bool = False


@dataclass(frozen=True)
class CoverJob:
    enrolment: Enrolment
    hours: float | None
    name: str


@dataclass(frozen=True)
class WalkInJob:
    person: Person
    session_id: str


_STOP = object()


class CourseWriter:
    """The one thread that touches the store for the grid, so writes keep key order."""

    class Loaded(Message, bubble=False):
        """The course read in full; ``data`` None when it could not be read."""

        def __init__(self, data: CourseData | None, error: str | None = None) -> None:
            super().__init__()
            self.data = data
            self.error = error

    class Written(Message, bubble=False):
        """Results of one write job: each cell's stored record.

        After a failure the results are what is stored; ``unknown`` holds cells that
        could not even be read back, which the screen returns to their last confirmed
        state.
        """

        def __init__(self, results: list[Stored], error: str | None,
                     unknown: frozenset[Cell] = frozenset()) -> None:
            super().__init__()
            self.results = results
            self.error = error
            self.unknown = unknown

    class Changed(Message, bubble=False):
        """Records someone else changed since this thread last looked (often none)."""

        def __init__(self, changes: list[Stored]) -> None:
            super().__init__()
            self.changes = changes

    class Saved(Message, bubble=False):
        """Cover hours saved, or (``walk_in``) a walk-in registered and marked present."""

        def __init__(self, name: str, error: str | None, *, walk_in: bool = False) -> None:
            super().__init__()
            self.name = name
            self.error = error
            self.walk_in = walk_in

    def __init__(self, store: Store, course_id: str,
                 post: Callable[[Message], object]) -> None:
        self.store = store
        self.course_id = course_id
        self._post = post
        self._jobs: queue.Queue[object] = queue.Queue()
        # Attendance record id -> (version, updated_at, person id, session id).
        self._known: dict[str, tuple[Any, Any, str, str]] = {}
        self._structure: tuple[Any, ...] | None = None
        self._header: tuple[Any, ...] | None = None
        # Not a daemon: the interpreter waits for queued marks before it exits.
        self._thread = threading.Thread(target=self._run, name=f"attendance-{course_id}")
        self.started = False

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
            if isinstance(job, WriteJob):
                batch = [job]
                # Marks typed while the last write ran go to the file together: one
                # rewrite of the course file, not one per key.
                while held is None:
                    try:
                        following = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if isinstance(following, WriteJob):
                        batch.append(following)
                    else:
                        held = following
                for message in self._write(batch):
                    self._post(message)
            elif isinstance(job, RefreshJob):
                self._post(self._guarded(lambda job=job: self._refresh(job)))
            elif isinstance(job, CoverJob):
                self._post(self._save_cover(job))
                self._post(self._guarded(self.load))
            elif isinstance(job, WalkInJob):
                self._post(self._save_walk_in(job))
                self._post(self._guarded(self.load))

    @staticmethod
    def _guarded(read: Callable[[], Message]) -> Message:
        try:
            return read()
        except Exception as error:
            return CourseWriter.Loaded(None, words(error))

    # -- reading ---------------------------------------------------------------------------

    def _structure_of(self) -> tuple[Any, ...]:
        """Sessions and enrolments as stored; when this changes, the grid is rebuilt."""
        parts = []
        for repo in (self.store.sessions(self.course_id), self.store.enrolments(self.course_id)):
            parts.append(tuple(sorted(
                (doc_id, doc.get("version"), doc.get("updated_at")) for doc_id, doc in repo.raw()
            )))
        return tuple(parts)

    def _rows(self) -> list[Enrolment]:
        """The enrolments the grid has a row for: the waiting list expects no marks."""
        return [e for e in self.store.enrolments(self.course_id).all()
                if e.status is not EnrolmentStatus.WAITLISTED]

    @staticmethod
    def _header_of(course: Course, people: dict[str, Person]) -> tuple[Any, ...]:
        """What the grid shows of the main file (the course's name and completion rule)
        and of the people registry (names)."""
        return (course.version, course.updated_at,
                tuple(sorted((pid, p.name) for pid, p in people.items())))

    def load(self) -> Loaded:
        cid = self.course_id
        course = self.store.courses.get(cid)
        structure = self._structure_of()
        sessions = self.store.sessions(cid).all()
        enrolments = self._rows()
        people = self.store.people.find_many(e.person_id for e in enrolments)
        # Someone erased from the registry keeps a row under their id until the
        # enrolment goes too.
        names = {e.person_id: people[e.person_id].name if e.person_id in people
                 else e.person_id for e in enrolments}
        records = self.store.attendance(cid).all()
        grid = Grid(sessions, enrolments, names, records, course.completion)
        self._known = {r.id: (r.version, r.updated_at, r.person_id, r.session_id)
                       for r in records}
        self._structure = structure
        self._header = self._header_of(course, people)
        return CourseWriter.Loaded(CourseData(course, grid, names))

    def _refresh(self, job: RefreshJob) -> Message:
        if job.full or self._structure is None:
            return self.load()
        if job.header:
            course = self.store.courses.get(self.course_id)
            people = self.store.people.find_many(e.person_id for e in self._rows())
            if self._header_of(course, people) != self._header:
                return self.load()
        if not job.course:
            return CourseWriter.Changed([])
        if self._structure_of() != self._structure:
            return self.load()
        return CourseWriter.Changed(self._look())

    def _look(self) -> list[Stored]:
        """Attendance records that differ from what this thread last read or wrote."""
        repo = self.store.attendance(self.course_id)
        changes: list[Stored] = []
        seen: set[str] = set()
        for doc_id, doc in repo.raw():
            seen.add(doc_id)
            known = self._known.get(doc_id)
            if known is not None and known[:2] == (doc.get("version"), doc.get("updated_at")):
                continue
            record = repo.find(doc_id)
            if record is None:
                continue  # deleted since the listing; the next look says so
            self._known[doc_id] = (record.version, record.updated_at, record.person_id,
                                   record.session_id)
            changes.append((record.person_id, record.session_id, record))
        for doc_id in [d for d in self._known if d not in seen]:
            _v, _at, pid, sid = self._known.pop(doc_id)
            changes.append((pid, sid, None))
        return changes

    # -- writing ---------------------------------------------------------------------------

    def _write(self, jobs: Sequence[WriteJob]) -> list[Written]:
        cid = self.course_id
        repo = self.store.attendance(cid)
        results: list[Stored] = []
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
            text = words(error)
            answers = []
            for job in jobs:
                truth, unknown = self._truth(job.cells)
                answers.append(CourseWriter.Written(truth, text, unknown))
            return answers
        for pid, sid, saved in results:
            aid = attendance_id(sid, pid)
            if saved is None:
                self._known.pop(aid, None)
            else:
                self._known[aid] = (saved.version, saved.updated_at, pid, sid)
        answers, start = [], 0
        for job in jobs:
            answers.append(CourseWriter.Written(results[start:start + len(job.cells)], None))
            start += len(job.cells)
        return answers

    def _truth(self, cells: Iterable[tuple[str, str, object]]
               ) -> tuple[list[Stored], frozenset[Cell]]:
        """What is stored for cells whose write failed, so the screen shows that."""
        repo = self.store.attendance(self.course_id)
        out: list[Stored] = []
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

    def _save_walk_in(self, job: WalkInJob) -> Saved:
        try:
            add_walk_in(self.store, self.course_id, job.session_id, job.person)
        except Exception as error:
            return CourseWriter.Saved(job.person.name, words(error), walk_in=True)
        return CourseWriter.Saved(job.person.name, None, walk_in=True)

    def _save_cover(self, job: CoverJob) -> Saved:
        enrolment = dataclasses.replace(job.enrolment, substitute_hours=job.hours)
        try:
            self.store.enrolments(self.course_id).save(
                enrolment, expected_version=job.enrolment.version)
        except Exception as error:
            return CourseWriter.Saved(job.name, words(error))
        return CourseWriter.Saved(job.name, None)

"""The attendance grid: who is expected when, totals per person and session, undo.

Pure and cheap on purpose: the grid screen redraws after every keystroke, and a trainer
marks 25 people in about 25 keystrokes, so one mark must cost one row and one column of
work, never the whole course (400 people x 40 sessions must stay instant).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Enrolment,
    Mark,
    Session,
)
from tui.domain.cover import cover_hours
from tui.domain.expectation import NOT_HELD, expected
from tui.domain.ordering import name_key
from tui.domain.records import LabelledEnum
from tui.domain.rules import completes, completion_still_reachable, day_credit, session_hours
from tui.i18n import N_

_NOT_HELD = NOT_HELD
_ATTENDED = frozenset({Mark.PRESENT, Mark.PARTIAL})
_MISSED = frozenset({Mark.ABSENT, Mark.EXCUSED})


def counts(session: Session) -> bool:
    """False for a postponed or cancelled session: shown in the grid, counted nowhere."""
    return session.status not in _NOT_HELD


def ordered_enrolments(
    enrolments: Iterable[Enrolment], names: Mapping[str, str]
) -> list[Enrolment]:
    """The grid's row order, shared with the printed sign-in sheet so paper matches screen.

    ``names`` maps person id to name; a person without one sorts by id at the end.
    """

    def key(e: Enrolment) -> tuple[int, str, str, str]:
        name = names.get(e.person_id)
        return (name is None, name_key(name or ""), name or "", e.person_id)

    return sorted(enrolments, key=key)


def ordered_sessions(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.date, s.start or dt.time.min, s.id))


def default_session_column(sessions: Sequence[Session], today: dt.date) -> int:
    """Index of the session to open on: today's, else the next one, else the last.

    Postponed and cancelled sessions are skipped when another session qualifies, since
    nobody marks attendance on them. An empty list gives 0.
    """
    if not sessions:
        return 0
    candidates = [i for i, s in enumerate(sessions) if counts(s)] or list(range(len(sessions)))
    upcoming = [i for i in candidates if sessions[i].date >= today]
    if upcoming:
        return min(upcoming, key=lambda i: (sessions[i].date, i))
    return max(candidates, key=lambda i: (sessions[i].date, i))


# --- the grid ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellState:
    mark: Mark | None
    hours: float | None
    expected: bool


@dataclass(frozen=True, slots=True)
class PersonTotals:
    days_attended: int
    # Days as the completion rule counts them: a partial day is its share of the day.
    day_credit: float
    hours_attended: float
    # Absent or excused at sessions the person was expected at.
    days_missed: int
    # Expected sessions without a mark yet: still open, whatever their date, because a
    # trainer who was offline may enter marks days after the session.
    remaining: int
    completes: bool
    still_reachable: bool
    substitute_hours: float


@dataclass(frozen=True, slots=True)
class SessionTotals:
    present: int
    expected: int
    marked: int

    @property
    def rate(self) -> float | None:
        """Share of the expected people who attended; None when nobody was expected."""
        return self.present / self.expected if self.expected else None


@dataclass(slots=True)
class _SessionCount:
    present: int = 0
    expected: int = 0
    marked: int = 0


class Grid:
    """People (rows, by name) by sessions (columns, by date) with running totals.

    Postponed and cancelled sessions stay as columns, so their history shows, but nobody
    is expected at them and nothing on them counts. Waitlisted people are rows too; the
    screen may hide them.
    """

    def __init__(
        self,
        sessions: Iterable[Session],
        enrolments: Iterable[Enrolment],
        names: Mapping[str, str],
        attendance: Iterable[Attendance],
        rule: CompletionRule,
    ) -> None:
        self.rule = rule
        self.sessions: list[Session] = ordered_sessions(sessions)
        self.enrolments: list[Enrolment] = ordered_enrolments(enrolments, names)
        self.person_ids: list[str] = [e.person_id for e in self.enrolments]
        self.session_ids: list[str] = [s.id for s in self.sessions]
        self._session_by_id = {s.id: s for s in self.sessions}
        self._enrolment_by_person = {e.person_id: e for e in self.enrolments}
        self._column = {sid: i for i, sid in enumerate(self.session_ids)}
        self._row = {pid: i for i, pid in enumerate(self.person_ids)}
        # A mark for someone no longer enrolled, or for a deleted session, has no cell.
        self._marks: dict[tuple[str, str], Attendance] = {
            (a.person_id, a.session_id): a
            for a in attendance
            if a.person_id in self._row and a.session_id in self._column
        }
        self._expected = {
            (e.person_id, s.id): expected(e, s) for e in self.enrolments for s in self.sessions
        }
        self._session_counts = {sid: _SessionCount() for sid in self.session_ids}
        for (pid, sid), is_expected in self._expected.items():
            self._count(self._session_counts[sid], is_expected, self._marks.get((pid, sid)), +1)
        self._person_totals = {pid: self._person_row(pid) for pid in self.person_ids}

    # -- reading -------------------------------------------------------------------------

    def row(self, person_id: str) -> int:
        return self._row[person_id]

    def column(self, session_id: str) -> int:
        return self._column[session_id]

    def session(self, session_id: str) -> Session:
        return self._session_by_id[session_id]

    def enrolment(self, person_id: str) -> Enrolment:
        return self._enrolment_by_person[person_id]

    def record(self, person_id: str, session_id: str) -> Attendance | None:
        return self._marks.get((person_id, session_id))

    def cell(self, person_id: str, session_id: str) -> CellState:
        found = self._marks.get((person_id, session_id))
        return CellState(
            mark=found.mark if found else None,
            hours=self._hours(found) if found else None,
            expected=self._expected[(person_id, session_id)],
        )

    def person_totals(self, person_id: str) -> PersonTotals:
        return self._person_totals[person_id]

    def session_totals(self, session_id: str) -> SessionTotals:
        c = self._session_counts[session_id]
        return SessionTotals(present=c.present, expected=c.expected, marked=c.marked)

    def unmarked(self, session_id: str) -> list[str]:
        """People expected at the session who have no mark yet, in row order."""
        return [
            pid
            for pid in self.person_ids
            if self._expected[(pid, session_id)] and (pid, session_id) not in self._marks
        ]

    # -- changing ------------------------------------------------------------------------

    def apply(self, record: Attendance) -> None:
        """Take in one saved mark; only its row's and its column's totals are redone.

        KeyError for a person or session the grid was not built with: rebuild instead.
        """
        self._replace(record.person_id, record.session_id, record)

    def clear(self, person_id: str, session_id: str) -> None:
        """Forget a mark (after it was deleted, or undone back to no mark)."""
        self._replace(person_id, session_id, None)

    def _replace(self, person_id: str, session_id: str, record: Attendance | None) -> None:
        key = (person_id, session_id)
        if key not in self._expected:
            raise KeyError(key)
        counter = self._session_counts[session_id]
        is_expected = self._expected[key]
        self._count(counter, is_expected, self._marks.get(key), -1)
        if record is None:
            self._marks.pop(key, None)
        else:
            self._marks[key] = record
        self._count(counter, is_expected, record, +1)
        self._person_totals[person_id] = self._person_row(person_id)

    # -- arithmetic ----------------------------------------------------------------------

    def _count(
        self, counter: _SessionCount, is_expected: bool, record: Attendance | None, sign: int
    ) -> None:
        if not is_expected:
            return
        counter.expected += sign
        if record is not None:
            counter.marked += sign
            if record.mark in _ATTENDED:
                counter.present += sign

    def _hours(self, record: Attendance) -> float:
        if record.mark is Mark.PARTIAL:
            return record.hours or 0.0
        if record.mark is Mark.PRESENT:
            return session_hours(self._session_by_id[record.session_id]) or 0.0
        return 0.0

    def _person_row(self, person_id: str) -> PersonTotals:
        # One row is at most a few dozen sessions: recounting it is cheaper to get right
        # than keeping running sums (and floating-point hours never drift).
        attended = missed = remaining = 0
        credit = hours = remaining_hours = 0.0
        marks: dict[str, Attendance] = {}
        for session in self.sessions:
            key = (person_id, session.id)
            found = self._marks.get(key)
            if found is not None:
                marks[session.id] = found
            if not counts(session):
                continue
            if found is None:
                if self._expected[key]:
                    remaining += 1
                    remaining_hours += session_hours(session) or 0.0
            elif found.mark in _ATTENDED:
                attended += 1
                days, day_hours = day_credit(found, session)
                credit += days
                hours += day_hours
            elif found.mark in _MISSED and self._expected[key]:
                missed += 1
        enrolment = self._enrolment_by_person[person_id]
        return PersonTotals(
            days_attended=attended,
            day_credit=round(credit, 4),
            hours_attended=round(hours, 2),
            days_missed=missed,
            remaining=remaining,
            completes=completes(credit, self.rule, hours),
            still_reachable=completion_still_reachable(
                credit, remaining, self.rule, hours, remaining_hours),
            substitute_hours=cover_hours(enrolment, self.sessions, marks),
        )


# --- undo ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarkState:
    mark: Mark
    hours: float | None = None

    @classmethod
    def of(cls, record: Attendance | None) -> MarkState | None:
        return None if record is None else cls(record.mark, record.hours)


@dataclass(frozen=True, slots=True)
class MarkChange:
    """One cell going from ``before`` to ``after``; None is "no mark"."""

    course_id: str
    session_id: str
    person_id: str
    before: MarkState | None
    after: MarkState | None

    @classmethod
    def from_saved(cls, saved: Attendance, previous: Attendance | None) -> MarkChange:
        """From what ``Store.mark`` returns."""
        return cls(
            saved.course_id,
            saved.session_id,
            saved.person_id,
            MarkState.of(previous),
            MarkState.of(saved),
        )


@dataclass(frozen=True, slots=True)
class UndoStep:
    """Changes undone and redone together, e.g. marking everyone present at once.

    To undo, write each change's ``before`` (deleting the mark where it is None); to
    redo, write each ``after``.
    """

    changes: tuple[MarkChange, ...]
    label: str = ""


UNDO_LIMIT = 200


class UndoStack:
    def __init__(self, limit: int = UNDO_LIMIT) -> None:
        self._done: deque[UndoStep] = deque(maxlen=limit)
        self._undone: list[UndoStep] = []
        self._group: list[MarkChange] | None = None
        self._group_label = ""

    def push(self, changes: Iterable[MarkChange], label: str = "") -> None:
        """Record one step; a new action makes the undone steps unreachable."""
        real = tuple(c for c in changes if c.before != c.after)
        if not real:
            return
        if self._group is not None:
            self._group.extend(real)
            return
        self._done.append(UndoStep(real, label))
        self._undone.clear()

    def record(self, change: MarkChange) -> None:
        self.push((change,))

    @contextlib.contextmanager
    def group(self, label: str = "") -> Iterator[None]:
        """Everything pushed inside the block becomes one step."""
        if self._group is not None:
            yield
            return
        self._group, self._group_label = [], label
        try:
            yield
        finally:
            changes, self._group = self._group, None
            self.push(changes, self._group_label)

    def undo(self) -> UndoStep | None:
        if not self._done:
            return None
        step = self._done.pop()
        self._undone.append(step)
        return step

    def redo(self) -> UndoStep | None:
        if not self._undone:
            return None
        step = self._undone.pop()
        self._done.append(step)
        return step

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def __len__(self) -> int:
        return len(self._done)


# --- keys ----------------------------------------------------------------------------


class MarkAction(LabelledEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
    PARTIAL = "partial"
    CLEAR = "clear"

    @classmethod
    def _labels(cls) -> dict:
        # The marks are labelled where they are defined; clearing is the one extra.
        return {**{cls(m.value): text for m, text in Mark._labels().items()},
                cls.CLEAR: N_("Clear mark")}

    @property
    def mark(self) -> Mark | None:
        return None if self is MarkAction.CLEAR else Mark(self.value)


# Each language's own mnemonic letters (Textual key names), matching the labels the UI
# shows. Danish: t = til stede, f = fraværende, m = meldt fravær, d = delvist til
# stede. English: p = present, a = absent, e = excused, d = part-day. x and space
# clear. The two sets share no letter with a different meaning, so both work in either
# UI and a trainer's habit survives a language switch. Only lower-case letters:
# shifted keys stay free for bulk actions such as "everyone present".
PRIMARY_KEYS: dict[str, dict[MarkAction, tuple[str, ...]]] = {
    "da": {
        MarkAction.PRESENT: ("t",),
        MarkAction.ABSENT: ("f",),
        MarkAction.EXCUSED: ("m",),
        MarkAction.PARTIAL: ("d",),
        MarkAction.CLEAR: ("x", "space"),
    },
    "en": {
        MarkAction.PRESENT: ("p",),
        MarkAction.ABSENT: ("a",),
        MarkAction.EXCUSED: ("e",),
        MarkAction.PARTIAL: ("d",),
        MarkAction.CLEAR: ("x", "space"),
    },
}


def mark_keys() -> dict[str, dict[str, MarkAction]]:
    """Per UI language, every key that marks: its own letters first, then the other's."""
    table: dict[str, dict[str, MarkAction]] = {}
    for lang in PRIMARY_KEYS:
        keys: dict[str, MarkAction] = {}
        for source in (lang, *(other for other in PRIMARY_KEYS if other != lang)):
            for action, letters in PRIMARY_KEYS[source].items():
                for letter in letters:
                    if keys.setdefault(letter, action) is not action:
                        raise ValueError(f"key {letter!r} means two things")
        table[lang] = keys
    return table

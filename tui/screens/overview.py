"""The dashboard's figures, read from the store off the UI thread.

No Textual here: the reader turns store records into rows of display text, and tells
cheaply (by the store's file revisions) whether anything on disk changed since it last looked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tui.domain.courses import Course, CourseStatus, Session, SessionStatus
from tui.domain.parse import format_date
from tui.store.store import Revision, Store

# Courses in these states need no new dates, so their postponed sessions are history.
_SETTLED = frozenset({CourseStatus.COMPLETED, CourseStatus.CANCELLED})

FileIdentity = Revision
SortKey = tuple[tuple[int, int | str], ...]
_DIGITS = re.compile(r"(\d+)", re.ASCII)


@dataclass(frozen=True, slots=True)
class ProgrammeRow:
    id: str
    name: str
    period: str
    courses: int


@dataclass(frozen=True, slots=True)
class CourseRow:
    id: str
    name: str
    programme: str
    status: str
    sessions: int
    next_session: str


@dataclass(frozen=True, slots=True)
class PostponedRow:
    id: str
    course_id: str
    course: str
    date: str
    reason: str
    note: str


@dataclass(frozen=True, slots=True)
class Overview:
    programmes: tuple[ProgrammeRow, ...] = ()
    courses: tuple[CourseRow, ...] = ()
    postponed: tuple[PostponedRow, ...] = ()
    empty: bool = True


@dataclass(frozen=True, slots=True)
class _CourseSessions:
    count: int
    next_date: dt.date | None
    postponed: tuple[Session, ...]


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{format_date(start)} – {format_date(end)}"
    if start:
        return f"{format_date(start)} –"
    if end:
        return f"– {format_date(end)}"
    return ""


def natural_key(text: str) -> SortKey:
    """Sort "Hold 2" before "Hold 10", and ignore case."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(text.casefold()) if part
    )


def _summarise(sessions: list[Session]) -> _CourseSessions:
    # "Next" is the earliest day still planned, even if its date has passed: a day nobody
    # has recorded as held is the one that needs attention, whatever today's date is.
    planned = [s.date for s in sessions if s.status is SessionStatus.PLANNED]
    waiting = tuple(
        sorted(
            (s for s in sessions if s.status is SessionStatus.POSTPONED and s.replaced_by is None),
            key=lambda s: s.date,
        )
    )
    return _CourseSessions(len(sessions), min(planned, default=None), waiting)


class OverviewReader:
    """Reads the dashboard's rows; re-reads a course's file only when it changed.

    A national programme has thousands of course files; parsing them all on every
    change by another user would make the dashboard lag, so each course's summary is
    kept with the identity of the file it came from.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._course_ids: tuple[str, ...] = ()
        self._cache: dict[str, tuple[FileIdentity, _CourseSessions]] = {}
        self._signature: tuple[object, ...] | None = None

    def signature(self) -> tuple[object, ...]:
        """Identities of every file the overview is drawn from: a few stats, no parsing."""
        return (
            self.store.revision(),
            self.store.people_revision(),
            tuple(self.store.revision(cid) for cid in self._course_ids),
        )

    def changed(self) -> bool:
        return self._signature is None or self.signature() != self._signature

    def mark_seen(self) -> None:
        """Remember the files as they are now, after a failed read: a damaged file is
        read again only when someone changes it, not on every poll."""
        self._signature = self.signature()

    def read(self) -> Overview:
        store = self.store
        # Identities are taken before reading, so a change made while reading is still
        # caught by the next poll.
        main_before = self.store.revision()
        people_before = self.store.people_revision()
        if not store.exists():
            self._course_ids = ()
            self._cache.clear()
            self._signature = (main_before, people_before, ())
            return Overview()
        programmes = sorted(store.programmes.all(), key=lambda p: natural_key(p.name))
        courses = store.courses.all()
        names = {p.id: p.name for p in programmes}
        per_programme: dict[str, int] = {}
        for course in courses:
            per_programme[course.programme_id] = per_programme.get(course.programme_id, 0) + 1
        courses.sort(key=lambda c: (natural_key(names.get(c.programme_id, "")),
                                    natural_key(c.name)))
        self._course_ids = tuple(c.id for c in courses)

        course_rows: list[CourseRow] = []
        postponed: list[tuple[SortKey, dt.date, PostponedRow]] = []
        for course in courses:
            summary = self._sessions(course)
            course_rows.append(
                CourseRow(
                    id=course.id,
                    name=course.name,
                    programme=names.get(course.programme_id, ""),
                    status=course.status.label,
                    sessions=summary.count,
                    next_session=format_date(summary.next_date) if summary.next_date else "",
                )
            )
            if course.status not in _SETTLED:
                postponed.extend(
                    (
                        natural_key(course.name),
                        s.date,
                        PostponedRow(
                            id=s.id,
                            course_id=course.id,
                            course=course.name,
                            date=format_date(s.date),
                            reason=s.postpone_reason.label if s.postpone_reason else "",
                            note=s.postpone_note,
                        ),
                    )
                    for s in summary.postponed
                )
        self._cache = {cid: self._cache[cid] for cid in self._course_ids if cid in self._cache}
        empty = not programmes and not courses and store.people.count() == 0
        self._signature = (
            main_before,
            people_before,
            tuple(self._cache[cid][0] for cid in self._course_ids),
        )
        return Overview(
            programmes=tuple(
                ProgrammeRow(
                    id=p.id,
                    name=p.name,
                    period=period_text(p.period_start, p.period_end),
                    courses=per_programme.get(p.id, 0),
                )
                for p in programmes
            ),
            courses=tuple(course_rows),
            postponed=tuple(row for _name, _date, row in sorted(postponed, key=lambda t: t[:2])),
            empty=empty,
        )

    def _sessions(self, course: Course) -> _CourseSessions:
        before = self.store.revision(course.id)
        cached = self._cache.get(course.id)
        if cached is not None and cached[0] == before:
            return cached[1]
        summary = _summarise(self.store.sessions(course.id).all())
        self._cache[course.id] = (before, summary)
        return summary

"""One course as its screen shows it, read in three parts that change apart: the header
(course, programme, places and institutions, in the main file), the course's own file
(days, enrolments, who attended), and the participants' records (the people file).

A change in one file re-reads only its part. No Textual here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from tui.domain.courses import Course, Enrolment, EnrolmentStatus, Session
from tui.domain.parse import format_date
from tui.domain.people import Person
from tui.domain.places import Institution, Place, distinct_names
from tui.domain.programmes import Programme
from tui.i18n import Message
from tui.store.store import Store

# Who writes journals and rates goals: not the waitlisted or those who left.
ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


@dataclass(frozen=True)
class CourseHeader:
    """The course's part of the main file."""

    course: Course
    programme: Programme | None
    places: dict[str, Place]
    institutions: dict[str, Institution]


@dataclass(frozen=True)
class CourseFile:
    """What the course's own file holds that its screen shows."""

    sessions: tuple[Session, ...] = ()
    enrolments: tuple[Enrolment, ...] = ()
    # Sessions someone was marked as attending: they count as held (effective_status).
    attended: frozenset[str] = frozenset()
    holidays: dict[dt.date, list[Message]] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseData:
    header: CourseHeader
    file: CourseFile = field(default_factory=CourseFile)
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def course(self) -> Course:
        return self.header.course

    @property
    def programme(self) -> Programme | None:
        return self.header.programme

    @property
    def places(self) -> dict[str, Place]:
        return self.header.places

    @property
    def institutions(self) -> dict[str, Institution]:
        return self.header.institutions

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self.file.sessions

    @property
    def enrolments(self) -> tuple[Enrolment, ...]:
        return self.file.enrolments

    @property
    def attended(self) -> frozenset[str]:
        return self.file.attended

    @property
    def holidays(self) -> dict[dt.date, list[Message]]:
        return self.file.holidays

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @cached_property
    def place_names(self) -> dict[str, str]:
        return distinct_names(self.places.values())

    def in_order(self) -> list[Session]:
        return sorted(self.sessions, key=lambda s: (s.date, s.start or dt.time.min))


def read_header(store: Store, course_id: str) -> CourseHeader | None:
    course = store.courses.find(course_id)
    if course is None:
        return None
    return CourseHeader(course=course, programme=store.programmes.find(course.programme_id),
                        places={p.id: p for p in store.places.all()},
                        institutions={i.id: i for i in store.institutions.all()})


def read_file(store: Store, course_id: str) -> CourseFile:
    from tui.domain.schedule import holiday_warnings  # the holiday calendars are big

    sessions = tuple(store.sessions(course_id).all())
    holidays: dict[dt.date, list[Message]] = {}
    for warning in holiday_warnings({s.date for s in sessions}):
        holidays.setdefault(_warning_date(warning, sessions), []).append(warning)
    return CourseFile(sessions=sessions, enrolments=tuple(store.enrolments(course_id).all()),
                      attended=frozenset(store.attended_sessions(course_id)),
                      holidays=holidays)


def read_people(store: Store, enrolments: Iterable[Enrolment]) -> dict[str, Person]:
    """The enrolled people's records, without decoding the whole registry."""
    return store.people.find_many(e.person_id for e in enrolments)


def load_course(store: Store, course_id: str) -> CourseData | None:
    """Everything the course screen shows, read in one go (in a worker); None when the
    course is no longer there."""
    header = read_header(store, course_id)
    if header is None:
        return None
    file = read_file(store, course_id)
    return CourseData(header, file, read_people(store, file.enrolments))


def reread_course(store: Store, data: CourseData, *, header: bool, file: bool,
                  people: bool) -> CourseData | None:
    """``data`` with the parts whose files changed read again; None when the course is
    gone. New enrolments bring their people along."""
    cid = data.course.id
    fresh_header = read_header(store, cid) if header else data.header
    if fresh_header is None:
        return None
    fresh_file = read_file(store, cid) if file else data.file
    if people or {e.person_id for e in fresh_file.enrolments} - data.people.keys():
        fresh_people = read_people(store, fresh_file.enrolments)
    else:
        fresh_people = data.people
    return dataclasses.replace(data, header=fresh_header, file=fresh_file,
                               people=fresh_people)


def _warning_date(warning: Message, sessions: Iterable[Session]) -> dt.date:
    shown = warning.params.get("date")
    return next((s.date for s in sessions if format_date(s.date) == shown), dt.date.min)


def participants(store: Store, course_id: str,
                 names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(person id, name) of the course's active participants, by name (``names``: the
    course's people's names if already read)."""
    if names is None:
        names = {pid: p.name for pid, p in store.course_people(course_id).items()}
    enrolled = {e.person_id for e in store.enrolments(course_id).all() if e.status in ACTIVE}
    return sorted(((pid, names.get(pid, pid)) for pid in enrolled),
                  key=lambda pair: pair[1].casefold())


def other_courses_sessions(store: Store, course_id: str,
                           dates: Sequence[dt.date]) -> tuple[list[Session], dict[str, Course]]:
    """Sessions of other courses on ``dates``, for clash warnings.

    Only courses with a planned day on one of the dates are opened: the summaries in
    the main file tell which, so a national database is not read file by file.
    """
    wanted = set(dates)
    courses = {c.id: c for c in store.courses.all()}
    busy = [s.id for s in store.course_summaries.all()
            if s.id != course_id and s.id in courses and wanted & set(s.planned_dates)]
    others = [s for cid in busy for s in store.sessions(cid).all() if s.date in wanted]
    return others, courses

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from tui.domain.people import Qualification, Role
from tui.domain.records import LabelledEnum, Record
from tui.i18n import N_


class CourseStatus(LabelledEnum):
    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PLANNED: N_("Planned"),
            cls.RUNNING: N_("Running"),
            cls.COMPLETED: N_("Completed"),
            cls.POSTPONED: N_("Postponed"),
            cls.CANCELLED: N_("Cancelled"),
        }


@dataclass(kw_only=True)
class EligibilityRule:
    """Who may enrol. Empty lists admit everyone; a mismatch is a warning, not a wall."""

    roles: list[Role] = field(default_factory=list)
    qualifications: list[Qualification] = field(default_factory=list)
    institution_kinds: list[str] = field(default_factory=list)
    description: str = ""


@dataclass(kw_only=True)
class CompletionRule:
    """A participant completes by attending at least ``min_sessions`` days or, when
    ``min_hours`` is set, at least that many hours. A partial day counts by its hours in
    either case, so half an hour of a 7-hour day is a fourteenth of a day, not a day."""

    min_sessions: int = 0
    min_hours: float | None = None

    @property
    def in_hours(self) -> bool:
        return self.min_hours is not None


@dataclass(kw_only=True)
class PhasePlan:
    """The before/during/after (20-30-50) plan: what each part asks of participants."""

    before_share: int = 20
    during_share: int = 30
    after_share: int = 50
    before: str = ""
    during: str = ""
    after: str = ""


@dataclass(kw_only=True)
class Course(Record):
    programme_id: str
    name: str
    form_key: str = ""
    audience: str = ""
    topic_keys: list[str] = field(default_factory=list)
    place_id: str | None = None
    venue: str = ""
    trainers: list[str] = field(default_factory=list)
    provider: str = ""
    status: CourseStatus = CourseStatus.PLANNED
    reading_pages: int | None = None
    # Places on the course; beyond them people go on the waiting list. None: no limit.
    capacity: int | None = None
    eligibility: EligibilityRule = field(default_factory=EligibilityRule)
    completion: CompletionRule = field(default_factory=CompletionRule)
    phase_plan: PhasePlan = field(default_factory=PhasePlan)


class SessionStatus(LabelledEnum):
    PLANNED = "planned"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PLANNED: N_("Planned"),
            cls.HELD: N_("Held"),
            cls.POSTPONED: N_("Postponed"),
            cls.CANCELLED: N_("Cancelled"),
        }


class PostponeReason(LabelledEnum):
    WEATHER = "weather"
    ILLNESS = "illness"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.WEATHER: N_("Weather"),
            cls.ILLNESS: N_("Illness"),
            cls.OTHER: N_("Other"),
        }


@dataclass(kw_only=True)
class Session(Record):
    """Undervisningsdag. A postponed session stays as history and points to its new date."""

    course_id: str
    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    hours: float | None = None
    place_id: str | None = None
    venue: str = ""
    status: SessionStatus = SessionStatus.PLANNED
    postpone_reason: PostponeReason | None = None
    postpone_note: str = ""
    replaced_by: str | None = None
    # The practice period (praksisopgave) that follows this session until the next one.
    practice_task: str = ""


class EnrolmentStatus(LabelledEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ENROLLED: N_("Enrolled"),
            cls.WAITLISTED: N_("Waitlisted"),
            cls.WITHDRAWN: N_("Withdrawn"),
            cls.COMPLETED: N_("Completed"),
        }


@dataclass(kw_only=True)
class Enrolment(Record):
    course_id: str
    person_id: str
    status: EnrolmentStatus = EnrolmentStatus.ENROLLED
    enrolled_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    # Set when someone enrolled a person the eligibility rule would not admit.
    eligibility_override: str = ""
    substitute_hours: float | None = None


class Mark(LabelledEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
    PARTIAL = "partial"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PRESENT: N_("Present"),
            cls.ABSENT: N_("Absent"),
            cls.EXCUSED: N_("Excused absence"),
            cls.PARTIAL: N_("Partly present"),
        }


@dataclass(kw_only=True)
class Attendance(Record):
    course_id: str
    session_id: str
    person_id: str
    mark: Mark
    hours: float | None = None
    substitute_hours: float | None = None


def attendance_id(session_id: str, person_id: str) -> str:
    """One mark per person and session: the id is derived, so marking is an upsert."""
    return f"{session_id}.{person_id}"


@dataclass(kw_only=True)
class WaitingSession:
    session_id: str
    date: dt.date
    reason: PostponeReason | None = None
    note: str = ""


@dataclass(kw_only=True)
class CourseSummary(Record):
    """What lists show of a course's sessions, kept beside the course header so that a
    list of thousands of courses never has to open their files. ``id`` is the course's."""

    session_count: int = 0
    planned_dates: list[dt.date] = field(default_factory=list)
    # Postponed sessions still waiting for a new date.
    waiting: list[WaitingSession] = field(default_factory=list)

    def next_planned(self, today: dt.date | None = None) -> dt.date | None:
        """The first planned day from ``today`` on; without ``today``, the first at all."""
        upcoming = [d for d in self.planned_dates if today is None or d >= today]
        return min(upcoming) if upcoming else None


ATTENDED_MARKS = frozenset({Mark.PRESENT, Mark.PARTIAL})


def attended_session_ids(attendance: Iterable[Attendance]) -> set[str]:
    return {a.session_id for a in attendance if a.mark in ATTENDED_MARKS}


def effective_status(session: Session, attended: Collection[str]) -> SessionStatus:
    """The status a day counts with: a planned day where anyone was marked as attending
    was held, whoever forgot to set it (marks come from the grid, the store and field
    bundles alike). A day set postponed or cancelled stays so on purpose."""
    if session.status is SessionStatus.PLANNED and session.id in attended:
        return SessionStatus.HELD
    return session.status


def held_ids(sessions: Iterable[Session], attended: Collection[str]) -> set[str]:
    return {s.id for s in sessions if effective_status(s, attended) is SessionStatus.HELD}


def summarise(course_id: str, sessions: list[Session],
              attended: Collection[str] = ()) -> CourseSummary:
    """``attended``: ids of the sessions with an attending mark (see effective_status)."""
    return CourseSummary(
        id=course_id,
        # Days that will be or were taught: a postponed day lives on in its new date.
        session_count=sum(s.status in (SessionStatus.PLANNED, SessionStatus.HELD)
                          for s in sessions),
        planned_dates=sorted(s.date for s in sessions
                             if effective_status(s, attended) is SessionStatus.PLANNED),
        waiting=[
            WaitingSession(session_id=s.id, date=s.date, reason=s.postpone_reason,
                           note=s.postpone_note)
            for s in sorted(sessions, key=lambda s: s.date)
            if s.status is SessionStatus.POSTPONED and s.replaced_by is None
        ],
    )


def places_taken(enrolments: Iterable[Enrolment]) -> int:
    return sum(e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
               for e in enrolments)


def next_on_waiting_list(course: Course, enrolments: Iterable[Enrolment]) -> Enrolment | None:
    """Who is offered a place that has come free: the first on the waiting list (by when
    they were put on it), or None when no place is free or nobody waits. Two put on it
    in the same second (the stamps' grain) are in the order they were stored."""
    enrolments = list(enrolments)
    if course.capacity is None or places_taken(enrolments) >= course.capacity:
        return None
    waiting = [e for e in enrolments if e.status is EnrolmentStatus.WAITLISTED]
    return min(waiting, key=lambda e: e.created_at) if waiting else None

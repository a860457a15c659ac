"""What one course adds to the programme report, worked out from that course's records.

A report used to read every record of every course it covered (a national programme:
half a million attendance marks) each time. These facts are what the report needs of
one course, whatever its filters: the store keeps them beside each course
(``tui.store.figures``) and brings them up to date with every change of the course, so
a report reads them and never the records. ``tui.domain.reports`` builds the report
from them; computing them here and reading them back give the same report.

They assume that everyone the course's records name is in the people registry (an
erasure removes a person from every course that names them); with ``exists`` they are
worked out for a registry that lacks some of them, as the report then counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Session,
    SessionStatus,
    attended_session_ids,
    effective_status,
)
from tui.domain.cover import costs_nothing, course_days, day_cover, day_share
from tui.domain.expectation import expected
from tui.domain.journals import GoalOutcome, GoalRating, Journal, JournalEntry, JournalGoal, Phase
from tui.domain.people import Person, Qualification, Role
from tui.domain.rules import completes, day_credit

# The key for people, places or postponements whose municipality or reason is not known.
UNKNOWN = "unknown"

ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
ATTENDED = (Mark.PRESENT, Mark.PARTIAL)


@dataclass(slots=True)
class HeldFigures:
    """Attendance on a day that counts as held."""

    attended: int
    expected: int
    # People due that day whom nobody marked, sorted.
    unmarked: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SessionFacts:
    id: str
    date: dt.date
    # As the report counts it: a planned day with an attending mark was held.
    status: SessionStatus
    # Set held by hand: the day chart numbers a course's days among these.
    recorded_held: bool = False
    place_id: str | None = None
    # A postponed day: its reason (UNKNOWN when none was given), and whether it still
    # waits for a new date among the course's days.
    postpone_reason: str | None = None
    waiting: bool = False
    held: HeldFigures | None = None


@dataclass(slots=True)
class ParticipantFacts:
    person_id: str
    completed: bool = False
    # The held day on which the rule was met (for a completion set by hand, the course's
    # last day); a report for a period counts completions that fall inside it.
    completed_on: dt.date | None = None


@dataclass(slots=True)
class EnrolmentCover:
    """One enrolment's substitute cover per day: (index into the sessions, hours), for
    the days that cost something."""

    enrolment_id: str
    days: list[tuple[int, float]] = field(default_factory=list)

    def hours(self, in_scope: Callable[[int], bool] | None = None) -> float:
        # Added in the order of the days, as ``tui.domain.cover.cover_hours`` adds them.
        total = 0.0
        for index, hours in self.days:
            if in_scope is None or in_scope(index):
                total += hours
        return round(total, 2)


@dataclass(slots=True)
class PairedRating:
    """A learning-goal rating given both before and after (the others show no change)."""

    id: str
    goal_key: str
    before: float
    after: float


@dataclass(kw_only=True)
class JournalProgress:
    journal_id: str
    course_id: str
    title: str = ""
    highest_phase: Phase | None = None
    entry_ids: list[str] = field(default_factory=list)
    goals_by_outcome: dict[str, list[str]] = field(default_factory=dict)


@dataclass(kw_only=True)
class CourseFacts:
    course_id: str
    # The course's completion rule the completions were found with: when the course's
    # rule is changed, these completions are out of date.
    rule: CompletionRule
    # In date order (date, start, id).
    sessions: list[SessionFacts] = field(default_factory=list)
    # Enrolled or completed people, in the order of their first such enrolment.
    participants: list[ParticipantFacts] = field(default_factory=list)
    # Every enrolment counts toward cover (a withdrawn person's days before they left);
    # only those with hours are listed, in the order of the enrolments.
    enrolment_count: int = 0
    cover: list[EnrolmentCover] = field(default_factory=list)
    ratings: list[PairedRating] = field(default_factory=list)
    journals: list[JournalProgress] = field(default_factory=list)

    def substitute_hours(self, in_scope: Callable[[int], bool] | None = None) -> float:
        # Zero when there are no enrolments, 0.0 when none costs anything: as the sum of
        # every enrolment's hours was.
        start: float = 0.0 if self.enrolment_count else 0
        return sum((c.hours(in_scope) for c in self.cover), start)


@dataclass(slots=True)
class PersonFacts:
    """What the report needs of a person: where they count and what they are."""

    role: Role
    qualification: Qualification
    institution_id: str | None = None
    place_id: str | None = None

    @classmethod
    def of(cls, person: Person) -> PersonFacts:
        return cls(person.role, person.qualification, person.institution_id,
                   person.place_id)


# --- working them out ----------------------------------------------------------------


def sorted_sessions(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.date, s.start or dt.time.min, s.id))


def completion_rule(rule: CompletionRule) -> CompletionRule:
    """The rule as the report applies it: a rule of 0 days means none was set, and
    nobody is trained without attending a day."""
    if rule.in_hours:
        return rule
    return CompletionRule(min_sessions=max(rule.min_sessions, 1))


def completion_day(held: Sequence[Session], marks: Mapping[str, Attendance],
                   rule: CompletionRule) -> dt.date | None:
    """The date of the held day on which the person's attendance (``marks``, by session
    id) first met the rule."""
    days = hours = 0.0
    for session in held:  # in date order
        mark = marks.get(session.id)
        if mark is None or mark.mark not in ATTENDED:
            continue
        day, day_hours = day_credit(mark, session)
        days += day
        hours += day_hours
        if completes(days, rule, hours):
            return session.date
    return None


def last_day(held: Sequence[Session], all_sessions: Sequence[Session]) -> dt.date | None:
    if held:
        return max(s.date for s in held)
    return all_sessions[-1].date if all_sessions else None


def participant_facts(enrolment: Enrolment, held: Sequence[Session],
                      marks: Mapping[str, Attendance], rule: CompletionRule,
                      last: dt.date | None) -> ParticipantFacts:
    """``rule`` as ``completion_rule`` gives it; ``marks`` the person's, by session."""
    when = completion_day(held, marks, rule)
    if when is None and enrolment.status is EnrolmentStatus.COMPLETED:
        # Marked completed by hand (e.g. made up a missed day elsewhere).
        return ParticipantFacts(enrolment.person_id, True, last)
    return ParticipantFacts(enrolment.person_id, when is not None, when)


def active_enrolments(enrolments: Iterable[Enrolment],
                      exists: Callable[[str], bool] | None = None) -> dict[str, Enrolment]:
    """Each enrolled or completed person's enrolment, in the order they first appear."""
    active: dict[str, Enrolment] = {}
    for enrolment in enrolments:
        pid = enrolment.person_id
        if (exists is not None and not exists(pid)) or enrolment.status not in ACTIVE_ENROLMENT:
            continue
        # A duplicate enrolment marked completed outranks one still enrolled.
        if pid not in active or enrolment.status is EnrolmentStatus.COMPLETED:
            active[pid] = enrolment
    return active


def held_figures(session: Session, active: Mapping[str, Enrolment],
                 marked: Mapping[str, Attendance]) -> HeldFigures:
    """A held day: the people expected there (by the same rule as the grid and the
    sign-in sheet: enrolled by then, not withdrawn before) and anyone marked as
    attending. ``marked``: the day's marks, by person."""
    due = {pid for pid, e in active.items() if expected(e, session)}
    came = {pid for pid, m in marked.items() if m.mark in ATTENDED}
    return HeldFigures(len(came), len(due | came),
                       [pid for pid in sorted(due) if pid not in marked])


def enrolment_cover(enrolment: Enrolment, all_sessions: Sequence[Session],
                    marks: Mapping[str, Attendance]) -> EnrolmentCover:
    """Cover follows attendance day by day (``tui.domain.cover``); ``marks`` are the
    person's, by session."""
    share = day_share(enrolment, course_days(all_sessions))
    if costs_nothing(enrolment, marks, share):
        return EnrolmentCover(enrolment.id, [])
    days = []
    for index, session in enumerate(all_sessions):
        hours = day_cover(enrolment, session, marks.get(session.id), share)
        if hours:
            days.append((index, hours))
    return EnrolmentCover(enrolment.id, days)


def session_facts(all_sessions: Sequence[Session],
                  attended: set[str]) -> list[SessionFacts]:
    """The days without their attendance (``held`` is filled in by the caller)."""
    ids = {s.id for s in all_sessions}
    found = []
    for s in all_sessions:
        postponed = s.status is SessionStatus.POSTPONED
        found.append(SessionFacts(
            s.id, s.date, effective_status(s, attended), s.status is SessionStatus.HELD,
            s.place_id,
            (s.postpone_reason.value if s.postpone_reason else UNKNOWN) if postponed else None,
            postponed and (s.replaced_by is None or s.replaced_by not in ids)))
    return found


def journal_progress(course_id: str, journals: Iterable[Journal],
                     entries: Iterable[JournalEntry],
                     goals: Iterable[JournalGoal]) -> list[JournalProgress]:
    progress = {
        j.id: JournalProgress(
            journal_id=j.id, course_id=course_id, title=j.title or j.group_name,
            goals_by_outcome={o.value: [] for o in GoalOutcome} | {UNKNOWN: []},
        )
        for j in journals
    }
    for entry in entries:
        item = progress.get(entry.journal_id)
        if item is None:
            continue
        item.entry_ids.append(entry.id)
        if item.highest_phase is None or entry.phase > item.highest_phase:
            item.highest_phase = entry.phase
    for goal in goals:
        item = progress.get(goal.journal_id)
        if item is not None:
            item.goals_by_outcome[goal.outcome.value if goal.outcome else UNKNOWN].append(goal.id)
    return list(progress.values())


def paired_ratings(ratings: Iterable[GoalRating]) -> list[PairedRating]:
    # Only pairs show change; a rating given once says nothing about the course.
    return [PairedRating(r.id, r.goal_key, r.before, r.after) for r in ratings
            if r.before is not None and r.after is not None]


def by_session(marks: Iterable[Attendance],
               exists: Callable[[str], bool] | None = None) -> dict[str, dict[str, Attendance]]:
    found: dict[str, dict[str, Attendance]] = defaultdict(dict)
    for mark in marks:
        if exists is None or exists(mark.person_id):
            found[mark.session_id][mark.person_id] = mark
    return found


def by_person(marks: Iterable[Attendance]) -> dict[str, dict[str, Attendance]]:
    found: dict[str, dict[str, Attendance]] = defaultdict(dict)
    for mark in marks:
        found[mark.person_id][mark.session_id] = mark
    return found


def course_facts(
    course_id: str,
    rule: CompletionRule,
    sessions: Iterable[Session],
    enrolments: Sequence[Enrolment],
    attendance: Sequence[Attendance],
    ratings: Iterable[GoalRating] = (),
    journals: Iterable[Journal] = (),
    entries: Iterable[JournalEntry] = (),
    goals: Iterable[JournalGoal] = (),
    exists: Callable[[str], bool] | None = None,
) -> CourseFacts:
    """``rule`` is the course's completion rule; ``exists`` tells who is in the people
    registry (None: everyone named is)."""
    all_sessions = sorted_sessions(sessions)
    attended = attended_session_ids(attendance)
    facts = CourseFacts(course_id=course_id, rule=rule,
                        sessions=session_facts(all_sessions, attended))
    held = [s for s, f in zip(all_sessions, facts.sessions, strict=True)
            if f.status is SessionStatus.HELD]
    active = active_enrolments(enrolments, exists)
    marks = by_session(attendance, exists)
    # Completion reads the marks of people in the registry; cover all of them.
    theirs = by_person(m for by_day in marks.values() for m in by_day.values())
    applied, last = completion_rule(rule), last_day(held, all_sessions)
    facts.participants = [participant_facts(e, held, theirs.get(pid, {}), applied, last)
                          for pid, e in active.items()]
    for session, found in zip(all_sessions, facts.sessions, strict=True):
        if found.status is SessionStatus.HELD:
            found.held = held_figures(session, active, marks.get(session.id, {}))
    everyone = by_person(attendance)
    facts.enrolment_count = len(enrolments)
    facts.cover = [c for c in (enrolment_cover(e, all_sessions, everyone.get(e.person_id, {}))
                               for e in enrolments) if c.days]
    facts.ratings = paired_ratings(ratings)
    facts.journals = journal_progress(course_id, journals, entries, goals)
    return facts

"""Programme reports: the numbers administrators send to the ministry and the funders.

Pure: the caller gathers the records (``tui.store.reporting.report_from_store`` does it for
the store) and this module only counts. Every figure keeps the ids behind it, so a screen
can drill down from "47 trained" to the 47 people, and a sceptical funder can be shown.

Scope, as the filters define it:
- ``programme_id`` keeps the programme's courses.
- ``place_id`` keeps courses held at that place, or anywhere in it when it is a
  municipality (the course's own place or any of its sessions' places).
- ``period`` (from, to; either may be None for open) keeps sessions dated inside it and
  courses with at least one such session. A person counts as trained in the period when
  the day they met the completion rule falls inside it, so a course running across New
  Year is not counted twice.

Records that point at a person who is no longer in the people list (erased) are left out
of the person counts: they cannot be put under a role or a municipality.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.domain.course_facts import (
    UNKNOWN,
    CourseFacts,
    JournalProgress,
    PairedRating,
    PersonFacts,
    course_facts,
)
from tui.domain.courses import (
    Attendance,
    Course,
    Enrolment,
    PostponeReason,
    Session,
    SessionStatus,
)
from tui.domain.cover import COVER_RULE
from tui.domain.journals import GoalRating, Journal, JournalEntry, JournalGoal
from tui.domain.ordering import name_key
from tui.domain.parse import format_date, format_number
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, Place, PlaceKind, distinct_names
from tui.domain.programmes import Programme
from tui.i18n import _, ngettext

Period = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True, slots=True)
class Ratio:
    """A share with both of its numbers, so "92 %" can always be shown as "140 of 152"."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(kw_only=True)
class MunicipalityReach:
    municipality_id: str
    name: str
    institutions_known: list[str] = field(default_factory=list)
    institutions_reached: list[str] = field(default_factory=list)
    places_known: list[str] = field(default_factory=list)
    places_reached: list[str] = field(default_factory=list)

    @property
    def places_not_reached(self) -> list[str]:
        reached = set(self.places_reached)
        return [p for p in self.places_known if p not in reached]

    @property
    def institutions_not_reached(self) -> list[str]:
        reached = set(self.institutions_reached)
        return [i for i in self.institutions_known if i not in reached]


@dataclass(kw_only=True)
class GoalChange:
    """Participants' own ratings of one learning goal, paired before and after."""

    goal_key: str
    text: str = ""
    rating_ids: list[str] = field(default_factory=list)
    before_mean: float | None = None
    after_mean: float | None = None

    @property
    def rated(self) -> int:
        return len(self.rating_ids)

    @property
    def change(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean


@dataclass(kw_only=True)
class CourseFigures:
    course_id: str
    name: str
    programme_id: str
    participants: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    attendance: Ratio = Ratio(0, 0)
    substitute_hours: float = 0.0
    sessions_by_status: dict[str, list[str]] = field(default_factory=dict)
    journals: list[JournalProgress] = field(default_factory=list)

    @property
    def completion(self) -> Ratio:
        return Ratio(len(self.completed), len(self.participants))


@dataclass(kw_only=True)
class Report:
    programme_id: str | None = None
    period: Period | None = None
    place_id: str | None = None

    courses: dict[str, CourseFigures] = field(default_factory=dict)
    # Distinct people: someone trained in two courses is one person trained.
    trained_people: list[str] = field(default_factory=list)
    trained_by_role: dict[str, list[str]] = field(default_factory=dict)
    trained_by_qualification: dict[str, list[str]] = field(default_factory=dict)
    trained_by_municipality: dict[str, list[str]] = field(default_factory=dict)
    municipality_names: dict[str, str] = field(default_factory=dict)
    place_names: dict[str, str] = field(default_factory=dict)
    institution_names: dict[str, str] = field(default_factory=dict)
    reach: list[MunicipalityReach] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    unskilled_participants: list[str] = field(default_factory=list)
    pedagogues_trained: list[str] = field(default_factory=list)

    sessions_held: list[str] = field(default_factory=list)
    sessions_planned: list[str] = field(default_factory=list)
    sessions_postponed: list[str] = field(default_factory=list)
    postponed_by_reason: dict[str, list[str]] = field(default_factory=dict)
    # Postponed sessions that no new date has been found for yet.
    postponed_waiting: list[str] = field(default_factory=list)
    sessions_cancelled: list[str] = field(default_factory=list)

    attendance: Ratio = Ratio(0, 0)
    attendance_by_session: dict[str, Ratio] = field(default_factory=dict)
    # (session id, person id) of participants nobody marked on a held session.
    unmarked: list[tuple[str, str]] = field(default_factory=list)

    substitute_hours: float = 0.0
    substitute_cost: float | None = None
    substitute_hours_unpriced: float = 0.0

    goal_changes: list[GoalChange] = field(default_factory=list)

    @property
    def trained_total(self) -> int:
        return len(self.trained_people)

    @property
    def completion(self) -> Ratio:
        return Ratio(
            sum(len(c.completed) for c in self.courses.values()),
            sum(len(c.participants) for c in self.courses.values()),
        )

    @property
    def unskilled_share(self) -> Ratio:
        return Ratio(len(self.unskilled_participants), len(self.participants))

    @property
    def pedagogue_share(self) -> Ratio:
        return Ratio(len(self.pedagogues_trained), len(self.trained_people))


# --- building ------------------------------------------------------------------------


_STATUS_VALUES = {status: status.value for status in SessionStatus}


def _in_period(day: dt.date, period: Period | None) -> bool:
    if period is None:
        return True
    start, end = period
    return (start is None or day >= start) and (end is None or day <= end)


class _Places:
    """Place lookups that resolve towns and settlements to their municipality."""

    def __init__(self, places: Iterable[Place], institutions: Iterable[Institution]) -> None:
        self.by_id = {p.id: p for p in places}
        self.institutions = {i.id: i for i in institutions}
        # By (place, institution): a national report asks for 80,000 people, who live at
        # a few thousand such pairs.
        self._municipalities: dict[tuple[str | None, str | None], str] = {}

    def municipality_of(self, place_id: str | None) -> str | None:
        place = self.by_id.get(place_id or "")
        if place is None:
            return None
        if place.kind is PlaceKind.MUNICIPALITY:
            return place.id
        return place.municipality_id if place.municipality_id in self.by_id else None

    def within(self, place_id: str | None, target: str) -> bool:
        return place_id is not None and (
            place_id == target or self.municipality_of(place_id) == target
        )

    def person_places(self, person: PersonFacts) -> list[str]:
        """The person's own place and their institution's, whichever are known."""
        found = [person.place_id] if person.place_id in self.by_id else []
        institution = self.institutions.get(person.institution_id or "")
        if institution and institution.place_id in self.by_id:
            found.append(institution.place_id)
        return [p for p in found if p is not None]

    def person_municipality(self, person: PersonFacts) -> str:
        key = (person.place_id, person.institution_id)
        found = self._municipalities.get(key)
        if found is None:
            found = self._municipalities[key] = self._first_municipality(person)
        return found

    def _first_municipality(self, person: PersonFacts) -> str:
        # The person's own place first: a childminder on a sheep-farming station belongs
        # to the station's municipality even if the childminding office sits elsewhere.
        for place_id in self.person_places(person):
            if (municipality := self.municipality_of(place_id)) is not None:
                return municipality
        return UNKNOWN


def build_report(
    programmes: Sequence[Programme],
    courses: Sequence[Course],
    sessions_by_course: Mapping[str, Sequence[Session]],
    enrolments_by_course: Mapping[str, Sequence[Enrolment]],
    attendance_by_course: Mapping[str, Sequence[Attendance]],
    people: Sequence[Person],
    institutions: Sequence[Institution],
    places: Sequence[Place],
    ratings_by_course: Mapping[str, Sequence[GoalRating]] | None = None,
    journals_by_course: Mapping[str, Sequence[Journal]] | None = None,
    entries_by_course: Mapping[str, Sequence[JournalEntry]] | None = None,
    goals_by_course: Mapping[str, Sequence[JournalGoal]] | None = None,
    *,
    programme_id: str | None = None,
    period: Period | None = None,
    place_id: str | None = None,
) -> Report:
    """The report from the courses' records (``report_from_facts`` from their facts)."""
    person_by_id = {p.id: PersonFacts.of(p) for p in people}
    facts = {
        c.id: course_facts(
            c.id, c.completion, sessions_by_course.get(c.id, ()),
            enrolments_by_course.get(c.id, ()), attendance_by_course.get(c.id, ()),
            (ratings_by_course or {}).get(c.id, ()), (journals_by_course or {}).get(c.id, ()),
            (entries_by_course or {}).get(c.id, ()), (goals_by_course or {}).get(c.id, ()),
            exists=person_by_id.__contains__)
        for c in courses if programme_id is None or c.programme_id == programme_id
    }
    return report_from_facts(programmes, courses, facts, person_by_id, institutions, places,
                             programme_id=programme_id, period=period, place_id=place_id)


def report_from_facts(
    programmes: Sequence[Programme],
    courses: Sequence[Course],
    facts: Mapping[str, CourseFacts],
    people: Mapping[str, PersonFacts],
    institutions: Sequence[Institution],
    places: Sequence[Place],
    *,
    programme_id: str | None = None,
    period: Period | None = None,
    place_id: str | None = None,
) -> Report:
    """The report from each course's facts (``tui.domain.course_facts``); ``facts`` must
    hold every course of the chosen programme (all of them without one), and ``people``
    everyone those facts count."""
    if period is not None and period == (None, None):
        period = None
    lookup = _Places(places, institutions)
    programme_by_id = {p.id: p for p in programmes}
    report = Report(programme_id=programme_id, period=period, place_id=place_id)

    scoped: list[tuple[Course, CourseFacts]] = []
    for course in courses:
        if programme_id is not None and course.programme_id != programme_id:
            continue
        found = facts[course.id]
        if place_id is not None and not (
            lookup.within(course.place_id, place_id)
            or any(lookup.within(s.place_id, place_id) for s in found.sessions)
        ):
            continue
        if period is not None and not any(_in_period(s.date, period) for s in found.sessions):
            continue
        scoped.append((course, found))

    trained: dict[str, None] = {}  # ordered set
    participants: dict[str, None] = {}
    postponed_by_reason: dict[str, list[str]] = defaultdict(list)
    hours_by_programme: dict[str, float] = defaultdict(float)
    attended_total = expected_total = 0

    for course, found in scoped:
        figures = CourseFigures(
            course_id=course.id, name=course.name, programme_id=course.programme_id
        )
        report.courses[course.id] = figures
        # Without a period every session and completion counts: no test of each date.
        in_scope = None if period is None else [_in_period(s.date, period)
                                                for s in found.sessions]
        sessions = found.sessions if in_scope is None else [
            s for s, inside in zip(found.sessions, in_scope, strict=True) if inside]

        by_status: dict[str, list[str]] = {value: [] for value in _STATUS_VALUES.values()}
        course_attended = course_expected = 0
        for s in sessions:
            by_status[_STATUS_VALUES[s.status]].append(s.id)
            if s.postpone_reason is not None:
                postponed_by_reason[s.postpone_reason].append(s.id)
                if s.waiting:
                    report.postponed_waiting.append(s.id)
            if s.status is SessionStatus.HELD and s.held is not None:
                report.unmarked += [(s.id, pid) for pid in s.held.unmarked]
                report.attendance_by_session[s.id] = Ratio(s.held.attended, s.held.expected)
                course_attended += s.held.attended
                course_expected += s.held.expected
        figures.sessions_by_status = by_status
        report.sessions_held += by_status[SessionStatus.HELD.value]
        report.sessions_planned += by_status[SessionStatus.PLANNED.value]
        report.sessions_postponed += by_status[SessionStatus.POSTPONED.value]
        report.sessions_cancelled += by_status[SessionStatus.CANCELLED.value]
        figures.attendance = Ratio(course_attended, course_expected)
        attended_total += course_attended
        expected_total += course_expected

        figures.participants = [p.person_id for p in found.participants]
        participants.update(dict.fromkeys(figures.participants))

        # A person counts as trained in a period when the day they met the rule falls
        # inside it.
        figures.completed = [
            p.person_id for p in found.participants
            if p.completed and (period is None or (
                p.completed_on is not None and _in_period(p.completed_on, period)))]
        trained.update(dict.fromkeys(figures.completed))

        # Withdrawn people count for the days before they left, the waiting list for
        # nothing (tui.domain.cover).
        hours = found.substitute_hours(None if in_scope is None else in_scope.__getitem__)
        figures.substitute_hours = hours
        hours_by_programme[course.programme_id] += hours
        figures.journals = found.journals

    report.postponed_by_reason = dict(postponed_by_reason)
    report.attendance = Ratio(attended_total, expected_total)

    report.trained_people = list(trained)
    # By the members themselves (an enum's .value is a property, looked up 40,000 times).
    by_role: dict[Role, list[str]] = {role: [] for role in Role}
    by_qualification: dict[Qualification, list[str]] = {q: [] for q in Qualification}
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for pid in report.trained_people:
        person = people[pid]
        by_role[person.role].append(pid)
        by_qualification[person.qualification].append(pid)
        by_municipality[lookup.person_municipality(person)].append(pid)
    report.trained_by_role = {role.value: ids for role, ids in by_role.items()}
    report.trained_by_qualification = {q.value: ids for q, ids in by_qualification.items()}
    report.trained_by_municipality = dict(by_municipality)
    report.pedagogues_trained = report.trained_by_qualification[Qualification.PEDAGOGUE.value]

    report.participants = list(participants)
    report.unskilled_participants = [
        pid for pid in report.participants
        if people[pid].qualification is Qualification.UNSKILLED
    ]

    priced = [p for p in hours_by_programme if _rate(programme_by_id.get(p)) is not None]
    report.substitute_hours = sum(hours_by_programme.values())
    report.substitute_hours_unpriced = sum(
        h for p, h in hours_by_programme.items() if p not in priced
    )
    if priced:
        report.substitute_cost = sum(
            hours_by_programme[p] * (_rate(programme_by_id.get(p)) or 0.0) for p in priced
        )

    report.reach = _reach(scoped, report.participants, people, lookup)
    report.municipality_names = {
        m: lookup.by_id[m].name for m in report.trained_by_municipality if m in lookup.by_id
    } | {r.municipality_id: r.name for r in report.reach}
    report.place_names = distinct_names(lookup.by_id.values())
    report.institution_names = {i.id: i.name for i in lookup.institutions.values()}

    report.goal_changes = _goal_changes(
        [r for _course, found in scoped for r in found.ratings],
        {c.programme_id for c, _found in scoped},
        programme_by_id,
    )
    return report



def _rate(programme: Programme | None) -> float | None:
    return programme.substitute_hourly_rate if programme else None


def _reach(
    scoped: list[tuple[Course, CourseFacts]],
    participants: list[str],
    person_by_id: Mapping[str, PersonFacts],
    lookup: _Places,
) -> list[MunicipalityReach]:
    # Denominators cover the countries the courses were held in: a Greenland programme
    # is not measured against Denmark's 98 municipalities.
    countries: set[str] = set()
    for course, found in scoped:
        for place_id in [course.place_id, *(s.place_id for s in found.sessions)]:
            if place_id in lookup.by_id:
                countries.add(lookup.by_id[place_id].country)
    reached_institutions: set[str] = set()
    reached_places: set[str] = set()
    # Each (place, institution) once: tens of thousands of people share a few thousand.
    seen = {(p.place_id, p.institution_id): p for p in map(person_by_id.__getitem__,
                                                           participants)}
    for person in seen.values():
        if person.institution_id in lookup.institutions:
            reached_institutions.add(person.institution_id)
        reached_places.update(lookup.person_places(person))

    rows: dict[str, MunicipalityReach] = {}

    def row(municipality_id: str) -> MunicipalityReach:
        if municipality_id not in rows:
            rows[municipality_id] = MunicipalityReach(
                municipality_id=municipality_id, name=lookup.by_id[municipality_id].name
            )
        return rows[municipality_id]

    for place in lookup.by_id.values():
        if place.kind is PlaceKind.MUNICIPALITY and (not countries or place.country in countries):
            row(place.id)
    for place in lookup.by_id.values():
        municipality = lookup.municipality_of(place.id)
        if place.kind is PlaceKind.MUNICIPALITY or municipality is None:
            continue
        if municipality in rows or place.id in reached_places:
            row(municipality).places_known.append(place.id)
            if place.id in reached_places:
                row(municipality).places_reached.append(place.id)
    for institution in lookup.institutions.values():
        municipality = lookup.municipality_of(institution.place_id)
        if municipality is None:
            continue
        if municipality in rows or institution.id in reached_institutions:
            row(municipality).institutions_known.append(institution.id)
            if institution.id in reached_institutions:
                row(municipality).institutions_reached.append(institution.id)
    return sorted(rows.values(), key=lambda r: name_key(r.name))


def _goal_changes(
    ratings: list[PairedRating],
    programme_ids: set[str],
    programme_by_id: Mapping[str, Programme],
) -> list[GoalChange]:
    texts: dict[str, str] = {}
    order: dict[str, int] = {}
    for pid in sorted(programme_ids):
        programme = programme_by_id.get(pid)
        for goal in programme.learning_goals if programme else ():
            texts.setdefault(goal.key, goal.text)
            order.setdefault(goal.key, len(order))
    paired: dict[str, list[PairedRating]] = defaultdict(list)
    for rating in ratings:
        paired[rating.goal_key].append(rating)
    changes = []
    for key, group in paired.items():
        changes.append(
            GoalChange(
                goal_key=key,
                text=texts.get(key, ""),
                rating_ids=[r.id for r in group],
                before_mean=sum(r.before or 0 for r in group) / len(group),
                after_mean=sum(r.after or 0 for r in group) / len(group),
            )
        )
    return sorted(changes, key=lambda g: (order.get(g.goal_key, len(order)), g.goal_key))


# --- output --------------------------------------------------------------------------


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _ratio_json(ratio: Ratio) -> dict[str, Any]:
    return {"part": ratio.part, "whole": ratio.whole, "rate": _round(ratio.value, 4)}


def report_to_json(report: Report) -> dict[str, Any]:
    """Counts and rates at the top, the ids behind them under ``ids``."""
    start, end = report.period or (None, None)
    return {
        "filters": {
            "programme": report.programme_id,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
            "place": report.place_id,
        },
        "courses": len(report.courses),
        "trained_total": report.trained_total,
        "trained_by_role": {k: len(v) for k, v in report.trained_by_role.items()},
        "trained_by_qualification": {
            k: len(v) for k, v in report.trained_by_qualification.items()
        },
        "trained_by_municipality": {
            k: len(v) for k, v in report.trained_by_municipality.items()
        },
        "municipality_names": report.municipality_names,
        "participants": len(report.participants),
        "unskilled_share": _round(report.unskilled_share.value, 4),
        "pedagogue_share_of_trained": _round(report.pedagogue_share.value, 4),
        "completion_rate": _round(report.completion.value, 4),
        "completions": report.completion.part,
        "sessions_held": len(report.sessions_held),
        "sessions_planned": len(report.sessions_planned),
        "sessions_postponed": len(report.sessions_postponed),
        "sessions_postponed_by_reason": {
            k: len(v) for k, v in report.postponed_by_reason.items()
        },
        "sessions_postponed_waiting": len(report.postponed_waiting),
        "sessions_cancelled": len(report.sessions_cancelled),
        "attendance_rate": _round(report.attendance.value, 4),
        "attendance": {**_ratio_json(report.attendance), "unmarked": len(report.unmarked)},
        "substitute_hours": round(report.substitute_hours, 2),
        "substitute_cost": _round(report.substitute_cost, 2),
        "substitute_hours_unpriced": round(report.substitute_hours_unpriced, 2),
        # In the source language: JSON is data, the same whatever the UI speaks.
        "substitute_rule": COVER_RULE,
        "reach": {
            r.municipality_id: {
                "name": r.name,
                "institutions_reached": len(r.institutions_reached),
                "institutions_known": len(r.institutions_known),
                "places_reached": len(r.places_reached),
                "places_known": len(r.places_known),
                "places_not_reached": r.places_not_reached,
            }
            for r in report.reach
        },
        "learning_goals": {
            g.goal_key: {
                "text": g.text,
                "rated": g.rated,
                "before": _round(g.before_mean, 2),
                "after": _round(g.after_mean, 2),
                "change": _round(g.change, 2),
            }
            for g in report.goal_changes
        },
        "by_course": {
            c.course_id: {
                "name": c.name,
                "programme": c.programme_id,
                "participants": len(c.participants),
                "completed": len(c.completed),
                "completion_rate": _round(c.completion.value, 4),
                "attendance_rate": _round(c.attendance.value, 4),
                "attendance": _ratio_json(c.attendance),
                "substitute_hours": round(c.substitute_hours, 2),
                "sessions": {k: len(v) for k, v in c.sessions_by_status.items()},
                "journals": {
                    j.journal_id: {
                        "title": j.title,
                        "highest_phase": int(j.highest_phase) if j.highest_phase else None,
                        "entries": len(j.entry_ids),
                        "goals": {k: len(v) for k, v in j.goals_by_outcome.items() if v},
                    }
                    for j in c.journals
                },
            }
            for c in report.courses.values()
        },
        "attendance_by_session": {
            sid: _ratio_json(r) for sid, r in report.attendance_by_session.items()
        },
        "ids": {
            "courses": list(report.courses),
            "trained_people": report.trained_people,
            "trained_by_role": report.trained_by_role,
            "trained_by_qualification": report.trained_by_qualification,
            "trained_by_municipality": report.trained_by_municipality,
            "participants": report.participants,
            "unskilled_participants": report.unskilled_participants,
            "completed_by_course": {c.course_id: c.completed for c in report.courses.values()},
            "sessions_held": report.sessions_held,
            "sessions_planned": report.sessions_planned,
            "sessions_postponed": report.sessions_postponed,
            "sessions_postponed_by_reason": report.postponed_by_reason,
            "sessions_postponed_waiting": report.postponed_waiting,
            "sessions_cancelled": report.sessions_cancelled,
            "unmarked": [list(pair) for pair in report.unmarked],
            "learning_goal_ratings": {g.goal_key: g.rating_ids for g in report.goal_changes},
        },
    }


def report_rows(report: Report) -> list[tuple[str, str, Any]]:
    """The report as (figure, breakdown, value) rows: one sheet a spreadsheet can pivot."""
    data = report_to_json(report)
    rows: list[tuple[str, str, Any]] = []
    for key, value in data.items():
        if key in ("ids", "municipality_names", "attendance_by_session"):
            continue
        if isinstance(value, dict):
            _flatten(rows, key, "", value)
        else:
            rows.append((key, "", value))
    return rows


def _flatten(rows: list[tuple[str, str, Any]], figure: str, prefix: str,
             value: dict[str, Any]) -> None:
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            _flatten(rows, figure, path + "/", item)
        elif isinstance(item, list):
            rows.append((figure, path, " ".join(str(i) for i in item)))
        else:
            rows.append((figure, path, item))


# --- text ----------------------------------------------------------------------------

BAR_WIDTH = 30
_NAME_WIDTH = 24


def share(ratio: Ratio) -> str:
    """A share as a person reads it: 93,3 % (56 of 60)."""
    if ratio.value is None:
        return "–"
    return _("{percent} % ({part} of {whole})").format(
        percent=format_number(ratio.value * 100, 1), part=ratio.part, whole=ratio.whole
    )


def _bar(count: int, largest: int) -> str:
    # ASCII, not block characters: the report is also read in a plain SSH console.
    if largest <= 0 or count <= 0:
        return ""
    return "#" * max(1, round(count / largest * BAR_WIDTH))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _names(ids: list[str], names: Mapping[str, str], limit: int = 6) -> str:
    shown = [names.get(i, i) for i in ids[:limit]]
    if len(ids) > limit:
        shown.append(_("and {n} more").format(n=len(ids) - limit))
    return ", ".join(shown)


def report_to_text(report: Report) -> str:
    lines: list[str] = [_("Report"), "=" * len(_("Report"))]
    filters = []
    if report.programme_id:
        filters.append(_("programme {id}").format(id=report.programme_id))
    if report.period:
        start, end = report.period
        filters.append(_("period {start} to {end}").format(
            start=format_date(start) if start else "…", end=format_date(end) if end else "…"))
    if report.place_id:
        filters.append(_("place {name}").format(
            name=report.place_names.get(report.place_id, report.place_id)))
    lines.append(_("Scope: {filters}").format(
        filters=", ".join(filters) if filters else _("all programmes, all time")))
    lines.append(_("Courses: {n}").format(n=len(report.courses)))

    lines += ["", _("Trained"), "-" * len(_("Trained"))]
    lines.append(_("Trained in total: {n}").format(n=report.trained_total))
    roles = [f"{r.label} {len(report.trained_by_role[r.value])}" for r in Role]
    lines.append(_("By role: {list}").format(list=", ".join(roles)))
    quals = [f"{q.label} {len(report.trained_by_qualification[q.value])}"
             for q in Qualification]
    lines.append(_("By qualification: {list}").format(list=", ".join(quals)))
    lines.append(_("Pedagogues among the trained: {share}").format(
        share=share(report.pedagogue_share)))
    lines.append(_("Unskilled among participants: {share}").format(
        share=share(report.unskilled_share)))
    lines.append(_("Completed their course: {share}").format(share=share(report.completion)))

    lines += ["", _("Trained by municipality"), "-" * len(_("Trained by municipality"))]
    counts = sorted(report.trained_by_municipality.items(),
                    key=lambda kv: (-len(kv[1]), report.municipality_names.get(kv[0], kv[0])))
    largest = max((len(v) for v in report.trained_by_municipality.values()), default=0)
    if not counts:
        lines.append(_("Nobody trained yet."))
    for municipality, people in counts:
        name = _("Unknown") if municipality == UNKNOWN else report.municipality_names.get(
            municipality, municipality)
        lines.append(f"{_fit(name, _NAME_WIDTH):<{_NAME_WIDTH}} "
                     f"{_bar(len(people), largest):<{BAR_WIDTH}} {len(people):>5}")

    lines += ["", _("Reach"), "-" * len(_("Reach"))]
    for reach in report.reach:
        lines.append(_("{name}: institutions {inst} of {inst_all}, places {places} of "
                       "{places_all}").format(
            name=reach.name, inst=len(reach.institutions_reached),
            inst_all=len(reach.institutions_known), places=len(reach.places_reached),
            places_all=len(reach.places_known)))
        if reach.places_reached and reach.places_not_reached:
            # Wrapped: the report must read in an 80-column terminal.
            lines += textwrap.wrap(
                _("Not yet reached: {names}").format(
                    names=_names(reach.places_not_reached, report.place_names)),
                width=78, initial_indent="  ", subsequent_indent="    ")

    lines += ["", _("Sessions"), "-" * len(_("Sessions"))]
    lines.append(_("Held {held}, planned {planned}, postponed {postponed}, "
                   "cancelled {cancelled}").format(
        held=len(report.sessions_held), planned=len(report.sessions_planned),
        postponed=len(report.sessions_postponed), cancelled=len(report.sessions_cancelled)))
    if report.postponed_by_reason:
        reasons = []
        for reason, ids in sorted(report.postponed_by_reason.items()):
            label = _("reason not given") if reason == UNKNOWN else _postpone_label(reason)
            reasons.append(f"{label} {len(ids)}")
        lines.append(_("Postponed because of: {list}").format(list=", ".join(reasons)))
    lines.append(_("Postponed and still waiting for a new date: {n}").format(
        n=len(report.postponed_waiting)))

    lines += ["", _("Attendance"), "-" * len(_("Attendance"))]
    lines.append(_("Attendance on held sessions: {share}").format(
        share=share(report.attendance)))
    if report.unmarked:
        lines.append(_("Marks missing on held sessions: {n}").format(n=len(report.unmarked)))
    for course in report.courses.values():
        if course.attendance.whole:
            lines.append(f"  {_fit(course.name, 50):<50} {share(course.attendance)}")

    lines += ["", _("Substitute cover"), "-" * len(_("Substitute cover"))]
    lines.append(_("Hours: {hours}").format(hours=format_number(report.substitute_hours, 1)))
    if report.substitute_cost is not None:
        lines.append(_("Cost: {amount} kr.").format(
            amount=format_number(report.substitute_cost, 2)))
    if report.substitute_hours_unpriced:
        lines.append(_("Hours in programmes without an hourly rate: {hours}").format(
            hours=format_number(report.substitute_hours_unpriced, 1)))
    lines += textwrap.wrap(_(COVER_RULE), 78)

    if report.goal_changes:
        lines += ["", _("Learning goals, average rating before and after"),
                  "-" * len(_("Learning goals, average rating before and after"))]
        for goal in report.goal_changes:
            change = goal.change or 0.0
            sign = "+" if change >= 0 else "−"
            lines.append(_("{goal}: {before} to {after} ({sign}{change}; {n} rated)").format(
                goal=_fit(f"{goal.goal_key} {goal.text}".strip(), 40),
                before=format_number(goal.before_mean or 0.0, 1),
                after=format_number(goal.after_mean or 0.0, 1),
                sign=sign, change=format_number(abs(change), 1), n=goal.rated))

    journals = [j for c in report.courses.values() for j in c.journals]
    if journals:
        lines += ["", _("Action-learning journals"), "-" * len(_("Action-learning journals"))]
        for course in report.courses.values():
            for journal in course.journals:
                title = _fit(journal.title or journal.journal_id, 44)
                phase = journal.highest_phase
                if phase is None:
                    lines.append(_("{journal}: no entries yet").format(journal=title))
                    continue
                lines.append(ngettext("{journal}: phase {number} {phase} ({n} entry)",
                                      "{journal}: phase {number} {phase} ({n} entries)",
                                      len(journal.entry_ids)).format(
                    journal=title, number=int(phase), phase=phase.label,
                    n=len(journal.entry_ids)))
    return "\n".join(lines) + "\n"


def _postpone_label(reason: str) -> str:
    try:
        return PostponeReason(reason).label
    except ValueError:
        return reason

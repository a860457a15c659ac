"""The programme report from the store: from each course's kept figures, not its records.

``report_from_store`` reads the main file, the first line of each course's file (its
figures, ``tui.store.figures``) and, of each person, only what the report counts them
by. A
course whose figures are missing or out of date (a course file edited by hand, a
completion rule changed by a bundle merge, someone it names no longer registered) is
worked out from its own records, as every course once was; the report is the same
either way (tests/test_report_figures.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from tui.domain.course_facts import CourseFacts, PersonFacts
from tui.domain.courses import Course
from tui.domain.places import Place
from tui.domain.programmes import Programme
from tui.domain.reports import Period, Ratio, Report, report_from_facts
from tui.store import figures
from tui.store.bulk import collector_paused
from tui.store.store import Store

Progress = Callable[[int, int], None]
_PERSON_ID = attrgetter("person_id")


def report_from_store(
    store: Store,
    *,
    programme_id: str | None = None,
    period: Period | None = None,
    place_id: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read what the report needs and build it; the TUI and the CLI both call this."""
    # Paused over the whole: the courses' facts, a million small objects, are gone
    # before the collector resumes, so its first pass walks only the report.
    with collector_paused():
        return _report(store, programme_id, period, place_id, progress).report


@dataclass
class _Found:
    """The report and what was read for it, which the reports screen shows too."""

    report: Report
    facts: dict[str, CourseFacts]
    courses: list[Course]
    programmes: list[Programme]
    places: list[Place]


def _report(store: Store, programme_id: str | None, period: Period | None,
            place_id: str | None, progress: Progress | None) -> _Found:
    courses = store.courses.all()
    programmes, places = store.programmes.all(), store.places.all()
    people = store.people_facts()
    facts = course_facts(store, courses, people, programme_id, progress)
    report = report_from_facts(
        programmes, courses, facts, people, store.institutions.all(), places,
        programme_id=programme_id, period=period, place_id=place_id)
    return _Found(report, facts, courses, programmes, places)


def course_facts(store: Store, courses: list[Course], people: dict[str, PersonFacts],
                 programme_id: str | None = None,
                 progress: Progress | None = None) -> dict[str, CourseFacts]:
    """Each chosen course's figures: as kept where they are current, else worked out."""
    wanted = [c for c in courses if programme_id is None or c.programme_id == programme_id]
    found: dict[str, CourseFacts] = {}
    for done, course in enumerate(wanted, start=1):
        doc = figures.kept(store, course.id)
        facts = None if doc is None else figures.decode_facts(course.id, doc)
        # The figures count everyone the course names; a course that names someone no
        # longer registered is counted by its records, without them. Only its active
        # participants can make a difference there (the figures count no one else's
        # marks), and they are in the figures: the person index (1 MB) is not read.
        if not figures.is_current(facts, course.completion) or not all(
                map(people.__contains__, map(_PERSON_ID, facts.participants))):  # type: ignore[union-attr]
            facts = figures.from_records(store, course.id, course.completion,
                                         exists=people.__contains__)
        assert facts is not None
        found[course.id] = facts
        if progress is not None:
            progress(done, len(wanted))
    return found


def trained_by_programme(store: Store, courses: list[Course]) -> dict[str, int]:
    """How many people completed a course of each programme, over all time and places:
    the report's count, from the same course figures, without the rest of the report
    (the dashboard's targets and the programmes screen both show it)."""
    with collector_paused():
        facts = course_facts(store, courses, store.people_facts())
    done: dict[str, set[str]] = {}
    for course in courses:
        done.setdefault(course.programme_id, set()).update(
            p.person_id for p in facts[course.id].participants if p.completed)
    return {pid: len(people) for pid, people in done.items()}


# -- attendance by the day's place in its course --------------------------------------------


@dataclass
class DayFigures:
    """Day ``number`` of every course in the report: its sessions and their attendance."""

    number: int
    sessions: list[str] = field(default_factory=list)
    attended: int = 0
    expected: int = 0

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.attended, self.expected)


@dataclass
class ReportWithDays:
    report: Report
    days: list[DayFigures]
    # Every session of the report's courses, with its course.
    session_courses: dict[str, str]
    # As read for the report: the screen lists them in its filters and export.
    courses: list[Course]
    programmes: list[Programme]
    places: list[Place]


def report_with_days(
    store: Store,
    *,
    programme_id: str | None = None,
    period: Period | None = None,
    place_id: str | None = None,
    progress: Progress | None = None,
) -> ReportWithDays:
    """The report and its attendance by day (day 1, day 2, ... of every course), from
    the same figures: what the reports screen shows."""
    with collector_paused():  # as report_from_store
        return _with_days(_report(store, programme_id, period, place_id, progress))


def _with_days(found: _Found) -> ReportWithDays:
    report, facts = found.report, found.facts
    days: dict[int, DayFigures] = {}
    session_courses: dict[str, str] = {}
    for course_id in report.courses:
        sessions = facts[course_id].sessions
        session_courses.update((s.id, course_id) for s in sessions)
        # Numbered among all the course's days set held, so day 3 stays day 3 in any
        # period (the facts are in date order).
        held = [s for s in sessions if s.recorded_held]
        for number, session in enumerate(held, start=1):
            ratio = report.attendance_by_session.get(session.id)
            if ratio is None:
                continue
            day = days.setdefault(number, DayFigures(number))
            day.sessions.append(session.id)
            day.attended += ratio.part
            day.expected += ratio.whole
    return ReportWithDays(report, [days[n] for n in sorted(days)], session_courses,
                          found.courses, found.programmes, found.places)


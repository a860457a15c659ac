"""The dashboard's figures, read from the store off the UI thread.

No Textual here: the reader turns store records into rows of display text. The main
file alone holds everything but the progress toward targets: each course's days are
summarised beside its header, so thousands of courses are listed without opening
their files. Only the courses of the first screenful are decoded for the first paint
(``first``); the rest follow in a second read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.domain.courses import CourseStatus, CourseSummary
from tui.domain.ordering import SortKey, natural_key
from tui.domain.parse import format_date
from tui.domain.programmes import target_text
from tui.store.store import Store
from tui.views.sync_status import SyncStatus, field_copy_courses, read_status

# Courses in these states need no new dates, so their postponed sessions are history.
_SETTLED = frozenset({CourseStatus.COMPLETED, CourseStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class ProgrammeRow:
    id: str
    name: str
    period: str
    courses: int
    # The target as typed ("60–70"), "" without one; progress is read separately.
    target: str = ""


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
    # The first ``len(courses)`` of ``course_count`` courses, in the order shown; all
    # of them when ``complete``.
    courses: tuple[CourseRow, ...] = ()
    course_count: int = 0
    complete: bool = True
    postponed: tuple[PostponedRow, ...] = ()
    empty: bool = True
    sync: SyncStatus = field(default_factory=SyncStatus)
    # Course files the figures read (a field copy's pending changes).
    course_files: frozenset[str] = frozenset()


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{format_date(start)} – {format_date(end)}"
    if start:
        return f"{format_date(start)} –"
    if end:
        return f"– {format_date(end)}"
    return ""


def _text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    return value if isinstance(value, str) else ""


def read_overview(store: Store, first: int | None = None) -> Overview:
    """The dashboard's rows; with ``first``, only that many courses' rows (the rest are
    counted and ordered from their stored names, not decoded)."""
    if not store.exists():
        return Overview()
    programmes = sorted(store.programmes.all(), key=lambda p: natural_key(p.name))
    names = {p.id: p.name for p in programmes}
    raw = list(store.courses.raw())
    course_names = {cid: _text(doc, "name") for cid, doc in raw}
    per_programme: dict[str, int] = {}
    for _cid, doc in raw:
        programme_id = _text(doc, "programme_id")
        per_programme[programme_id] = per_programme.get(programme_id, 0) + 1
    # Each programme's key once: 2,000 courses share a handful of programme names.
    programme_keys = {pid: natural_key(name) for pid, name in names.items()}
    no_programme = natural_key("")
    order = [cid for _key, cid in sorted(
        ((programme_keys.get(_text(doc, "programme_id"), no_programme),
          natural_key(course_names[cid])), cid) for cid, doc in raw)]
    # All of them when they fit: then no second read follows.
    shown = order if first is None or len(order) <= first else order[:first]
    courses = store.courses.find_many(shown)
    summaries = store.course_summaries.find_many(shown)
    course_rows = []
    for cid in shown:
        course = courses.get(cid)
        if course is None:
            continue  # deleted between the two looks: the next read will not list it
        summary = summaries.get(cid) or CourseSummary(id=cid)
        # "Next" is the earliest day still planned, even if its date has passed: a day
        # nobody recorded as held is the one that needs attention.
        upcoming = summary.next_planned()
        course_rows.append(CourseRow(
            id=cid, name=course.name, programme=names.get(course.programme_id, ""),
            status=course.status.label, sessions=summary.session_count,
            next_session=format_date(upcoming) if upcoming else ""))
    # Only an otherwise empty database needs the people file opened to tell.
    empty = not programmes and not raw and store.people.count() == 0
    return Overview(
        programmes=tuple(
            ProgrammeRow(id=p.id, name=p.name, period=period_text(p.period_start, p.period_end),
                         courses=per_programme.get(p.id, 0), target=target_text(p))
            for p in programmes),
        courses=tuple(course_rows), course_count=len(order), complete=shown is order,
        postponed=_postponed(store), empty=empty, sync=read_status(store, course_names),
        course_files=frozenset(field_copy_courses(store)))


def _postponed(store: Store) -> tuple[PostponedRow, ...]:
    """Days waiting for a new date, by course and date: only the summaries that list
    one are decoded."""
    waiting = [sid for sid, doc in store.course_summaries.raw() if doc.get("waiting")]
    summaries = store.course_summaries.find_many(waiting)
    courses = store.courses.find_many(summaries)
    found: list[tuple[SortKey, dt.date, PostponedRow]] = []
    for cid, summary in summaries.items():
        course = courses.get(cid)
        if course is None or course.status in _SETTLED:
            continue
        found.extend(
            (natural_key(course.name), w.date, PostponedRow(
                id=w.session_id, course_id=cid, course=course.name,
                date=format_date(w.date), reason=w.reason.label if w.reason else "",
                note=w.note))
            for w in summary.waiting)
    return tuple(row for _name, _date, row in sorted(found, key=lambda t: t[:2]))


@dataclass(frozen=True)
class Targets:
    """People who completed a course, per programme with a target: the figure the
    target promises; and the course files that count toward it."""

    trained: dict[str, int] = field(default_factory=dict)
    course_files: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FirstRead:
    """What the dashboard shows first, read before the app started."""

    overview: Overview
    targets: Targets
    # The watcher's generations of the files as they were before the reads.
    seen: dict[str, int]


def read_targets(store: Store) -> Targets:
    """Only the targeted programmes' course files are opened."""
    programmes = [p for p in store.programmes.all() if p.target_participants is not None]
    if not programmes:
        return Targets()
    wanted = {p.id for p in programmes}
    courses = [c for c in store.courses.all() if c.programme_id in wanted]
    from tui.store.reporting import trained_by_programme  # the report machinery is big

    trained = trained_by_programme(store, courses)
    return Targets({pid: trained.get(pid, 0) for pid in wanted},
                   frozenset(c.id for c in courses))


def progress_text(row: ProgrammeRow, trained: Mapping[str, int]) -> str:
    """Short enough for the dashboard at 80 columns: "22/60–70"."""
    if not row.target or row.id not in trained:
        return row.target
    return f"{trained[row.id]}/{row.target}"

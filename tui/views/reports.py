"""The report as the reports screen shows it, and the report as a file: no Textual here.

The figures themselves are ``tui.store.exports.report_from_store``'s (the CLI's
``kuffert report`` prints the same); around them the screen shows attendance by day of
the course and the choices of its filters, read here in the same worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.domain.courses import SessionStatus
from tui.domain.places import Place, PlaceKind
from tui.domain.programmes import Programme
from tui.domain.reports import Period, Ratio, Report
from tui.i18n import N_
from tui.store.exports import report_document, report_from_store

if TYPE_CHECKING:
    from tui.store.store import Store

Progress = Callable[[int, int], None]

# (format value, label msgid, file extension) for saving the report itself.
REPORT_FORMATS = (
    ("text", N_("Text, as printed by kuffert report"), "txt"),
    ("json", N_("JSON, with the ids behind every figure"), "json"),
    ("csv", N_("CSV for Danish Excel (;)"), "csv"),
    ("csv-plain", N_("CSV plain, RFC 4180 (,)"), "csv"),
)


@dataclass(frozen=True)
class Filters:
    programme_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    place_id: str | None = None

    @property
    def period(self) -> Period | None:
        return (self.start, self.end) if self.start or self.end else None


@dataclass
class DayFigures:
    """Attendance on the n-th held day of every course: does attendance fall away?"""

    number: int
    sessions: list[str] = field(default_factory=list)
    attended: int = 0
    expected: int = 0

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.attended, self.expected)


@dataclass
class Computed:
    """The report and what the screen needs around it, read in the same worker."""

    report: Report
    filters: Filters
    days: list[DayFigures]
    programmes: list[tuple[str, str]]  # (id, name), by name
    places: list[Place]
    courses: list[tuple[str, str]]  # (id, name), by name; for the export dialog
    session_courses: dict[str, str]  # session id -> its course's id
    targeted: list[Programme] = field(default_factory=list)  # those with a target, by name


def compute(store: Store, filters: Filters, progress: Progress | None = None) -> Computed:
    def first_half(done: int, total: int) -> None:
        if progress is not None:
            progress(done, 2 * total)

    report = report_from_store(store, programme_id=filters.programme_id,
                               period=filters.period, place_id=filters.place_id,
                               progress=first_half)

    def second_half(done: int, total: int) -> None:
        if progress is not None:
            progress(total + done, 2 * total)

    courses = store.courses.all()
    session_courses: dict[str, str] = {}
    days = attendance_by_day(store, report, second_half, session_courses)
    programmes = store.programmes.all()
    return Computed(
        report=report, filters=filters, days=days, session_courses=session_courses,
        programmes=sorted(((p.id, p.name) for p in programmes),
                          key=lambda item: item[1].casefold()),
        places=store.places.all(),
        courses=sorted(((c.id, c.name) for c in courses), key=lambda item: item[1].casefold()),
        targeted=sorted((p for p in programmes if p.target_participants),
                        key=lambda p: p.name.casefold()),
    )


def attendance_by_day(store: Store, report: Report, progress: Progress | None = None,
                      session_courses: dict[str, str] | None = None) -> list[DayFigures]:
    """The report's attendance per session, summed by the session's place in its course.

    A national programme has thousands of sessions, too many to chart one by one; day 1,
    day 2, ... of every course shows whether people keep coming. Since every session is
    read here anyway, ``session_courses`` is filled with each one's course.
    """
    days: dict[int, DayFigures] = {}
    for done, course_id in enumerate(report.courses, start=1):
        if progress is not None:
            progress(done, len(report.courses))
        sessions = store.sessions(course_id).all()
        if session_courses is not None:
            session_courses.update((s.id, course_id) for s in sessions)
        held = sorted((s for s in sessions if s.status is SessionStatus.HELD),
                      key=lambda s: (s.date, s.start or dt.time.min, s.id))
        # Numbered among all the course's held days, so day 3 stays day 3 in any period.
        for number_, session in enumerate(held, start=1):
            ratio = report.attendance_by_session.get(session.id)
            if ratio is None:
                continue
            day = days.setdefault(number_, DayFigures(number_))
            day.sessions.append(session.id)
            day.attended += ratio.part
            day.expected += ratio.whole
    return [days[n] for n in sorted(days)]


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report file as ``kuffert report --format ... --out`` writes it: ``fmt`` is
    one of REPORT_FORMATS ("csv-plain" is ``--format csv --plain``)."""
    if fmt in ("csv", "csv-plain"):
        return report_document(report, "csv", plain=fmt == "csv-plain").encode("utf-8")
    return report_document(report, fmt).encode("utf-8")


def report_path(fmt: str | None) -> str:
    """Where the report is saved when no file is given: ~/kuffert-report with the
    format's ending."""
    ext = {value: ext for value, _label, ext in REPORT_FORMATS}.get(fmt or "", "txt")
    return f"~/kuffert-report.{ext}"


def place_choices(places: Sequence[Place]) -> list[tuple[str, str]]:
    """Municipalities first, then every town, settlement and station with its own."""
    names = {p.id: p.name for p in places}
    municipalities = sorted((p for p in places if p.kind is PlaceKind.MUNICIPALITY),
                            key=lambda p: p.name.casefold())
    others = sorted((p for p in places if p.kind is not PlaceKind.MUNICIPALITY),
                    key=lambda p: p.name.casefold())
    choices = [(p.name, p.id) for p in municipalities]
    for place in others:
        within = names.get(place.municipality_id or "")
        choices.append((f"{place.name} ({within})" if within else place.name, place.id))
    return choices

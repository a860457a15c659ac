"""The report as the reports screen shows it, and the report as a file: no Textual here.

The figures themselves are ``tui.store.reporting``'s (the CLI's ``kuffert report``
prints the same); around them the screen shows attendance by day of
the course and the choices of its filters, read here in the same worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.domain.places import Place, PlaceKind
from tui.domain.programmes import Programme
from tui.domain.report_files import report_file
from tui.domain.reports import Period, Report
from tui.i18n import N_
from tui.store.reporting import DayFigures, report_with_days

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
    # The figures each course keeps beside its records (tui.store.reporting): the report
    # and its days come from the courses' first lines, not from every record.
    found = report_with_days(store, programme_id=filters.programme_id,
                             period=filters.period, place_id=filters.place_id,
                             progress=progress)
    courses, programmes = found.courses, found.programmes
    return Computed(
        report=found.report, filters=filters, session_courses=found.session_courses,
        days=found.days,
        programmes=sorted(((p.id, p.name) for p in programmes),
                          key=lambda item: item[1].casefold()),
        places=found.places,
        courses=sorted(((c.id, c.name) for c in courses), key=lambda item: item[1].casefold()),
        targeted=sorted((p for p in programmes if p.target_participants),
                        key=lambda p: p.name.casefold()),
    )


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report file as ``kuffert report --format ... --out`` writes it, from the same
    code: ``fmt`` is one of REPORT_FORMATS ("csv-plain" is ``--format csv --plain``)."""
    return report_file(report, fmt)


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

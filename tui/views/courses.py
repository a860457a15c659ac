"""The course list: every course as a row, read from the main file alone.

Each course's days are summarised beside its header in the main file, so a list of
thousands of courses never opens their files. No Textual here: the screens and the CLI
share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from tui.domain.courses import Course, CourseStatus, CourseSummary
from tui.domain.ordering import natural_key
from tui.domain.places import Place, distinct_names
from tui.domain.programmes import Programme
from tui.domain.text import fold
from tui.store.store import Store


def programme_short(programme: Programme | None) -> str:
    """ "Initiativ 3: Opkvalificering …" is "Initiativ 3" in a narrow column."""
    if programme is None:
        return ""
    return programme.name.split(":", 1)[0].strip()


def place_label(place: Place, places: Mapping[str, Place] | None = None) -> str:
    """Name and kind, and the municipality when known: Greenland has two Aappilattoq and
    two Tasiusaq, told apart only by it."""
    kind = place.kind.label.lower()
    owner = (places or {}).get(place.municipality_id or "")
    return f"{place.name} ({kind}, {owner.name})" if owner else f"{place.name} ({kind})"


@dataclass(frozen=True, slots=True)
class CourseRow:
    course: Course
    programme: str
    place: str
    days: int
    next_date: dt.date | None
    haystack: str  # what the search looks in, folded


@dataclass(frozen=True)
class CourseList:
    rows: tuple[CourseRow, ...] = ()
    programmes: tuple[Programme, ...] = ()
    places: tuple[Place, ...] = ()

    def row(self, course_id: str) -> CourseRow | None:
        return next((r for r in self.rows if r.course.id == course_id), None)

    def programme(self, programme_id: str) -> Programme | None:
        return next((p for p in self.programmes if p.id == programme_id), None)


def read_course_list(store: Store) -> CourseList:
    """Every course, by programme and then name, with its days from the summaries."""
    if not store.exists():
        return CourseList()
    programmes = sorted(store.programmes.all(), key=lambda p: natural_key(p.name))
    places = sorted(store.places.all(), key=lambda p: natural_key(p.name))
    summaries = {s.id: s for s in store.course_summaries.all()}
    by_programme = {p.id: p for p in programmes}
    place_names = distinct_names(places)
    courses = sorted(store.courses.all(), key=lambda c: (
        natural_key(by_programme[c.programme_id].name if c.programme_id in by_programme
                    else ""), natural_key(c.name)))
    rows = []
    for course in courses:
        summary = summaries.get(course.id) or CourseSummary(id=course.id)
        place = place_names.get(course.place_id or "", "")
        rows.append(CourseRow(
            course=course, programme=programme_short(by_programme.get(course.programme_id)),
            place=place, days=summary.session_count, next_date=summary.next_planned(),
            haystack=fold(" ".join((course.name, course.venue, place)))))
    return CourseList(tuple(rows), tuple(programmes), tuple(places))


@dataclass(frozen=True)
class Filters:
    """What the course list is narrowed to: each field None (or "") admits all."""

    programme_id: str | None = None
    status: CourseStatus | None = None
    place_id: str | None = None
    form_key: str | None = None
    text: str = ""

    def admits(self, row: CourseRow) -> bool:
        c = row.course
        return ((self.programme_id is None or c.programme_id == self.programme_id)
                and (self.status is None or c.status is self.status)
                and (self.place_id is None or c.place_id == self.place_id)
                and (self.form_key is None or c.form_key == self.form_key)
                and all(word in row.haystack for word in fold(self.text).split()))

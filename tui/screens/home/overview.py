"""The dashboard's figures, read from the store off the UI thread.

No Textual here: the reader turns store records into rows of display text, and tells
cheaply (by the store's file revisions) whether anything on disk changed since it last looked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui.domain.attendance import SortKey, natural_key
from tui.domain.courses import CourseStatus, CourseSummary
from tui.domain.parse import format_date
from tui.domain.programmes import Programme, target_text
from tui.screens.home.sync_status import SyncStatus, read_status
from tui.store.exports import report_from_store
from tui.store.store import Revision, Store

# Courses in these states need no new dates, so their postponed sessions are history.
_SETTLED = frozenset({CourseStatus.COMPLETED, CourseStatus.CANCELLED})

FileIdentity = Revision


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
    courses: tuple[CourseRow, ...] = ()
    postponed: tuple[PostponedRow, ...] = ()
    empty: bool = True
    sync: SyncStatus = field(default_factory=SyncStatus)


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{format_date(start)} – {format_date(end)}"
    if start:
        return f"{format_date(start)} –"
    if end:
        return f"– {format_date(end)}"
    return ""



class OverviewReader:
    """Reads the dashboard's rows from the main file alone.

    The store keeps a summary of each course's sessions beside its header, so even a
    national programme with thousands of courses is drawn without opening their files.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._signature: FileIdentity = None
        self._seen = False

    def changed(self) -> bool:
        return not self._seen or self.store.revision() != self._signature

    def mark_seen(self) -> None:
        """Remember the file as it is now, after a failed read: a damaged file is read
        again only when someone changes it, not on every poll."""
        self._signature, self._seen = self.store.revision(), True

    def read(self) -> Overview:
        store = self.store
        # Taken before reading, so a change made while reading is caught by the next poll.
        self.mark_seen()
        if not store.exists():
            return Overview()
        programmes = sorted(store.programmes.all(), key=lambda p: natural_key(p.name))
        courses = store.courses.all()
        summaries = {s.id: s for s in store.course_summaries.all()}
        names = {p.id: p.name for p in programmes}
        per_programme: dict[str, int] = {}
        for course in courses:
            per_programme[course.programme_id] = per_programme.get(course.programme_id, 0) + 1
        courses.sort(key=lambda c: (natural_key(names.get(c.programme_id, "")),
                                    natural_key(c.name)))
        course_rows: list[CourseRow] = []
        postponed: list[tuple[SortKey, dt.date, PostponedRow]] = []
        for course in courses:
            summary = summaries.get(course.id) or CourseSummary(id=course.id)
            # "Next" is the earliest day still planned, even if its date has passed: a
            # day nobody recorded as held is the one that needs attention.
            upcoming = summary.next_planned()
            course_rows.append(
                CourseRow(
                    id=course.id,
                    name=course.name,
                    programme=names.get(course.programme_id, ""),
                    status=course.status.label,
                    sessions=summary.session_count,
                    next_session=format_date(upcoming) if upcoming else "",
                )
            )
            if course.status not in _SETTLED:
                postponed.extend(
                    (
                        natural_key(course.name),
                        w.date,
                        PostponedRow(
                            id=w.session_id,
                            course_id=course.id,
                            course=course.name,
                            date=format_date(w.date),
                            reason=w.reason.label if w.reason else "",
                            note=w.note,
                        ),
                    )
                    for w in summary.waiting
                )
        # Only an otherwise empty database needs the people file opened to tell.
        empty = not programmes and not courses and store.people.count() == 0
        return Overview(
            programmes=tuple(
                ProgrammeRow(
                    id=p.id,
                    name=p.name,
                    period=period_text(p.period_start, p.period_end),
                    courses=per_programme.get(p.id, 0),
                    target=target_text(p),
                )
                for p in programmes
            ),
            courses=tuple(course_rows),
            postponed=tuple(row for _name, _date, row in sorted(postponed, key=lambda t: t[:2])),
            empty=empty,
            sync=read_status(store),
        )


def trained_toward_targets(store: Store, programmes: list[Programme]) -> dict[str, int]:
    """People who completed a course, per programme with a target: the figure the target
    promises. Only those programmes' course files are opened."""
    trained: dict[str, int] = {}
    for programme in programmes:
        if programme.target_participants is None:
            continue
        report = report_from_store(store, programme_id=programme.id)
        done: set[str] = set()
        for figures in report.courses.values():
            done.update(figures.completed)
        trained[programme.id] = len(done)
    return trained


def progress_text(row: ProgrammeRow, trained: dict[str, int]) -> str:
    """Short enough for the dashboard at 80 columns: "22/60–70"."""
    if not row.target or row.id not in trained:
        return row.target
    return f"{trained[row.id]}/{row.target}"


class TargetReader:
    """Counts progress toward the targets again only when a file it depends on changed:
    the main file or the file of one of the targeted programmes' courses."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._signature: tuple[Revision, ...] | None = None

    def read(self) -> dict[str, int] | None:
        """The counts, or None when nothing changed since the last read."""
        store = self.store
        programmes = [p for p in store.programmes.all() if p.target_participants is not None]
        wanted = {p.id for p in programmes}
        course_ids = sorted(c.id for c in store.courses.all() if c.programme_id in wanted)
        signature = (store.revision(), *(store.revision(cid) for cid in course_ids))
        if signature == self._signature:
            return None
        self._signature = signature
        return trained_toward_targets(store, programmes)

"""Where the data is: the dashboard's lines on field copies, bundles out and conflicts.

No Textual here, like the overview reader: plain text from the store's sync bookkeeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.store.store import Store

MAX_OUT_LINES = 3


@dataclass(frozen=True, slots=True)
class SyncStatus:
    conflicts: int = 0
    lines: tuple[str, ...] = ()


def when(stamp: str | None) -> str:
    from tui.store import sync

    at = sync.local_time(stamp or "")
    return at.strftime("%d-%m-%Y %H:%M") if at else "?"


def day(stamp: str | None) -> str:
    from tui.store import sync

    at = sync.local_time(stamp or "")
    return at.strftime("%d-%m-%Y") if at else "?"


def read_status(store: Store, names: Mapping[str, str] | None = None) -> SyncStatus:
    """``names``: the courses' names by id, when the caller has them already."""
    # Under the store's read lock: a screen may be writing from another thread.
    with store.db.reading():
        return _read_status(store, names)


def field_copy_courses(store: Store) -> list[str]:
    """The courses a field copy holds (their files' changes count as pending); none in
    the office."""
    from tui.store import sync_records

    origin = sync_records.origin(store)
    return [str(c) for c in origin.get("courses", [])] if origin else []


def _read_status(store: Store, names: Mapping[str, str] | None) -> SyncStatus:
    # Imported here: the bundle machinery is not needed before the first screen shows.
    from tui.store import conflicts, sync, sync_records

    if not store.exists():
        return SyncStatus()
    lines: list[str] = []
    origin = sync_records.origin(store)
    if names is None:
        names = {c.id: c.name for c in store.courses.all()}
    if origin is not None:
        count, since = sync.pending(store)
        courses = ", ".join(names.get(c, c) for c in origin.get("courses", []))
        lines.append(_("Field copy of {courses}, opened {day}.").format(
            courses=courses, day=day(origin.get("opened_at"))))
        if count:
            lines.append(ngettext(
                "{n} change not brought back yet, made {when}; bring it with 'kuffert "
                "bundle export --changes'.",
                "{n} changes not brought back yet, the first from {when}; bring them with "
                "'kuffert bundle export --changes'.", count).format(n=count, when=when(since)))
        else:
            lines.append(_("Every change has been put in a bundle for the office."))
    out = sync.out_in_field(store)
    for status in out[-MAX_OUT_LINES:]:
        courses = ", ".join(names.get(c, c) for c in status.courses)
        who = status.carrier or status.made_by
        back = (_("changes back {day}").format(day=day(status.returned_at))
                if status.returned_at else _("no changes back yet"))
        lines.append(_("In the field: {courses} with {who} since {day}; {back}.").format(
            courses=courses, who=who, day=day(status.made_at), back=back))
    if len(out) > MAX_OUT_LINES:
        earlier = len(out) - MAX_OUT_LINES
        lines.append(ngettext("… and {n} earlier bundle.", "… and {n} earlier bundles.",
                              earlier).format(n=earlier))
    waiting = len(conflicts.reviews(store))
    if waiting:
        lines.append(ngettext(
            "{n} walk-in looks like a registered person: see 'kuffert conflicts'.",
            "{n} walk-ins look like registered people: see 'kuffert conflicts'.",
            waiting).format(n=waiting))
    return SyncStatus(conflicts.conflict_count(store), tuple(lines))

"""A conflicting record's fields in words: labels, and values as the screens show them.

No Textual here. A version is decoded with its record type, so a mark reads "Absent"
rather than "absent", a date 03-03-2026 and hours 3,5; and the ids a record holds of
people, courses, sessions, journals, institutions and places read as their names
(``Names``, read from the store in a worker).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.domain.parse import format_date, format_hours, format_time
from tui.domain.records import LabelledEnum
from tui.i18n import N_, _
from tui.store.codec import DecodeError, decode
from tui.store.conflicts import Conflict
from tui.store.store import Store
from tui.store.sync_records import CLASSES

LABELS = {
    "mark": N_("Mark"), "hours": N_("Hours"), "substitute_hours": N_("Substitute hours"),
    "text": N_("Text"), "phase": N_("Phase"), "status": N_("Status"), "name": N_("Name"),
    "date": N_("Date"), "start": N_("Start"), "end": N_("End"), "answers": N_("Answers"),
    "before": N_("Before"), "after": N_("After"), "outcome": N_("Outcome"),
    "comment": N_("Comment"), "title": N_("Title"), "email": N_("E-mail"),
    "phone": N_("Phone"), "role": N_("Role"), "qualification": N_("Qualification"),
    "institution_id": N_("Institution"), "person_id": N_("Person"),
    "session_id": N_("Session"), "course_id": N_("Course"), "journal_id": N_("Journal"),
    "cycle": N_("Cycle"), "method": N_("Method"), "author": N_("Author"),
    "place_id": N_("Place"), "venue": N_("Venue"), "kind": N_("Kind"),
    "in_practice_period": N_("In the practice period"),
    "member_ids": N_("Members"), "programme_id": N_("Programme"),
    "municipality_id": N_("Municipality"),
}


def label(name: str) -> str:
    return _(LABELS[name]) if name in LABELS else name.replace("_", " ")


def decoded(conflict: Conflict, doc: dict[str, Any] | None) -> Any:
    if doc is None:
        return None
    try:
        return decode(CLASSES[(conflict.loc.scope, conflict.loc.table)], conflict.loc.id, doc)
    except (DecodeError, KeyError):
        return None


# Fields that hold the id of another record, and where its name is found.
ID_FIELDS = {
    "person_id": "people", "member_ids": "people", "course_id": "courses",
    "session_id": "sessions", "journal_id": "journals", "institution_id": "institutions",
    "place_id": "places", "municipality_id": "places", "programme_id": "programmes",
}


@dataclass(frozen=True)
class Names:
    """What the ids in a set of conflicts stand for, in words, by kind of record."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, kind: str, record_id: str) -> str:
        found = self.by_kind.get(kind, {}).get(record_id)
        if found is not None:
            return found
        # Erased, deleted, or only in the field copy: said so, not a bare id.
        return _("(not in this database)")

    def of_field(self, name: str, value: Any) -> str | None:
        kind = ID_FIELDS.get(name)
        if kind is None:
            return None
        if isinstance(value, list):
            return ", ".join(self.name(kind, str(v)) for v in value)
        return self.name(kind, str(value))


def read_names(store: Store, found: Iterable[Conflict]) -> Names:
    """The names behind every id the conflicts' versions hold. In a worker thread: it
    reads the people named and the courses' files the conflicts are in."""
    people: set[str] = set()
    courses: set[str] = set()
    for conflict in found:
        if conflict.loc.course:
            courses.add(conflict.loc.course)
        if conflict.loc.table == "people":
            people.add(conflict.loc.id)
        for version in conflict.versions:
            doc = version.doc or {}
            people.update(str(doc[k]) for k in ("person_id",) if doc.get(k))
            people.update(str(m) for m in doc.get("member_ids") or [])
    by_kind: dict[str, dict[str, str]] = {
        "people": {pid: p.name for pid, p in store.people.find_many(people).items()},
        "courses": {c.id: c.name for c in store.courses.all()},
        "institutions": {i.id: i.name for i in store.institutions.all()},
        "places": {p.id: p.name for p in store.places.all()},
        "programmes": {p.id: p.name for p in store.programmes.all()},
        "sessions": {}, "journals": {},
    }
    for cid in sorted(courses):
        if cid not in by_kind["courses"]:
            continue  # a course the field copy has and the office not (or no more)
        by_kind["sessions"] |= {s.id: format_date(s.date) for s in store.sessions(cid).all()}
        by_kind["journals"] |= {j.id: j.title or j.group_name or by_kind["people"].get(
            j.person_id or "", "") for j in store.journals(cid).all()}
    return Names(by_kind)


def subject(conflict: Conflict, names: Names) -> str:
    """What the record is about, as a user tells it: whose mark on which day, whose
    enrolment, which journal's entry; the record's own name where it has one."""
    table, doc = conflict.loc.table, next(
        (v.doc for v in conflict.versions if v.doc), None) or {}
    person = doc.get("person_id")
    if table == "attendance" and person:
        day = names.name("sessions", str(doc.get("session_id", "")))
        return f"{names.name('people', str(person))}, {day}"
    if table == "people":
        known = names.by_kind.get("people", {})
        return known.get(conflict.loc.id) or str(doc.get("name", ""))
    if person:
        return names.name("people", str(person))
    if table in ("journal_entries", "journal_goals") and doc.get("journal_id"):
        return names.name("journals", str(doc["journal_id"]))
    if table == "sessions" and doc.get("date"):
        return names.name("sessions", conflict.loc.id)
    for key in ("name", "title", "group_name", "text"):
        if doc.get(key):
            return " ".join(str(doc[key]).split())
    return conflict.loc.id


def value_text(record: Any, doc: dict[str, Any] | None, name: str,
               names: Names | None = None) -> str:
    """``record`` is ``doc`` decoded (None when it is deleted or does not decode)."""
    if doc is None:
        return _("(deleted)")
    value = getattr(record, name, doc.get(name)) if record is not None else doc.get(name)
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if names is not None and (named := names.of_field(name, value)) is not None:
        return named
    if isinstance(value, LabelledEnum) or hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return format_hours(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, str | int):
        return str(value)
    return json.dumps(doc.get(name), ensure_ascii=False)

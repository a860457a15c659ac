"""A conflicting record's fields in words: labels, and values as the screens show them.

No Textual here. A version is decoded with its record type, so a mark reads "Absent"
rather than "absent", a date 03-03-2026 and hours 3,5.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tui.domain.parse import format_date, format_hours, format_time
from tui.domain.records import LabelledEnum
from tui.i18n import N_, _
from tui.store.codec import DecodeError, decode
from tui.store.conflicts import Conflict
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


def value_text(record: Any, doc: dict[str, Any] | None, name: str) -> str:
    """``record`` is ``doc`` decoded (None when it is deleted or does not decode)."""
    if doc is None:
        return _("(deleted)")
    value = getattr(record, name, doc.get(name)) if record is not None else doc.get(name)
    if value is None or value == "" or value == [] or value == {}:
        return "–"
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

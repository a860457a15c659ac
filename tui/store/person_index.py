"""Which courses name which person, kept in the main file.

Erasing a person, or finding their courses, then opens only the course files that name
them, not every course file of a national database (2,000 files, 4.9 s before).

Each course has one record in ``course_people``: the sorted ids of everyone its file
names. It is brought up to date whenever the course's file is written, and rewritten
only when the set changes, so marking attendance stays a one-file write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tinydb.table import Document

TABLE = "course_people"
# Where a course file names a person.
FIELDS = {
    "enrolments": ("person_id",), "attendance": ("person_id",),
    "journals": ("person_id", "member_ids"), "ratings": ("person_id",),
    "transfer_notes": ("person_id",),
}


def people_named(tables: dict[str, dict[str, dict[str, Any]]] | None) -> list[str]:
    """Everyone a course file's stored records name, from the raw documents."""
    found: set[str] = set()
    for table, fields in FIELDS.items():
        for doc in (tables or {}).get(table, {}).values():
            for name in fields:
                value = doc.get(name) if isinstance(doc, dict) else None
                if isinstance(value, str):
                    found.add(value)
                elif isinstance(value, list):
                    found.update(v for v in value if isinstance(v, str))
    return sorted(found)


def update(main_table: Any, course_id: str, tables: dict | None) -> None:
    """Record who the course's file names, if that changed (``main_table`` is the
    main file's TinyDB table ``course_people``, inside the writing transaction)."""
    named = people_named(tables)
    current = main_table.get(doc_id=course_id)
    if current is not None and current.get("people") == named:
        return
    main_table.upsert(Document({"people": named}, doc_id=course_id))


def forget(main_table: Any, course_id: str) -> None:
    if main_table.get(doc_id=course_id) is not None:
        main_table.remove(doc_ids=[course_id])


def courses_naming(docs: dict[str, Any], person_id: str, course_ids: Iterable[str]) -> list[str]:
    """The courses whose files name the person (``docs``: the index's stored documents by
    course id); a course without an index record (not written since the index began) is
    included, to be safe."""
    chosen = []
    for course_id in course_ids:
        doc = docs.get(course_id)
        people = doc.get("people") if doc is not None else None
        if not isinstance(people, list) or person_id in people:
            chosen.append(course_id)
    return chosen

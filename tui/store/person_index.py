"""Which courses name which person, kept beside the people registry.

Erasing a person, or finding their courses, then opens only the course files that name
them, not every course file of a national database (2,000 files, 4.9 s before).

The index is kept in 256 small files by the same hash of the person's id as the registry
(``layout.index_file``): one record a person, the sorted ids of the courses whose files
name them. Schemas 2 and 3 kept it the other way round in the main file (each course's
people); every erasure and every new name in a course then rewrote the 3 MB main file.
Now a course's write touches the index only when someone is newly named in the course's
file or no longer named there, and then only those people's index files; marking
attendance stays a one-file write and an erasure leaves the main file alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.store.errors import StoreError
from tui.store.files import read_regular
from tui.store.storage import decode_tables

TABLE = "courses"
# Where schemas 2 and 3 kept the index, in the main file (course id: its people).
LEGACY_TABLE = "course_people"
# Where a course file names a person.
FIELDS = {
    "enrolments": ("person_id",), "attendance": ("person_id",),
    "journals": ("person_id", "member_ids"), "ratings": ("person_id",),
    "transfer_notes": ("person_id",),
}


def _named_by(doc: Any, fields: tuple[str, ...], found: set[str]) -> None:
    if not isinstance(doc, dict):
        return
    for name in fields:
        value = doc.get(name)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))


def people_named(tables: dict[str, dict[str, dict[str, Any]]] | None) -> list[str]:
    """Everyone a course file's stored records name, from the raw documents."""
    found: set[str] = set()
    for table, fields in FIELDS.items():
        for doc in (tables or {}).get(table, {}).values():
            _named_by(doc, fields, found)
    return sorted(found)


# -- one person's courses -------------------------------------------------------------------


def courses_of(db: Any, person_id: str) -> list[str]:
    """The ids of the courses the index says name the person (one small file read)."""
    tables = db.index_file(person_id).storage.read() or {}
    doc = tables.get(TABLE, {}).get(person_id)
    courses = doc.get("courses") if isinstance(doc, dict) else None
    if not isinstance(courses, list):
        return []
    return [c for c in courses if isinstance(c, str)]


def _update(db: Any, course_id: str, gained: Iterable[str], lost: Iterable[str]) -> None:
    """Add the course to the records of ``gained`` and take it from those of ``lost``,
    each index file read once and written only if a record in it changed (on the stored
    dicts: TinyDB copies a file's whole table for each record it changes, and a national
    demo names 100,000 people in courses)."""
    wanted: dict[str, bool] = dict.fromkeys(lost, False)
    wanted.update(dict.fromkeys(gained, True))
    by_file: dict[Any, list[str]] = {}
    for person_id in wanted:
        by_file.setdefault(db.index_file(person_id), []).append(person_id)
    for file, people in by_file.items():
        tables = file.storage.read() or {}
        docs = tables.get(TABLE, {})
        changed = False
        for person_id in people:
            doc = docs.get(person_id)
            have = doc.get("courses") if isinstance(doc, dict) else None
            have = [c for c in have if isinstance(c, str)] if isinstance(have, list) else []
            if (course_id in have) == wanted[person_id] and doc == {"courses": have}:
                continue
            now = sorted({*have, course_id} if wanted[person_id] else set(have) - {course_id})
            if now:
                docs[person_id] = {"courses": now}
            else:
                docs.pop(person_id, None)
            changed = True
        if changed:
            file.storage.write({**tables, TABLE: docs})


def forget_person(db: Any, person_id: str) -> None:
    file = db.index_file(person_id)
    tables = file.storage.read() or {}
    docs = tables.get(TABLE, {})
    if person_id in docs:
        del docs[person_id]
        file.storage.write({**tables, TABLE: docs})


# -- a course's write -----------------------------------------------------------------------


def follow(db: Any, course_id: str, tables: dict | None,
           changes: dict[str, dict[str, Any]] | None) -> None:
    """Bring the index up to date with the course's file as this transaction leaves it
    (``tables``). ``changes``: the records the transaction changed, each as it was before
    (see ``_File.changes``); None when anything may have changed, and then the file as
    committed is read to know whom it named."""
    gained: set[str] = set()
    if changes is None:
        gained.update(people_named(tables))
        try:
            was = set(people_named(committed(db, course_id)))
        except StoreError:
            # The file as it was does not decode (a hand edit a restore now replaces):
            # whom the index says it named, from all of the index.
            was = by_course(db).get(course_id, set())
        lost = was - gained
    else:
        before: set[str] = set()
        for table, fields in FIELDS.items():
            changed = changes.get(table)
            if not changed:
                continue
            docs = (tables or {}).get(table, {})
            for doc_id, old in changed.items():
                _named_by(old, fields, before)
                _named_by(docs.get(doc_id), fields, gained)
        lost = before - gained
        if lost:
            # Named by a changed record no more: perhaps still by another one.
            lost -= set(people_named(tables))
    _update(db, course_id, gained, lost)


def committed(db: Any, course_id: str) -> dict | None:
    """The course's file as committed (inside a transaction: before its change)."""
    path = db.layout.course(course_id)
    source = db.source_of(path)
    found = None if source is None else read_regular(source)
    return None if found is None else decode_tables(path, found[0])


def forget_course(db: Any, course_id: str) -> None:
    """A course deleted: no one is named in it any more."""
    try:
        named = set(people_named(committed(db, course_id)))
        named |= set(people_named(db.course_file(course_id).storage.read()))
    except StoreError:
        named = by_course(db).get(course_id, set())
    _update(db, course_id, [], named)


def rebuild(db: Any, course_id: str, named: Iterable[str], indexed: Iterable[str]) -> None:
    """Make the index say that the course names ``named``, where it said ``indexed``."""
    named = set(named)
    _update(db, course_id, named, set(indexed) - named)


def legacy_courses_naming(docs: dict[str, Any], person_id: str,
                          course_ids: Iterable[str]) -> list[str]:
    """The courses whose files name the person, by the index an older schema kept in its
    main file (``docs``: its records by course id); a course without a record there (or
    a database from before that index) is included, to be safe."""
    chosen = []
    for course_id in course_ids:
        doc = docs.get(course_id) if isinstance(docs, dict) else None
        people = doc.get("people") if isinstance(doc, dict) else None
        if not isinstance(people, list) or person_id in people:
            chosen.append(course_id)
    return chosen


# -- all of it --------------------------------------------------------------------------------


def everyone(db: Any) -> dict[str, list[str]]:
    """Each person's courses, from every file of the index (1 MB at national scale). A
    record in a file where its person's id does not hash to is never looked at, so it is
    left out here too."""
    from tui.store.layout import PEOPLE_FILES, shard_of

    found: dict[str, list[str]] = {}
    for file in db.index_files():
        tables = file.storage.read(keep=False) or {}
        name = file.storage.path.name
        for person_id, doc in tables.get(TABLE, {}).items():
            courses = doc.get("courses") if isinstance(doc, dict) else None
            if (isinstance(courses, list)
                    and f"{shard_of(person_id, PEOPLE_FILES)}.json" == name):
                found[person_id] = [c for c in courses if isinstance(c, str)]
    return found


def by_course(db: Any) -> dict[str, set[str]]:
    """The index turned round: each course's people."""
    found: dict[str, set[str]] = {}
    for person_id, courses in everyone(db).items():
        for course_id in courses:
            found.setdefault(course_id, set()).add(person_id)
    return found


def build(db: Any, course_ids: Iterable[str]) -> None:
    """The whole index anew from the course files, in the caller's transaction (each
    course file read and let go: a national database's 2,000 are 195 MB)."""
    by_person: dict[str, set[str]] = {}
    for course_id in course_ids:
        tables = db.course_file(course_id).storage.read(keep=False)
        for person_id in people_named(tables):
            by_person.setdefault(person_id, set()).add(course_id)
    files: dict[Any, dict[str, Any]] = {}
    for person_id, courses in by_person.items():
        files.setdefault(db.layout.index_file(person_id), {})[person_id] = {
            "courses": sorted(courses)}
    for file in db.index_files():
        docs = files.get(file.storage.path)
        if docs is not None:
            file.delete_on_commit = False
            file.storage.write({TABLE: docs})
        elif file.storage.read() is not None:
            file.delete_on_commit = True

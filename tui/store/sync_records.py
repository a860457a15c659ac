"""Field-bundle records and the bookkeeping tables they are kept with.

The office's main file gains a few bookkeeping tables, the field copy's main file others:

    sync            identity (this database's stable id, office or field) and, in a field
                    copy, its origin (the office database and bundle it was opened from)
    sync_base       field copy: each record's stamp when the bundle was opened
    sync_sent       field copy: each record's stamp in the last changes bundle made
    sync_out        office: bundles taken out (courses, for whom, the people they carried)
    sync_imports    office: changes bundles merged, with their receipt (a second import
                    of one is a no-op)
    sync_stamps     office: per record, the stamps field copies brought back
    sync_conflicts  office: records changed on both sides, with every version
    sync_reviews    office: walk-ins who look like a registered person

Records are read and written as stored documents (not decoded and re-encoded), so a
record arrives with its own id, version and who changed it when. The bookkeeping is
checked for shape before it is used: a hand-broken entry is named, never half-read.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from tui.i18n import msg
from tui.store.bundle import BundleError
from tui.store.codec import DecodeError, decode
from tui.store.database import SAFE_ID
from tui.store.errors import CorruptDatabase
from tui.store.ids import now
from tui.store.store import COURSE_TABLES, MAIN_TABLES, PEOPLE_TABLES, Store

SYNC, BASE, SENT = "sync", "sync_base", "sync_sent"
OUT, IMPORTS, STAMPS = "sync_out", "sync_imports", "sync_stamps"
CONFLICTS, REVIEWS = "sync_conflicts", "sync_reviews"

# Course summaries are derived from sessions and rebuilt on every machine; they travel
# no more than the schema record does.
MAIN_CARRIED = ("programmes", "places", "institutions", "courses", "topic_wishes")
CLASSES: dict[tuple[str, str], type] = {
    **{("main", t): MAIN_TABLES[t] for t in MAIN_CARRIED},
    **{("people", t): c for t, c in PEOPLE_TABLES.items()},
    **{("course", t): c for t, c in COURSE_TABLES.items()},
}


# Why a record from the field was dropped.
ERASED, COURSE_GONE = "erased", "course_deleted"

# Versions and other whole numbers in bundles and bookkeeping: 64 bits at most, so a
# crafted 10**30 can neither win every comparison nor overflow a file elsewhere.
MAX_INT = 2**63 - 1
# A record id from a bundle ends up in messages, keys and file names: printable, short.
RECORD_ID = re.compile("[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c"
                       "\u2028\u2029\ud800-\udfff]{1,64}\\Z")


class SyncError(BundleError):
    """A bundle that does not fit this database; nothing was changed."""


# -- records as they travel --------------------------------------------------------------


@dataclass(frozen=True)
class Loc:
    """Where a record lives: the main file, the people file or one course's file."""

    scope: str  # "main", "people" or "course"
    table: str
    id: str
    course: str | None = None

    @property
    def key(self) -> str:
        where = f"course:{self.course}" if self.scope == "course" else self.scope
        return f"{where}/{self.table}/{self.id}"


def docs(store: Store, scope: str, table: str, course: str | None = None,
          create: bool = False) -> dict[str, dict[str, Any]]:
    """A table's stored documents, as the file's cached dict (edit, then ``_touch``). The
    people registry's are in many files: for them a dict of all, for reading only."""
    if scope == "people":
        assert not create, "the registry is written record by record (put)"
        return dict(store.people.stored()) if table == "people" else {}
    file = _file(store, scope, course)
    data = file.storage.read()
    if data is None:
        if not create:
            return {}
        data = {}
        file.storage.write(data)
    if create:
        return data.setdefault(table, {})
    return data.get(table, {})


def _file(store: Store, scope: str, course: str | None, record: str = "") -> Any:
    if scope == "main":
        return store.db.main
    if scope == "people":
        return store.db.person_file(record)
    assert course is not None
    return store.db.course_file(course)


def touch(store: Store, scope: str, course: str | None = None) -> None:
    assert scope != "people", "the registry is written record by record (put)"
    file = _file(store, scope, course)
    file.storage.write(file.storage.read() or {})


def put(store: Store, loc: Loc, doc: dict[str, Any] | None) -> None:
    """Store ``doc`` as it is (None: remove the record)."""
    file = _file(store, loc.scope, loc.course, loc.id)
    data = file.storage.read() or {}
    table = data.setdefault(loc.table, {})
    if doc is None:
        table.pop(loc.id, None)
    else:
        table[loc.id] = dict(doc)
    file.storage.write(data)
    if loc.scope == "main" and loc.table == "courses" and doc is not None:
        # A course's header from the field: its figures follow its completion rule.
        from tui.store import figures

        figures.refresh_header(store, loc.id)


def get(store: Store, loc: Loc) -> dict[str, Any] | None:
    if loc.scope == "people":
        doc = (_file(store, "people", None, loc.id).storage.read() or {}).get(
            loc.table, {}).get(loc.id)
    else:
        doc = docs(store, loc.scope, loc.table, loc.course).get(loc.id)
    return None if doc is None else dict(doc)


def meta_doc(store: Store, table: str, doc_id: str) -> dict[str, Any] | None:
    doc = docs(store, "main", table).get(doc_id)
    if doc is not None and not _shape_ok(table, doc_id, doc):
        _broken(store, table, doc_id)
    return None if doc is None else dict(doc)


def _is(value: Any, kind: Any) -> bool:
    """A small shape check of hand-editable bookkeeping: kind is a type, a tuple of
    alternatives, ``[kind]`` for a list of them, or a dict of required keys."""
    if isinstance(kind, list):
        return isinstance(value, list) and all(_is(v, kind[0]) for v in value)
    if isinstance(kind, dict):
        return isinstance(value, dict) and all(_is(value.get(k), t) for k, t in kind.items())
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and (
            -MAX_INT <= value <= MAX_INT)
    return isinstance(value, kind)


OPT_STR = (str, type(None))
STAMP_OF = {"version": (int, type(None)), "updated_at": OPT_STR, "updated_by": OPT_STR}
SHAPES: dict[str, Any] = {
    BASE: STAMP_OF,
    SENT: {**STAMP_OF, "deleted": (bool, type(None))},
    OUT: {"courses": [str], "people": [str], "carrier": str, "made_at": str, "made_by": str,
          "returned": [{"bundle_id": str, "at": str, "by": str}]},
    IMPORTS: {"imported_at": str},
    STAMPS: {"stamps": [list]},
    CONFLICTS: {"scope": str, "table": str, "record_id": str, "course": OPT_STR,
                "subject": OPT_STR, "versions": [{"origin": str, "field_id": str,
                                                  "stamp": list, "doc": (dict, type(None))}]},
    REVIEWS: {"person_id": str, "matches": [str]},
}
SYNC_SHAPES: dict[str, Any] = {
    "identity": {"database_id": str, "role": str},
    "origin": {"database_id": str, "bundle_id": str, "courses": [str], "opened_at": str},
}


def _shape_ok(table: str, doc_id: str, doc: Any) -> bool:
    if table == SYNC:
        return _is(doc, SYNC_SHAPES.get(doc_id, dict))
    if table == STAMPS:
        return _is(doc, SHAPES[STAMPS]) and all(
            len(s) == 4 and _is(s[0], str) and _is(s[1], int) and _is(s[2], str)
            and _is(s[3], str) for s in doc["stamps"])
    if table == CONFLICTS:
        return _is(doc, SHAPES[CONFLICTS]) and all(
            len(v["stamp"]) == 3 and _is(v["stamp"][0], int) and _is(v["stamp"][1], str)
            and _is(v["stamp"][2], str) for v in doc["versions"])
    return _is(doc, SHAPES.get(table, dict))


def check_bookkeeping(store: Store, *tables: str) -> None:
    """Refuse to work from bookkeeping a hand or a fault has broken; name the record."""
    if not store.exists():
        return
    for table in tables:
        for doc_id, doc in docs(store, "main", table).items():
            if not _shape_ok(table, doc_id, doc):
                _broken(store, table, doc_id)


def _broken(store: Store, table: str, doc_id: str) -> None:
    from tui.store.repos import line_of_record

    path = store.db.layout.main
    raise CorruptDatabase(path, msg("record '{id}' in table '{table}' is not as Kuffert "
                                    "wrote it", id=doc_id, table=table),
                          line_of_record(path, doc_id))


def set_meta(store: Store, table: str, doc_id: str, doc: dict[str, Any] | None) -> None:
    put(store, Loc("main", table, doc_id), doc)


def record_of(loc: Loc, doc: dict[str, Any] | None, *, base: dict[str, Any] | None = None,
            version: int | None = None, subject: str | None = None) -> dict[str, Any]:
    return {
        "scope": loc.scope, "course": loc.course, "table": loc.table, "id": loc.id,
        "version": version if version is not None else (doc or {}).get("version", 0),
        "base_version": (base or {}).get("version", 0),
        "base_updated_at": (base or {}).get("updated_at", ""),
        "base_updated_by": (base or {}).get("updated_by", ""),
        "deleted": doc is None, "subject": subject, "doc": doc,
    }


def loc_of(record: Any, source: str) -> Loc:
    """Check that a record from a bundle names a place Kuffert knows."""
    try:
        scope, table, rid = record["scope"], record["table"], record["id"]
        course = record.get("course")
        ok = ((scope, table) in CLASSES and isinstance(rid, str)
              and RECORD_ID.match(rid) is not None
              and (scope != "course" or isinstance(course, str)))
    except (TypeError, KeyError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(msg("{file} holds a record Kuffert does not know; nothing was "
                            "changed.", file=source))
    loc = Loc(scope, table, rid, course if scope == "course" else None)
    doc = record.get("doc")
    try:
        # A course id names a file: it must not be able to name another one.
        course_id = loc.course if loc.scope == "course" else (
            loc.id if loc.table == "courses" else None)
        if course_id is not None and not SAFE_ID.match(course_id):
            raise DecodeError("course", "a course id", course_id)
        if loc.scope == "course" and isinstance(doc, dict) and doc.get("course_id") != loc.course:
            raise DecodeError("course_id", f"the course of its file ({loc.course})",
                              doc.get("course_id"))
        versions = [(name, record.get(name)) for name in ("version", "base_version")]
        if isinstance(doc, dict) and "version" in doc:
            versions.append(("doc.version", doc["version"]))
        for name, value in versions:
            if (not isinstance(value, int) or isinstance(value, bool) or value < 0
                    or value > MAX_INT):
                raise DecodeError(name, "a whole number", value)
        for name in ("base_updated_at", "base_updated_by"):
            if not isinstance(record.get(name, ""), str):
                raise DecodeError(name, "text", record.get(name))
        if doc is not None:
            if not isinstance(doc, dict):
                raise DecodeError("doc", "an object", doc)
            decode(CLASSES[(scope, table)], rid, doc)
    except DecodeError as error:
        raise SyncError(msg("{file}: record {id} in {table} cannot be used ({problem}); "
                            "nothing was changed.", file=source, id=rid, table=table,
                            problem=str(error))) from None
    return loc


# -- identity ------------------------------------------------------------------------------


def identity(store: Store) -> dict[str, Any] | None:
    return meta_doc(store, SYNC, "identity") if store.exists() else None


def database_id(store: Store) -> str:
    """This database's stable id, made on first need (inside the caller's transaction)."""
    found = identity(store)
    if found is not None:
        return str(found["database_id"])
    new = uuid.uuid4().hex
    set_meta(store, SYNC, "identity", {"database_id": new, "role": "office",
                                        "created_at": now()})
    return new


def origin(store: Store) -> dict[str, Any] | None:
    """Where a field copy came from; None in the office."""
    return meta_doc(store, SYNC, "origin") if store.exists() else None

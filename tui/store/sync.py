"""Field copies: taking courses out in a bundle, bringing the changes back, merging them.

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
record arrives with its own id, version and who changed it when. Every change of a merge
happens in one ``store.transaction()``: one commit, however many files it writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.domain.merge import (
    Outcome,
    Version,
    add_version,
    decide,
    person_key,
    shown,
    sort_versions,
    stamp_of,
)
from tui.i18n import msg
from tui.store.bundle import Bundle, BundleError, encrypt
from tui.store.codec import DecodeError, decode
from tui.store.database import SAFE_ID, SCHEMA_VERSION
from tui.store.errors import CorruptDatabase
from tui.store.ids import now, who
from tui.store.outputs import write_private
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


def _docs(store: Store, scope: str, table: str, course: str | None = None,
          create: bool = False) -> dict[str, dict[str, Any]]:
    """A table's stored documents, as the file's cached dict (edit, then ``_touch``)."""
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


def _file(store: Store, scope: str, course: str | None) -> Any:
    if scope == "main":
        return store.db.main
    if scope == "people":
        return store.db.people_file
    assert course is not None
    return store.db.course_file(course)


def _touch(store: Store, scope: str, course: str | None = None) -> None:
    file = _file(store, scope, course)
    file.storage.write(file.storage.read() or {})


def _put(store: Store, loc: Loc, doc: dict[str, Any] | None) -> None:
    """Store ``doc`` as it is (None: remove the record)."""
    docs = _docs(store, loc.scope, loc.table, loc.course, create=True)
    if doc is None:
        docs.pop(loc.id, None)
    else:
        docs[loc.id] = dict(doc)
    _touch(store, loc.scope, loc.course)


def _get(store: Store, loc: Loc) -> dict[str, Any] | None:
    doc = _docs(store, loc.scope, loc.table, loc.course).get(loc.id)
    return None if doc is None else dict(doc)


def _meta_doc(store: Store, table: str, doc_id: str) -> dict[str, Any] | None:
    doc = _docs(store, "main", table).get(doc_id)
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
        return isinstance(value, int) and not isinstance(value, bool)
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


def _check(store: Store, *tables: str) -> None:
    """Refuse to work from bookkeeping a hand or a fault has broken; name the record."""
    if not store.exists():
        return
    for table in tables:
        for doc_id, doc in _docs(store, "main", table).items():
            if not _shape_ok(table, doc_id, doc):
                _broken(store, table, doc_id)


def _broken(store: Store, table: str, doc_id: str) -> None:
    from tui.store.repos import line_of_record

    path = store.db.layout.main
    raise CorruptDatabase(path, msg("record '{id}' in table '{table}' is not as Kuffert "
                                    "wrote it", id=doc_id, table=table),
                          line_of_record(path, doc_id))


def _set_meta(store: Store, table: str, doc_id: str, doc: dict[str, Any] | None) -> None:
    _put(store, Loc("main", table, doc_id), doc)


def _record(loc: Loc, doc: dict[str, Any] | None, *, base: dict[str, Any] | None = None,
            version: int | None = None, subject: str | None = None) -> dict[str, Any]:
    return {
        "scope": loc.scope, "course": loc.course, "table": loc.table, "id": loc.id,
        "version": version if version is not None else (doc or {}).get("version", 0),
        "base_version": (base or {}).get("version", 0),
        "base_updated_at": (base or {}).get("updated_at", ""),
        "base_updated_by": (base or {}).get("updated_by", ""),
        "deleted": doc is None, "subject": subject, "doc": doc,
    }


def _loc_of(record: Any, source: str) -> Loc:
    """Check that a record from a bundle names a place Kuffert knows."""
    try:
        scope, table, rid = record["scope"], record["table"], record["id"]
        course = record.get("course")
        ok = ((scope, table) in CLASSES and isinstance(rid, str) and 0 < len(rid) <= 64
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
        for name in ("version", "base_version"):
            value = record.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise DecodeError(name, "a whole number", value)
        for name in ("base_updated_at", "base_updated_by"):
            if not isinstance(record.get(name, ""), str):
                raise DecodeError(name, "text", record.get(name))
        if not isinstance(record.get("subject"), str | None):
            raise DecodeError("subject", "a person id", record.get("subject"))
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
    return _meta_doc(store, SYNC, "identity") if store.exists() else None


def database_id(store: Store) -> str:
    """This database's stable id, made on first need (inside the caller's transaction)."""
    found = identity(store)
    if found is not None:
        return str(found["database_id"])
    new = uuid.uuid4().hex
    _set_meta(store, SYNC, "identity", {"database_id": new, "role": "office",
                                        "created_at": now()})
    return new


def origin(store: Store) -> dict[str, Any] | None:
    """Where a field copy came from; None in the office."""
    return _meta_doc(store, SYNC, "origin") if store.exists() else None


# -- taking courses out (office) ----------------------------------------------------------


@dataclass
class OutBundle:
    bundle_id: str
    courses: list[str]
    people: int
    records: int


def _id(value: Any) -> str | None:
    """An id from a stored record, or None if a hand-edit made it something else."""
    return value if isinstance(value, str) else None


def named_people(store: Store, course_id: str) -> set[str]:
    found: set[str] = set()
    for table in ("enrolments", "attendance", "ratings", "transfer_notes", "journals"):
        for doc in _docs(store, "course", table, course_id).values():
            if isinstance(doc.get("person_id"), str):
                found.add(doc["person_id"])
            if table == "journals":
                members = doc.get("member_ids")
                found |= {m for m in members if isinstance(m, str)} if isinstance(
                    members, list) else set()
    return found


def export_courses(store: Store, course_ids: list[str], out: Path, passphrase: str,
                   carrier: str = "") -> OutBundle:
    """Write a bundle of the courses and only what they name; remember it went out."""
    with store.transaction():
        _check(store, SYNC, OUT)
        courses = _docs(store, "main", "courses")
        missing = [c for c in course_ids if c not in courses]
        if missing:
            known = ", ".join(sorted(courses)[:10]) or "-"
            raise SyncError(msg("There is no course with the id {id}. Courses: {ids}",
                                id=missing[0], ids=known))
        records: list[dict[str, Any]] = []

        def take(loc: Loc, doc: dict[str, Any]) -> None:
            record = _record(loc, dict(doc))
            # A hand-broken record is named here, not carried to a laptop to fail there.
            _loc_of(record, str(store.path))
            records.append(record)

        people: set[str] = set()
        places: set[str] = set()
        programmes: set[str] = set()
        for cid in course_ids:
            course = courses[cid]
            take(Loc("main", "courses", cid), course)
            programmes.add(_id(course.get("programme_id")))
            places.add(_id(course.get("place_id")))
            for table in COURSE_TABLES:
                for rid, doc in _docs(store, "course", table, cid).items():
                    take(Loc("course", table, rid, cid), doc)
                    if table == "sessions":
                        places.add(_id(doc.get("place_id")))
            people |= named_people(store, cid)
        person_docs = _docs(store, "people", "people")
        institutions: set[str] = set()
        for pid in sorted(people):
            doc = person_docs.get(pid)
            if doc is not None:
                take(Loc("people", "people", pid), doc)
                institutions.add(_id(doc.get("institution_id")))
                places.add(_id(doc.get("place_id")))
        inst_docs = _docs(store, "main", "institutions")
        for iid in sorted(i for i in institutions if i in inst_docs):
            take(Loc("main", "institutions", iid), inst_docs[iid])
            places.add(_id(inst_docs[iid].get("place_id")))
        place_docs = _docs(store, "main", "places")
        # A settlement's municipality comes along, so places show where they belong.
        places |= {_id(place_docs[p].get("municipality_id")) for p in list(places)
                   if p in place_docs}
        for pid in sorted(p for p in places if p in place_docs):
            take(Loc("main", "places", pid), place_docs[pid])
        prog_docs = _docs(store, "main", "programmes")
        for pid in sorted(p for p in programmes if p in prog_docs):
            take(Loc("main", "programmes", pid), prog_docs[pid])
        for wid, doc in _docs(store, "main", "topic_wishes").items():
            if (_id(doc.get("programme_id")) in programmes
                    and _id(doc.get("institution_id")) in institutions):
                take(Loc("main", "topic_wishes", wid), doc)
        bundle_id = uuid.uuid4().hex
        manifest = {
            "kind": "courses", "database_id": database_id(store), "bundle_id": bundle_id,
            "made_by": who(), "made_at": now(), "schema_version": SCHEMA_VERSION,
            "courses": list(course_ids), "carrier": carrier,
            "versions": {Loc(r["scope"], r["table"], r["id"], r["course"]).key: r["version"]
                         for r in records},
        }
        write_private(out, encrypt(manifest, records, passphrase), database=store.db.layout)
        _set_meta(store, OUT, bundle_id, {
            "courses": list(course_ids), "carrier": carrier, "made_at": manifest["made_at"],
            "made_by": manifest["made_by"], "people": sorted(people), "returned": [],
        })
    return OutBundle(bundle_id, list(course_ids), len(people), len(records))


# -- opening a bundle in the field ----------------------------------------------------------


def _check_schema(bundle: Bundle, source: str) -> None:
    version = bundle.manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise SyncError(msg("{file} was made by a newer Kuffert (schema {found}; this "
                            "program knows up to {known}); nothing was changed. Update "
                            "Kuffert.", file=source, found=version, known=SCHEMA_VERSION))


def open_field_copy(store: Store, bundle: Bundle, source: str) -> int:
    """Make a new database from a courses bundle; returns how many records it holds."""
    _check_schema(bundle, source)
    m = bundle.manifest
    if m.get("kind") != "courses":
        raise SyncError(msg("{file} holds changes brought back from the field; import it "
                            "into the office database it came from, not into a new one.",
                            file=source))
    if store.exists():
        raise SyncError(msg("{db} already exists. A bundle of courses opens into a new "
                            "database: give --db a file that does not exist yet.",
                            db=str(store.path)))
    locs = [(_loc_of(r, source), r) for r in bundle.records]
    with store.transaction():
        base = _docs(store, "main", BASE, create=True)
        for loc, record in locs:
            doc = record["doc"]
            if doc is None:
                continue
            _put(store, loc, doc)
            base[loc.key] = {k: doc.get(k) for k in ("version", "updated_at", "updated_by")}
        _touch(store, "main")
        _set_meta(store, SYNC, "identity", {"database_id": uuid.uuid4().hex, "role": "field",
                                            "created_at": now()})
        _set_meta(store, SYNC, "origin", {
            "database_id": m.get("database_id"), "bundle_id": m.get("bundle_id"),
            "courses": m.get("courses", []), "made_by": m.get("made_by"),
            "made_at": m.get("made_at"), "carrier": m.get("carrier", ""),
            "opened_at": now(), "opened_by": who(),
        })
    return len(locs)


# -- bringing changes back (field) ----------------------------------------------------------


def _current(store: Store) -> Iterator[tuple[Loc, dict[str, Any]]]:
    for table in MAIN_CARRIED:
        for rid, doc in _docs(store, "main", table).items():
            yield Loc("main", table, rid), doc
    for rid, doc in _docs(store, "people", "people").items():
        yield Loc("people", "people", rid), doc
    for cid in _course_ids(store):
        for table in COURSE_TABLES:
            for rid, doc in _docs(store, "course", table, cid).items():
                yield Loc("course", table, rid, cid), doc


def _course_ids(store: Store) -> list[str]:
    known = set(_docs(store, "main", "courses")) | set(store.db.course_ids_on_disk())
    for key in _docs(store, "main", BASE):
        if key.startswith("course:"):
            known.add(key.split("/", 1)[0].removeprefix("course:"))
    return sorted(known)


def _loc_from_key(key: str) -> Loc:
    where, table, rid = key.split("/", 2)
    if where.startswith("course:"):
        return Loc("course", table, rid, where.removeprefix("course:"))
    return Loc(where, table, rid)


@dataclass
class Change:
    loc: Loc
    doc: dict[str, Any] | None  # None: deleted in the field
    base: dict[str, Any] | None  # None: created in the field


def field_changes(store: Store) -> list[Change]:
    """Every record that differs from the state the bundle was opened with."""
    _check(store, BASE)
    base = _docs(store, "main", BASE)
    changes: list[Change] = []
    present: set[str] = set()
    for loc, doc in _current(store):
        key = loc.key
        present.add(key)
        was = base.get(key)
        if was is None or stamp_of(was) != stamp_of(doc):
            changes.append(Change(loc, dict(doc), was))
    for key, was in base.items():
        if key not in present:
            changes.append(Change(_loc_from_key(key), None, was))
    return changes


def _subject(store: Store, change: Change, journals: dict[str, Any]) -> str | None:
    """The person a record is about, so an erasure in the office can drop it."""
    if change.loc.scope == "people":
        return change.loc.id
    doc = change.doc or {}
    if isinstance(doc.get("person_id"), str):
        return doc["person_id"]
    if change.loc.table in ("journal_entries", "journal_goals"):
        journal = journals.get(doc.get("journal_id"))
        return _id(journal.get("person_id")) if journal else None
    return None


def pending(store: Store) -> tuple[int, str | None]:
    """Changes not in the last changes bundle made here, and the earliest one's time."""
    if origin(store) is None:
        return 0, None
    _check(store, SENT)
    sent = _docs(store, "main", SENT)
    waiting = [c for c in field_changes(store) if not _was_sent(sent.get(c.loc.key), c)]
    times = [str(c.doc.get("updated_at")) for c in waiting if c.doc]
    if any(c.doc is None for c in waiting):
        times.append(str((origin(store) or {}).get("opened_at", "")))
    return len(waiting), min(times) if times else None


def _was_sent(mark: dict[str, Any] | None, change: Change) -> bool:
    if mark is None:
        return False
    if change.doc is None:
        return bool(mark.get("deleted"))
    return not mark.get("deleted") and mark == _sent_mark(change)


def _sent_mark(change: Change) -> dict[str, Any]:
    if change.doc is None:
        return {"deleted": True}
    return {k: change.doc.get(k) for k in ("version", "updated_at", "updated_by")}


def export_changes(store: Store, out: Path, passphrase: str) -> int:
    """Write the field copy's changes since it was opened; returns how many."""
    found = origin(store)
    if found is None:
        raise SyncError(msg("{db} is not a field copy: --changes brings back what changed "
                            "in a database opened from a bundle.", db=str(store.path)))
    with store.transaction():
        _check(store, SENT)
        changes = field_changes(store)
        sent = _docs(store, "main", SENT, create=True)
        journals: dict[str, Any] = {}
        for cid in _course_ids(store):
            journals.update(_docs(store, "course", "journals", cid))
        made_at = now()
        records = []
        for change in changes:
            if change.doc is not None:
                _loc_of(_record(change.loc, change.doc), str(store.path))
            version = None
            if change.doc is None:
                # A deletion outranks every version this copy had of the record.
                last = sent.get(change.loc.key, {}).get("version") or 0
                version = max(int((change.base or {}).get("version", 0)), int(last)) + 1
            records.append(_record(change.loc, change.doc, base=change.base, version=version,
                                   subject=_subject(store, change, journals)))
        ident = identity(store) or {}
        manifest = {
            "kind": "changes", "database_id": found["database_id"],
            "origin_bundle_id": found["bundle_id"], "field_id": ident.get("database_id"),
            "bundle_id": uuid.uuid4().hex, "made_by": who(), "made_at": made_at,
            "schema_version": SCHEMA_VERSION,
        }
        write_private(out, encrypt(manifest, records, passphrase), database=store.db.layout)
        for change, record in zip(changes, records, strict=True):
            mark = _sent_mark(change)
            if change.doc is None:
                mark["version"] = record["version"]
            sent[change.loc.key] = mark
        _touch(store, "main")
    return len(records)


# -- merging changes in the office ------------------------------------------------------------


@dataclass
class Receipt:
    bundle_id: str
    made_by: str
    made_at: str
    taken: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # by table
    reasons: Counter[str] = field(default_factory=Counter)  # ERASED or COURSE_GONE
    reviews: list[str] = field(default_factory=list)
    already_imported: str | None = None  # when it was merged before: nothing done now

    def to_json(self) -> dict[str, Any]:
        return {"bundle_id": self.bundle_id, "made_by": self.made_by, "made_at": self.made_at,
                "taken": dict(self.taken), "present": dict(self.present),
                "conflicts": self.conflicts, "dropped": dict(self.dropped),
                "dropped_because": dict(self.reasons),
                "reviews": self.reviews, "already_imported": self.already_imported}


def _erased(store: Store, out_bundle: dict[str, Any] | None) -> set[str]:
    erased = getattr(store, "erased_person_ids", None)
    found: set[str] = set(erased()) if callable(erased) else set()
    # Deleting a person is an erasure: whoever went out in the bundle and is gone now.
    people = _docs(store, "people", "people")
    found |= {p for p in (out_bundle or {}).get("people", []) if p not in people}
    return found


def conflict_id(loc: Loc) -> str:
    return hashlib.sha256(loc.key.encode("utf-8")).hexdigest()[:16]


def merge_changes(store: Store, bundle: Bundle, source: str) -> Receipt:
    """Merge a field copy's changes; all of it in one transaction, or none of it."""
    _check_schema(bundle, source)
    m = bundle.manifest
    receipt = Receipt(str(m.get("bundle_id")), str(m.get("made_by", "?")),
                      str(m.get("made_at", "")))
    if m.get("kind") != "changes":
        raise SyncError(msg("{file} is a bundle of courses for the field: open it with "
                            "--db naming a new database on the laptop.", file=source))
    ident = identity(store)
    if ident is None or ident.get("database_id") != m.get("database_id"):
        raise SyncError(msg("{file} belongs to another database (it was taken out of "
                            "{other}); nothing was changed.", file=source,
                            other=str(m.get("database_id", "?"))[:8]))
    locs = [(_loc_of(r, source), r) for r in bundle.records]
    field_id = str(m.get("field_id") or "")
    with store.transaction():
        done = _meta_doc(store, IMPORTS, receipt.bundle_id)
        if done is not None:
            receipt.already_imported = str(done.get("imported_at", ""))
            return receipt
        _check(store, STAMPS, CONFLICTS, REVIEWS)
        out_bundle = _meta_doc(store, OUT, str(m.get("origin_bundle_id")))
        erased = _erased(store, out_bundle)
        headers = set(_docs(store, "main", "courses")) | {
            loc.id for loc, r in locs if loc.table == "courses" and r["doc"] is not None}
        stamps = _docs(store, "main", STAMPS, create=True)
        conflicts = _docs(store, "main", CONFLICTS, create=True)
        people_index: dict[tuple[str, Any], list[str]] | None = None
        for loc, record in locs:
            kind = loc.table
            incoming = record["doc"]
            if record.get("subject") in erased or (loc.scope == "people" and loc.id in erased):
                receipt.dropped[kind] += 1
                receipt.reasons[ERASED] += 1
                continue
            if loc.scope == "course" and loc.course not in headers:
                # The office deleted the course: its file is not brought back to life.
                receipt.dropped[kind] += 1
                receipt.reasons[COURSE_GONE] += 1
                continue
            members = set((incoming or {}).get("member_ids") or [])
            if loc.table == "journals" and members & erased:
                incoming = {**incoming, "member_ids": [
                    p for p in incoming["member_ids"] if p not in erased]}
            office = _get(store, loc)
            base = None
            if record.get("base_version"):
                base = (int(record["base_version"]), str(record.get("base_updated_at", "")),
                        str(record.get("base_updated_by", "")))
            brought = [tuple(s[1:]) for s in stamps.get(loc.key, {}).get("stamps", [])
                       if s[0] == field_id]
            in_stamp = stamp_of(incoming) or (int(record["version"]), receipt.made_at,
                                              receipt.made_by)
            open_conflict = conflicts.get(conflict_id(loc))
            outcome = decide(office=office, incoming=incoming,
                             incoming_version=int(record["version"]), base=base,
                             seen_from_this_field=brought)  # type: ignore[arg-type]
            if open_conflict is not None and outcome is Outcome.TAKEN:
                outcome = Outcome.CONFLICT  # the office has not decided yet: add to it
            if outcome is Outcome.PRESENT:
                receipt.present[kind] += 1
            elif outcome is Outcome.TAKEN:
                receipt.taken[kind] += 1
                _put(store, loc, incoming)
                if loc.scope == "people" and base is None and incoming is not None:
                    if people_index is None:
                        people_index = _people_index(store, {r["id"] for _, r in locs})
                    matches = people_index.get(person_key(incoming), [])
                    if matches:
                        receipt.reviews.append(loc.id)
                        _set_meta(store, REVIEWS, loc.id, {
                            "person_id": loc.id, "matches": sorted(matches),
                            "field_id": field_id, "bundle_by": receipt.made_by})
            else:
                receipt.conflicts.append(conflict_id(loc))
                subject = loc.id if loc.scope == "people" else record.get("subject")
                _add_conflict(store, loc, office, incoming, in_stamp, field_id,
                              stamps.get(loc.key, {}).get("stamps", []), open_conflict,
                              subject)
            entry = stamps.setdefault(loc.key, {"stamps": []})
            mark = [field_id, *in_stamp]
            if mark not in entry["stamps"]:
                entry["stamps"] = sorted([*entry["stamps"], mark])
        _set_meta(store, IMPORTS, receipt.bundle_id, {
            "imported_at": now(), "imported_by": who(), "field_id": field_id,
            "receipt": receipt.to_json()})
        if out_bundle is not None:
            out_bundle["returned"] = [*out_bundle.get("returned", []), {
                "bundle_id": receipt.bundle_id, "at": now(), "by": receipt.made_by}]
            _set_meta(store, OUT, str(m.get("origin_bundle_id")), out_bundle)
        _touch(store, "main")
    return receipt


def _people_index(store: Store, exclude: set[str]) -> dict[tuple[str, Any], list[str]]:
    index: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for pid, doc in _docs(store, "people", "people").items():
        if pid not in exclude:
            index[person_key(doc)].append(pid)
    return index


def _add_conflict(store: Store, loc: Loc, office: dict[str, Any] | None,
                  incoming: dict[str, Any] | None, in_stamp: tuple[int, str, str],
                  field_id: str, brought: list[list[Any]],
                  open_conflict: dict[str, Any] | None, subject: str | None) -> None:
    if open_conflict is not None:
        versions = [Version.from_json(v) for v in open_conflict["versions"]]
    else:
        office_stamp = stamp_of(office) or (0, "", "")
        # The office may be showing a version an earlier field bundle brought: name it so.
        from_field = [s[0] for s in brought if tuple(s[1:]) == office_stamp]
        origin_of = ("field", from_field[0]) if from_field else ("office", "")
        versions = [Version(origin_of[0], origin_of[1], office_stamp, office)]
    versions = add_version(versions, Version("field", field_id, in_stamp, incoming))
    chosen = shown(versions)
    _put(store, loc, chosen.doc)
    _set_meta(store, CONFLICTS, conflict_id(loc), {
        "scope": loc.scope, "course": loc.course, "table": loc.table, "record_id": loc.id,
        "subject": subject or (open_conflict or {}).get("subject"),
        "versions": [v.to_json() for v in sort_versions(versions)],
    })


def forget_person(store: Store, person_id: str) -> None:
    """Part of an erasure: conflicts keep whole versions of records, and reviews name
    people; none of it may outlive the person. Runs in the erasure's transaction."""
    if not store.exists():
        return
    with store.transaction():
        _check(store, CONFLICTS, REVIEWS)
        for cid, doc in list(_docs(store, "main", CONFLICTS).items()):
            about = {doc.get("subject")} | {
                (v.get("doc") or {}).get("person_id") for v in doc.get("versions", [])}
            if person_id in about or (doc.get("table") == "people"
                                      and doc.get("record_id") == person_id):
                _set_meta(store, CONFLICTS, cid, None)
        for rid, doc in list(_docs(store, "main", REVIEWS).items()):
            matches = [m for m in doc.get("matches", []) if m != person_id]
            if rid == person_id or not matches:
                _set_meta(store, REVIEWS, rid, None)
            elif matches != doc.get("matches"):
                _set_meta(store, REVIEWS, rid, {**doc, "matches": matches})


# -- conflicts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    id: str
    loc: Loc
    versions: list[Version]

    @property
    def shown(self) -> Version:
        return shown(self.versions)

    def side(self, keep: str) -> Version | None:
        """The office's version, or the field's (the newest, if several came back)."""
        found = [v for v in self.versions if v.origin == keep]
        return max(found, key=lambda v: v.stamp) if found else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "table": self.loc.table, "record_id": self.loc.id,
                "course": self.loc.course, "shown": self.versions.index(self.shown),
                "versions": [{"origin": v.origin, "version": v.stamp[0],
                              "updated_at": v.stamp[1], "updated_by": v.stamp[2],
                              "deleted": v.deleted, "fields": v.doc} for v in self.versions]}


def conflicts(store: Store) -> list[Conflict]:
    if not store.exists():
        return []
    _check(store, CONFLICTS)
    found = []
    for cid, doc in sorted(_docs(store, "main", CONFLICTS).items()):
        try:
            loc = Loc(doc["scope"], doc["table"], doc["record_id"], doc.get("course"))
            versions = [Version.from_json(v) for v in doc["versions"]]
        except (KeyError, TypeError, ValueError):
            continue  # a hand-broken entry: shown by nobody, fixed by a new merge
        found.append(Conflict(cid, loc, versions))
    return found


def conflict_count(store: Store) -> int:
    return len(_docs(store, "main", CONFLICTS)) if store.exists() else 0


class UnknownConflict(SyncError):
    pass


def resolve(store: Store, conflict: str, keep: str | None = None,
            fields: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Settle a conflict: keep the office's or the field's version, or ``fields`` as
    edited from both. The result is a new version above every version in the conflict,
    so no later bundle can mistake it for one it already had."""
    with store.transaction():
        found = {c.id: c for c in conflicts(store)}.get(conflict)
        if found is None:
            raise UnknownConflict(msg("There is no conflict with the id {id}. "
                                      "'kuffert conflicts' lists them.", id=conflict))
        if fields is not None:
            doc: dict[str, Any] | None = dict(fields)
        else:
            side = found.side(keep or "")
            if side is None:
                raise SyncError(msg("This conflict has no version from that side ({side}).",
                                    side=keep or "?"))
            doc = None if side.doc is None else dict(side.doc)
        if doc is not None:
            try:
                decode(CLASSES[(found.loc.scope, found.loc.table)], found.loc.id, doc)
            except DecodeError as error:
                raise SyncError(msg("The edited record cannot be saved: {problem}",
                                    problem=str(error))) from None
            top = max(v.stamp[0] for v in found.versions)
            created = [v.doc.get("created_at") for v in found.versions if v.doc]
            doc.update(version=top + 1, updated_at=now(), updated_by=who(),
                       created_at=doc.get("created_at") or (created[0] if created else now()))
        _put(store, found.loc, doc)
        _set_meta(store, CONFLICTS, conflict, None)
    return doc


# -- where the data is ----------------------------------------------------------------------


@dataclass(frozen=True)
class OutStatus:
    bundle_id: str
    courses: list[str]
    carrier: str
    made_at: str
    made_by: str
    returned_at: str | None
    returned_by: str | None


def out_in_field(store: Store) -> list[OutStatus]:
    if not store.exists():
        return []
    _check(store, OUT)
    found = []
    for bid, doc in _docs(store, "main", OUT).items():
        back = (doc.get("returned") or [None])[-1]
        found.append(OutStatus(bid, list(doc.get("courses", [])), str(doc.get("carrier", "")),
                               str(doc.get("made_at", "")), str(doc.get("made_by", "")),
                               back["at"] if back else None, back["by"] if back else None))
    return sorted(found, key=lambda s: s.made_at)


def reviews(store: Store) -> list[dict[str, Any]]:
    _check(store, REVIEWS)
    return [dict(d) for d in _docs(store, "main", REVIEWS).values()] if store.exists() else []


def dismiss_review(store: Store, person_id: str) -> None:
    """Someone has looked at a walk-in flagged as maybe a registered person."""
    with store.transaction():
        if _meta_doc(store, REVIEWS, person_id) is None:
            raise SyncError(msg("No walk-in {id} is waiting for review.", id=person_id))
        _set_meta(store, REVIEWS, person_id, None)


def local_time(stamp: str) -> dt.datetime | None:
    """A stored UTC time in this machine's time zone, for people to read."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return None

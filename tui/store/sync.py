"""Field copies: taking courses out in a bundle, bringing the changes back, merging them.

The office exports chosen courses (and only what they name); a laptop opens the bundle
as a field copy that remembers each record's base version; the field's changes come
back as records with their base versions and deleted flags, and the office merges them
record by record (tui.domain.merge decides). Every change of a merge happens in one
``store.transaction()``: one commit, however many files it writes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.domain.merge import Outcome, decide, person_key, stamp_of
from tui.i18n import msg
from tui.store.bundle import Bundle, encrypt
from tui.store.conflicts import add_conflict, conflict_id
from tui.store.database import SCHEMA_VERSION
from tui.store.ids import now, who
from tui.store.outputs import write_private
from tui.store.store import COURSE_TABLES, Store
from tui.store.sync_records import (
    BASE,
    CONFLICTS,
    IMPORTS,
    MAIN_CARRIED,
    OUT,
    REVIEWS,
    SENT,
    STAMPS,
    SYNC,
    Loc,
    SyncError,
    check_bookkeeping,
    database_id,
    docs,
    get,
    identity,
    loc_of,
    meta_doc,
    origin,
    put,
    record_of,
    set_meta,
    touch,
)

# Why a record from the field was dropped.
ERASED, COURSE_GONE = "erased", "course_deleted"
NOT_CARRIED = "not_carried"  # not in the bundle that went out, and not new in the field
JOURNAL_GONE = "journal_deleted"  # an entry or goal of a journal the office no longer has


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
        for doc in docs(store, "course", table, course_id).values():
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
        check_bookkeeping(store, SYNC, OUT)
        courses = docs(store, "main", "courses")
        missing = [c for c in course_ids if c not in courses]
        if missing:
            known = ", ".join(sorted(courses)[:10]) or "-"
            raise SyncError(msg("There is no course with the id {id}. Courses: {ids}",
                                id=missing[0], ids=known))
        records: list[dict[str, Any]] = []

        def take(loc: Loc, doc: dict[str, Any]) -> None:
            record = record_of(loc, dict(doc))
            # A hand-broken record is named here, not carried to a laptop to fail there.
            loc_of(record, str(store.path))
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
                for rid, doc in docs(store, "course", table, cid).items():
                    take(Loc("course", table, rid, cid), doc)
                    if table == "sessions":
                        places.add(_id(doc.get("place_id")))
            people |= named_people(store, cid)
        person_docs = docs(store, "people", "people")
        institutions: set[str] = set()
        for pid in sorted(people):
            doc = person_docs.get(pid)
            if doc is not None:
                take(Loc("people", "people", pid), doc)
                institutions.add(_id(doc.get("institution_id")))
                places.add(_id(doc.get("place_id")))
        inst_docs = docs(store, "main", "institutions")
        for iid in sorted(i for i in institutions if i in inst_docs):
            take(Loc("main", "institutions", iid), inst_docs[iid])
            places.add(_id(inst_docs[iid].get("place_id")))
        place_docs = docs(store, "main", "places")
        # A settlement's municipality comes along, so places show where they belong.
        places |= {_id(place_docs[p].get("municipality_id")) for p in list(places)
                   if p in place_docs}
        for pid in sorted(p for p in places if p in place_docs):
            take(Loc("main", "places", pid), place_docs[pid])
        prog_docs = docs(store, "main", "programmes")
        for pid in sorted(p for p in programmes if p in prog_docs):
            take(Loc("main", "programmes", pid), prog_docs[pid])
        for wid, doc in docs(store, "main", "topic_wishes").items():
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
        set_meta(store, OUT, bundle_id, {
            "courses": list(course_ids), "carrier": carrier, "made_at": manifest["made_at"],
            "made_by": manifest["made_by"], "people": sorted(people), "returned": [],
            # What went out beside the courses and people: only these may come back.
            "carried": sorted(Loc(r["scope"], r["table"], r["id"]).key for r in records
                              if r["scope"] == "main"),
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
    locs = [(loc_of(r, source), r) for r in bundle.records]
    with store.transaction():
        base = docs(store, "main", BASE, create=True)
        for loc, record in locs:
            doc = record["doc"]
            if doc is None:
                continue
            put(store, loc, doc)
            base[loc.key] = {k: doc.get(k) for k in ("version", "updated_at", "updated_by")}
        touch(store, "main")
        set_meta(store, SYNC, "identity", {"database_id": uuid.uuid4().hex, "role": "field",
                                            "created_at": now()})
        set_meta(store, SYNC, "origin", {
            "database_id": m.get("database_id"), "bundle_id": m.get("bundle_id"),
            "courses": m.get("courses", []), "made_by": m.get("made_by"),
            "made_at": m.get("made_at"), "carrier": m.get("carrier", ""),
            "opened_at": now(), "opened_by": who(),
        })
    return len(locs)


# -- bringing changes back (field) ----------------------------------------------------------


def _current(store: Store) -> Iterator[tuple[Loc, dict[str, Any]]]:
    for table in MAIN_CARRIED:
        for rid, doc in docs(store, "main", table).items():
            yield Loc("main", table, rid), doc
    for rid, doc in docs(store, "people", "people").items():
        yield Loc("people", "people", rid), doc
    for cid in _course_ids(store):
        for table in COURSE_TABLES:
            for rid, doc in docs(store, "course", table, cid).items():
                yield Loc("course", table, rid, cid), doc


def _course_ids(store: Store) -> list[str]:
    known = set(docs(store, "main", "courses")) | set(store.db.course_ids_on_disk())
    for key in docs(store, "main", BASE):
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
    check_bookkeeping(store, BASE)
    base = docs(store, "main", BASE)
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
    check_bookkeeping(store, SENT)
    sent = docs(store, "main", SENT)
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
        check_bookkeeping(store, SENT)
        changes = field_changes(store)
        sent = docs(store, "main", SENT, create=True)
        journals: dict[str, Any] = {}
        for cid in _course_ids(store):
            journals.update(docs(store, "course", "journals", cid))
        made_at = now()
        records = []
        for change in changes:
            if change.doc is not None:
                loc_of(record_of(change.loc, change.doc), str(store.path))
            version = None
            if change.doc is None:
                # A deletion outranks every version this copy had of the record.
                last = sent.get(change.loc.key, {}).get("version") or 0
                version = max(int((change.base or {}).get("version", 0)), int(last)) + 1
            records.append(record_of(change.loc, change.doc, base=change.base, version=version,
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
        touch(store, "main")
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


def _erased(store: Store, out_bundle: dict[str, Any]) -> set[str]:
    erased = getattr(store, "erased_person_ids", None)
    found: set[str] = set(erased()) if callable(erased) else set()
    # Deleting a person is an erasure: whoever went out in the bundle and is gone now.
    people = docs(store, "people", "people")
    found |= {p for p in out_bundle.get("people", []) if p not in people}
    return found


def _journal_people(journal: dict[str, Any] | None) -> set[str]:
    if not journal:
        return set()
    found = {journal["person_id"]} if isinstance(journal.get("person_id"), str) else set()
    members = journal.get("member_ids")
    if isinstance(members, list):
        found |= {m for m in members if isinstance(m, str)}
    return found


def _subjects(loc: Loc, doc: dict[str, Any] | None, office: dict[str, Any] | None,
              journals: dict[tuple[str, str], dict[str, Any]]) -> set[str]:
    """Everyone a record is about, worked out from the record (either side's version),
    never from what the bundle says about it."""
    if loc.scope == "people":
        return {loc.id}
    found: set[str] = set()
    for version in (doc, office):
        if not version:
            continue
        if isinstance(version.get("person_id"), str):
            found.add(version["person_id"])
        if loc.table == "journals":
            found |= _journal_people(version)
        elif loc.table in ("journal_entries", "journal_goals"):
            journal_id = version.get("journal_id")
            if isinstance(journal_id, str):
                found |= _journal_people(journals.get((loc.course or "", journal_id)))
    return found


def _orphan(loc: Loc, doc: dict[str, Any] | None, office: dict[str, Any] | None,
            journals: dict[tuple[str, str], dict[str, Any]]) -> bool:
    if loc.table not in ("journal_entries", "journal_goals"):
        return False
    named = {v.get("journal_id") for v in (doc, office) if v}
    return any((loc.course or "", j) not in journals for j in named)


def _carried(loc: Loc, out_bundle: dict[str, Any], exists_in_office: bool) -> bool:
    """Whether the field may send this record: it went out in the bundle, or it is new
    in the field under an id the office does not have (a walk-in, a new mark)."""
    if loc.scope == "course":
        return loc.course in out_bundle.get("courses", [])
    if loc.table == "courses":
        return loc.id in out_bundle.get("courses", [])
    if loc.scope == "people":
        return loc.id in out_bundle.get("people", []) or not exists_in_office
    return loc.key in out_bundle.get("carried", []) or not exists_in_office


def merge_changes(store: Store, bundle: Bundle, source: str) -> Receipt:
    """Merge a field copy's changes; all of it in one transaction, or none of it.

    Only what went out may come back changed: a record outside the bundle's courses
    and people is dropped (with its reason on the receipt), whatever the bundle says.
    """
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
    locs = [(loc_of(r, source), r) for r in bundle.records]
    field_id = str(m.get("field_id") or "")
    with store.transaction():
        done = meta_doc(store, IMPORTS, receipt.bundle_id)
        if done is not None:
            receipt.already_imported = str(done.get("imported_at", ""))
            return receipt
        check_bookkeeping(store, STAMPS, CONFLICTS, REVIEWS)
        out_bundle = meta_doc(store, OUT, str(m.get("origin_bundle_id")))
        if out_bundle is None:
            raise SyncError(msg("{file} brings back changes to a bundle this database did "
                                "not take out; nothing was changed.", file=source))
        erased = _erased(store, out_bundle)
        headers = set(docs(store, "main", "courses"))
        journals: dict[tuple[str, str], dict[str, Any]] = {}
        for cid in sorted({loc.course for loc, _ in locs if loc.course}):
            journals.update({(cid, jid): j for jid, j in
                             docs(store, "course", "journals", cid).items()})
        for loc, record in locs:
            # A journal the field made names its people too; the office's copy wins.
            if loc.table == "journals" and isinstance(record["doc"], dict):
                journals.setdefault((loc.course or "", loc.id), record["doc"])
        stamps = docs(store, "main", STAMPS, create=True)
        conflicts = docs(store, "main", CONFLICTS, create=True)
        people_index: dict[tuple[str, Any], list[str]] | None = None
        for loc, record in locs:
            kind = loc.table
            incoming = record["doc"]
            office = get(store, loc)
            if not _carried(loc, out_bundle, office is not None or (
                    loc.scope == "people" and loc.id in erased)):
                receipt.dropped[kind] += 1
                receipt.reasons[NOT_CARRIED] += 1
                continue
            subjects = _subjects(loc, incoming, office, journals)
            if loc.table == "journals" and incoming is not None:
                # Decoded already: a journal's members are a list of ids.
                members = set(incoming.get("member_ids") or [])
                if members & erased:
                    incoming = {**incoming, "member_ids": [
                        p for p in incoming["member_ids"] if p not in erased]}
                    subjects -= members
            if subjects & erased:
                receipt.dropped[kind] += 1
                receipt.reasons[ERASED] += 1
                continue
            if _orphan(loc, incoming, office, journals):
                # Its journal went with an erasure (or was deleted): whose it was is
                # unknown now, so it must not come back, not even into a conflict.
                receipt.dropped[kind] += 1
                receipt.reasons[JOURNAL_GONE] += 1
                continue
            if loc.scope == "course" and loc.course not in headers:
                # The office deleted the course: its file is not brought back to life.
                receipt.dropped[kind] += 1
                receipt.reasons[COURSE_GONE] += 1
                continue
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
                put(store, loc, incoming)
                if office is None and loc.scope != "course":
                    # New in the field, now in the office: a later bundle may change it.
                    name = "people" if loc.scope == "people" else "carried"
                    key = loc.id if loc.scope == "people" else loc.key
                    if key not in out_bundle.get(name, []):
                        out_bundle[name] = sorted([*out_bundle.get(name, []), key])
                if loc.scope == "people" and base is None and incoming is not None:
                    if people_index is None:
                        people_index = _people_index(store, {r["id"] for _, r in locs})
                    matches = people_index.get(person_key(incoming), [])
                    if matches:
                        receipt.reviews.append(loc.id)
                        set_meta(store, REVIEWS, loc.id, {
                            "person_id": loc.id, "matches": sorted(matches),
                            "field_id": field_id, "bundle_by": receipt.made_by})
            else:
                receipt.conflicts.append(conflict_id(loc))
                subject = min(subjects) if subjects else None
                add_conflict(store, loc, office, incoming, in_stamp, field_id,
                              stamps.get(loc.key, {}).get("stamps", []), open_conflict,
                              subject)
            entry = stamps.setdefault(loc.key, {"stamps": []})
            mark = [field_id, *in_stamp]
            if mark not in entry["stamps"]:
                entry["stamps"] = sorted([*entry["stamps"], mark])
        set_meta(store, IMPORTS, receipt.bundle_id, {
            "imported_at": now(), "imported_by": who(), "field_id": field_id,
            "receipt": receipt.to_json()})
        out_bundle["returned"] = [*out_bundle.get("returned", []), {
            "bundle_id": receipt.bundle_id, "at": now(), "by": receipt.made_by}]
        set_meta(store, OUT, str(m.get("origin_bundle_id")), out_bundle)
        touch(store, "main")
    return receipt


def _people_index(store: Store, exclude: set[str]) -> dict[tuple[str, Any], list[str]]:
    index: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for pid, doc in docs(store, "people", "people").items():
        if pid not in exclude:
            index[person_key(doc)].append(pid)
    return index


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
    check_bookkeeping(store, OUT)
    found = []
    for bid, doc in docs(store, "main", OUT).items():
        back = (doc.get("returned") or [None])[-1]
        found.append(OutStatus(bid, list(doc.get("courses", [])), str(doc.get("carrier", "")),
                               str(doc.get("made_at", "")), str(doc.get("made_by", "")),
                               back["at"] if back else None, back["by"] if back else None))
    return sorted(found, key=lambda s: s.made_at)


def local_time(stamp: str) -> dt.datetime | None:
    """A stored UTC time in this machine's time zone, for people to read."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return None

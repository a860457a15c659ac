"""Integrity check: read every file and record, never write."""

from __future__ import annotations

from dataclasses import dataclass

from tui.i18n import Message, msg
from tui.store.database import SCHEMA_VERSION
from tui.store.errors import StoreError
from tui.store.store import COURSE_TABLES, Store, encode_fields


@dataclass(frozen=True)
class Finding:
    message: Message
    # A warning is worth knowing but loses no data; an error makes the check fail.
    error: bool = True


def check(store: Store) -> list[Finding]:
    findings: list[Finding] = []
    try:
        version = store.db.schema_version()
    except StoreError as problem:
        return [Finding(problem.message)]
    if version is None:
        return [Finding(msg("There is no database at {path} yet.", path=str(store.path)), False)]
    if version > SCHEMA_VERSION:
        return [Finding(msg("Schema {found} is newer than this program knows ({known}).",
                            found=version, known=SCHEMA_VERSION))]
    try:
        programmes = {p.id for p in store.programmes.all()}
        places = {p.id for p in store.places.all()}
        institutions = store.institutions.all()
        courses = store.courses.all()
        store.topic_wishes.all()
        store.course_summaries.all()
    except StoreError as problem:
        return [Finding(problem.message)]
    # A broken people file is reported, and the courses are still checked: a user
    # repairing by hand wants to hear of every broken file at once.
    people: set[str] | None
    try:
        people = {p.id for p in store.people.all()}
    except StoreError as problem:
        findings.append(Finding(problem.message))
        people = None

    def missing(kind: str, ref: str, owner: str) -> Finding:
        return Finding(msg("{owner} refers to {kind} '{ref}', which does not exist.",
                           owner=owner, kind=kind, ref=ref))

    for inst in institutions:
        if inst.place_id and inst.place_id not in places:
            findings.append(missing("place", inst.place_id, f"institution {inst.id}"))
    for course in courses:
        if course.programme_id not in programmes:
            findings.append(missing("programme", course.programme_id, f"course {course.id}"))
        findings.extend(_check_course(store, course.id, people))
        findings.extend(_check_summary(store, course.id))
    known = {c.id for c in courses}
    for orphan in sorted(set(store.db.course_ids_on_disk()) - known):
        findings.append(Finding(
            msg("The course file {name} belongs to no course; it is kept but not shown.",
                name=str(store.db.layout.course(orphan))), error=False))
    return findings


def _check_summary(store: Store, course_id: str) -> list[Finding]:
    try:
        expected = store.summarise_course(course_id)
        stored = store.course_summaries.find(course_id)
    except StoreError:
        return []  # the course file's own problem is reported by _check_course
    if stored is not None and encode_fields(stored) == encode_fields(expected):
        return []
    if stored is None and expected.session_count == 0:
        return []
    return [Finding(msg("The summary of course {id} does not match its sessions; the next "
                        "change to its sessions rewrites it.", id=course_id), error=False)]


def _check_course(store: Store, course_id: str, people: set[str] | None) -> list[Finding]:
    try:
        records = {t: store._course_repo(t, course_id).all() for t in COURSE_TABLES}
    except StoreError as problem:
        return [Finding(problem.message)]
    found: list[Finding] = []
    sessions = {s.id for s in records["sessions"]}
    journals = {j.id for j in records["journals"]}
    where = f"course {course_id}"
    for table, items in records.items():
        for item in items:
            person = getattr(item, "person_id", None)
            if person and people is not None and person not in people:
                found.append(Finding(msg("{owner}: {table} '{id}' names a person who does not "
                                         "exist ({ref}).", owner=where, table=table,
                                         id=item.id, ref=person)))
            session = getattr(item, "session_id", None)
            if session and session not in sessions:
                found.append(Finding(msg("{owner}: {table} '{id}' names a session that does "
                                         "not exist ({ref}).", owner=where, table=table,
                                         id=item.id, ref=session)))
            journal = getattr(item, "journal_id", None)
            if journal and journal not in journals:
                found.append(Finding(msg("{owner}: {table} '{id}' belongs to a journal that "
                                         "does not exist ({ref}).", owner=where, table=table,
                                         id=item.id, ref=journal)))
    return found

"""Integrity check: read every file and record, never write."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from tui.domain.course_facts import course_facts
from tui.domain.courses import Course, attended_session_ids, summarise
from tui.i18n import Message, msg
from tui.store import commit, figures, person_index
from tui.store.codec import META_FIELDS
from tui.store.database import SCHEMA_VERSION
from tui.store.errors import StoreError
from tui.store.files import UnsafeFile
from tui.store.layout import PEOPLE_FILES, shard_of
from tui.store.store import Store, encode_fields

# Courses a worker process checks at a time: few enough that both cores keep busy to
# the end, enough that sending the findings back costs little.
CHUNK = 25


@dataclass(frozen=True)
class Finding:
    message: Message
    # A warning is worth knowing but loses no data; an error makes the check fail.
    error: bool = True
    # A course whose derived data (report figures, index, summary) ``repair`` rewrites.
    repair: str | None = None


def check(store: Store, workers: int = 1) -> list[Finding]:
    """Every finding, in a stable order. With ``workers`` above 1, the course files
    (nearly all of a national check's time) are checked by that many processes."""
    findings: list[Finding] = [Finding(note, error=False) for note in store.db.recovered]
    layout = store.db.layout
    for stray in layout.strays():
        findings.append(Finding(UnsafeFile(stray, os.lstat(stray).st_mode).message))
    if os.path.lexists(layout.commit):
        findings.append(Finding(msg(
            "A change was interrupted while it was being saved; it is shown complete and "
            "the next change by anyone with write access finishes it ({path}).",
            path=str(layout.commit)), error=False))
    try:
        commit.pending(layout)
    except StoreError as problem:
        return [*findings, Finding(problem.message)]
    try:
        version = store.db.schema_version()
    except StoreError as problem:
        return [Finding(problem.message)]
    if version is None:
        left = layout.data_files()
        if left:
            # Someone removed (or moved) the main file; the rest is still there.
            return [*findings, Finding(msg(
                "The main file {path} is missing, but {n} other files of the database are "
                "still there. Restore the newest backup (kuffert backup, kuffert restore "
                "NAME).", path=str(store.path), n=len(left)))]
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
        registry = store.people.all()
    except StoreError as problem:
        findings.append(Finding(problem.message))
        registry = None
    people = None if registry is None else {p.id for p in registry}
    findings.extend(_check_people_files(store))

    def missing(kind: str, ref: str, owner: str) -> Finding:
        return Finding(msg("{owner} refers to {kind} '{ref}', which does not exist.",
                           owner=owner, kind=kind, ref=ref))

    institution_ids = {i.id for i in institutions}
    for inst in institutions:
        if inst.place_id and inst.place_id not in places:
            findings.append(missing("place", inst.place_id, f"institution {inst.id}"))
    for course in courses:
        if course.programme_id not in programmes:
            findings.append(missing("programme", course.programme_id, f"course {course.id}"))
        if course.place_id and course.place_id not in places:
            findings.append(missing("place", course.place_id, f"course {course.id}"))
    for wish in store.topic_wishes.all():
        if wish.programme_id not in programmes:
            findings.append(missing("programme", wish.programme_id, f"topic wish {wish.id}"))
        if wish.institution_id not in institution_ids:
            findings.append(missing("institution", wish.institution_id,
                                    f"topic wish {wish.id}"))
    known_courses = {c.id for c in courses}
    for summary in store.course_summaries.all():
        if summary.id not in known_courses:
            findings.append(Finding(msg("The summary {id} belongs to no course.",
                                        id=summary.id), error=False))
    if registry is not None and people is not None:
        for person in registry:
            if person.institution_id and person.institution_id not in institution_ids:
                findings.append(missing("institution", person.institution_id,
                                        f"person {person.id}"))
            if person.place_id and person.place_id not in places:
                findings.append(missing("place", person.place_id, f"person {person.id}"))
        for erased in sorted(store.erased_person_ids() & people):
            findings.append(Finding(msg("Person {id} was erased but is in the people file "
                                        "again.", id=erased)))
    # An older schema's index (a backup not restored yet) is not used: the migration
    # makes it anew from the course files.
    index = person_index.by_course(store.db) if version == SCHEMA_VERSION else None
    summaries = {doc_id: doc for doc_id, doc in store.course_summaries.stored()}
    courses_check = _CoursesCheck(store, people, index, summaries)
    for course_findings in _each_course(courses_check, courses, workers):
        findings.extend(course_findings)
    for gone in sorted(set(index or ()) - known_courses):
        findings.append(Finding(msg(
            "The index of who takes part names course {id}, which does not exist; "
            "'kuffert check --repair' takes it out.", id=gone), error=False, repair=gone))
    findings.extend(_check_backups(store))
    known = known_courses
    for orphan in sorted(set(store.db.course_ids_on_disk()) - known):
        findings.append(Finding(
            msg("The course file {name} belongs to no course; it is kept but not shown.",
                name=str(store.db.layout.course(orphan))), error=False))
    return findings


@dataclass(frozen=True)
class _CoursesCheck:
    """What checking one course file needs besides the file itself."""

    store: Store
    people: set[str] | None
    index: dict[str, set[str]] | None
    summaries: dict[str, dict]

    def course(self, course: Course) -> list[Finding]:
        # Each course's records are decoded once, for every check of them below.
        found, records = _check_course(self.store, course.id, self.people)
        if records is None:
            return found
        found += _check_summary(self.store, course.id, records,
                                self.summaries.get(course.id))
        found += _check_figures(self.store, course, records)
        if not found and self.index is not None and self.index.get(
                course.id, set()) != set(named_in(records)):
            # Erasing a person opens only the courses the index names.
            found.append(Finding(msg(
                "The index of who takes part in course {id} is out of date; the next "
                "change to the course rewrites it (or 'kuffert check --repair'). Until "
                "then, erase people with care.", id=course.id), repair=course.id))
        return found


# The check a forked worker process does: set before the fork, so the workers inherit
# the registry and the index instead of being sent them.
_forked: tuple[_CoursesCheck, dict[str, Course]] | None = None


def _in_worker(course_ids: list[str]) -> list[list[Finding]]:
    assert _forked is not None
    courses_check, by_id = _forked
    return [courses_check.course(by_id[cid]) for cid in course_ids]


def _each_course(courses_check: _CoursesCheck, courses: list[Course],
                 workers: int) -> Iterator[list[Finding]]:
    """Each course's findings, in the courses' order."""
    if workers < 2 or len(courses) < 2 * CHUNK or \
            "fork" not in multiprocessing.get_all_start_methods():
        yield from map(courses_check.course, courses)
        return
    global _forked
    _forked = courses_check, {c.id: c for c in courses}
    done = 0
    try:
        chunks = [[c.id for c in courses[i:i + CHUNK]] for i in range(0, len(courses), CHUNK)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) \
                as pool:
            for chunk in pool.map(_in_worker, chunks):
                for found in chunk:
                    yield found
                    done += 1
    except BrokenProcessPool:
        # A worker was killed (by the kernel, short of memory, or by hand): this process
        # checks the rest itself.
        yield from map(courses_check.course, courses[done:])
    finally:
        _forked = None


def _check_people_files(store: Store) -> list[Finding]:
    """Each person is in the file their id hashes to: Kuffert looks nowhere else."""
    layout = store.db.layout
    found = []
    one_file = len(store.db.people_files()) == 1
    for file in store.db.people_files():
        try:
            tables = file.storage.read() or {}
        except StoreError:
            continue  # reported with the registry
        name = file.storage.path.name
        for person_id in tables.get("people", {}):
            if not one_file and f"{shard_of(person_id, PEOPLE_FILES)}.json" != name:
                found.append(Finding(msg(
                    "Person {id} is in {file}, where Kuffert does not look for them (their "
                    "file is {right}); move the record there by hand.", id=person_id,
                    file=str(file.storage.path), right=str(layout.person_file(person_id)))))
    if os.path.lexists(layout.legacy_people) and os.path.lexists(layout.people):
        found.append(Finding(msg(
            "{file} is the people file of an older Kuffert; this one keeps people in "
            "{folder} and does not read it.", file=str(layout.legacy_people),
            folder=str(layout.people)), error=False))
    return found


def _check_backups(store: Store) -> list[Finding]:
    """Whether the newest daily backup holds the latest day's changes."""
    import datetime as dt

    from tui.store import backup

    layout = store.db.layout
    try:
        dailies = [taken for name, taken in backup.names(layout) if len(name) == 17]
    except StoreError as problem:
        return [Finding(problem.message)]
    changed = max((os.lstat(p).st_mtime for p in layout.data_files()), default=None)
    if changed is None:
        return []
    last_change = dt.datetime.fromtimestamp(changed).date()
    newest = max(dailies).date() if dailies else None
    if newest is not None and newest >= last_change:
        return []
    if newest is None and last_change >= dt.date.today():
        return []  # a new database: the first backup comes with the next day's work
    return [Finding(msg(
        "No backup holds the changes of {changed}; the newest daily backup is from "
        "{newest}. A broken file, a full disk or something planted in {folder} stops "
        "the daily backup: run 'kuffert backup --now' to see why.",
        changed=last_change.strftime("%d-%m-%Y"),
        newest=newest.strftime("%d-%m-%Y") if newest else "–",
        folder=str(layout.backups)), error=False)]


def _check_summary(store: Store, course_id: str, records: dict[str, list],
                   stored: dict | None) -> list[Finding]:
    sessions = records["sessions"]
    expected = summarise(course_id, sessions, attended_session_ids(records["attendance"]))
    if stored is not None and {k: v for k, v in stored.items() if k not in META_FIELDS} \
            == encode_fields(expected):
        return []
    if stored is None and expected.session_count == 0:
        return []
    return [Finding(msg("The summary of course {id} does not match its sessions; the next "
                        "change to its sessions rewrites it (or 'kuffert check --repair').",
                        id=course_id), error=False, repair=course_id)]


def _check_figures(store: Store, course: Course, records: dict[str, list]) -> list[Finding]:
    """The report figures the course's file keeps are what its records give."""
    if not os.path.lexists(store.db.layout.course(course.id)):
        return []  # no records: a report counts the course as empty
    expected = figures.encode_facts(course_facts(
        course.id, course.completion, records["sessions"], records["enrolments"],
        records["attendance"], records["ratings"], records["journals"],
        records["journal_entries"], records["journal_goals"]))
    kept = figures.stored_doc(store, course.id)
    if kept == expected:
        return []
    facts = None if kept is None else figures.decode_facts(course.id, kept)
    if not figures.is_current(facts, course.completion):
        # Missing or for another completion rule: the report counts the course from its
        # records meanwhile, rightly.
        return [Finding(msg(
            "Course {id} keeps no current report figures; reports count it from its "
            "records (slower) until its next change or 'kuffert check --repair'.",
            id=course.id), error=False, repair=course.id)]
    return [Finding(msg(
        "The report figures kept in the file of course {id} do not match its records "
        "(was the file changed by hand?): reports count the course wrongly until "
        "'kuffert check --repair' rewrites them.", id=course.id), repair=course.id)]


def _check_course(store: Store, course_id: str,
                  people: set[str] | None) -> tuple[list[Finding], dict[str, list] | None]:
    """The course file's findings, and its records by table (None when they do not
    decode)."""
    try:
        records = store.course_records(course_id)
    except StoreError as problem:
        return [Finding(problem.message)], None
    found: list[Finding] = []
    # Set differences first, one pass a field: a national check looks at half a million
    # records, nearly all of them sound; only a miss is looked for record by record.
    for table, items in records.items():
        if {item.course_id for item in items} - {course_id}:
            found += [Finding(msg(
                "The file of course {id} holds {table} '{record}' of another course "
                "({other}).", id=course_id, table=table, record=item.id,
                other=item.course_id)) for item in items if item.course_id != course_id]
    sessions = {s.id for s in records["sessions"]}
    journals = {j.id for j in records["journals"]}
    where = f"course {course_id}"
    for table, items in records.items():
        if not items:
            continue
        fields = {f.name for f in dataclasses.fields(items[0])}
        if "person_id" in fields and people is not None and (
                {item.person_id for item in items} - people - {None, ""}):
            found += [Finding(msg("{owner}: {table} '{id}' names a person who does not "
                                  "exist ({ref}).", owner=where, table=table, id=item.id,
                                  ref=item.person_id))
                      for item in items if item.person_id and item.person_id not in people]
        if "member_ids" in fields and people is not None:
            found += [Finding(msg("{owner}: {table} '{id}' names a member who does not "
                                  "exist ({ref}).", owner=where, table=table, id=item.id,
                                  ref=member))
                      for item in items for member in item.member_ids if member not in people]
        if "session_id" in fields and {item.session_id for item in items} - sessions - {None, ""}:
            found += [Finding(msg("{owner}: {table} '{id}' names a session that does not "
                                  "exist ({ref}).", owner=where, table=table, id=item.id,
                                  ref=item.session_id))
                      for item in items if item.session_id and item.session_id not in sessions]
        if "journal_id" in fields and {item.journal_id for item in items} - journals - {None, ""}:
            found += [Finding(msg("{owner}: {table} '{id}' belongs to a journal that does not "
                                  "exist ({ref}).", owner=where, table=table, id=item.id,
                                  ref=item.journal_id))
                      for item in items if item.journal_id and item.journal_id not in journals]
    return found, records


def named_in(records: dict[str, list]) -> list[str]:
    """Everyone the course's records name, as the index keeps them (person_index)."""
    found: set[str] = set()
    for table, fields in person_index.FIELDS.items():
        for item in records.get(table, ()):
            for name in fields:
                value = getattr(item, name)
                if isinstance(value, str):
                    found.add(value)
                elif isinstance(value, list):
                    found.update(v for v in value if isinstance(v, str))
    return sorted(found)

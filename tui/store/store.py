"""The store's front door: one object that screens and commands are given."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb.table import Document

from tui.domain.course_facts import PersonFacts
from tui.domain.courses import (
    ATTENDED_MARKS,
    Attendance,
    Course,
    CourseSummary,
    Enrolment,
    Mark,
    Session,
    SessionStatus,
    attendance_id,
    summarise,
)
from tui.domain.journals import GoalRating, Journal, JournalEntry, JournalGoal, TransferNote
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, Place
from tui.domain.programmes import Programme, TopicWish
from tui.store import figures, person_index
from tui.store.bulk import collector_paused
from tui.store.codec import META_FIELDS, encode
from tui.store.database import ERASURES, SAFE_ID, SCHEMA_VERSION, Database
from tui.store.errors import StaleRecord, StoreError
from tui.store.ids import now, who
from tui.store.repos import Repo
from tui.store.storage import file_identity

Revision = tuple[int, int, int] | None


def encode_fields(record: object) -> dict[str, Any]:
    return {k: v for k, v in encode(record).items() if k not in META_FIELDS}

# What lives in a course's own file, by table name.
COURSE_TABLES: dict[str, type] = {
    "sessions": Session,
    "enrolments": Enrolment,
    "attendance": Attendance,
    "journals": Journal,
    "journal_entries": JournalEntry,
    "journal_goals": JournalGoal,
    "ratings": GoalRating,
    "transfer_notes": TransferNote,
}

MAIN_TABLES: dict[str, type] = {
    "programmes": Programme,
    "places": Place,
    "institutions": Institution,
    "courses": Course,
    "topic_wishes": TopicWish,
    "course_summaries": CourseSummary,
}
PEOPLE_TABLES: dict[str, type] = {"people": Person}


@dataclass(frozen=True)
class SessionRemoval:
    """What deleting a day takes with it, counted before and after."""

    attendance: int = 0
    # Journal entries written about the day keep their text and date, not the link.
    journal_entries: int = 0


@dataclass(frozen=True)
class EnrolmentRemoval:
    """What removing a participant from a course takes with it. Their journals stay:
    what they wrote goes only with erasing the person."""

    attendance: int = 0
    ratings: int = 0
    transfer_notes: int = 0


@dataclass(frozen=True)
class Erasure:
    """What erasing a person removed, to tell the user how much went."""

    enrolments: int = 0
    attendance: int = 0
    journals: int = 0
    journal_entries: int = 0
    other: int = 0


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.programmes: Repo[Programme] = Repo(db, Programme, "programmes", lambda: db.main)
        self.places: Repo[Place] = Repo(db, Place, "places", lambda: db.main)
        self.institutions: Repo[Institution] = Repo(
            db, Institution, "institutions", lambda: db.main
        )
        self.courses: Repo[Course] = _Courses(self)
        self.topic_wishes: Repo[TopicWish] = Repo(db, TopicWish, "topic_wishes", lambda: db.main)
        self.course_summaries: Repo[CourseSummary] = Repo(
            db, CourseSummary, "course_summaries", lambda: db.main
        )
        self.people: Repo[Person] = Repo(db, Person, "people", file_of=db.person_file,
                                         files=db.people_files)
        db.on_course_write = self._course_written

    def _course_written(self, course_id: str) -> None:
        course_file = self.db.course_file(course_id)
        changes = course_file.changes()
        followed = figures.refresh(self, course_id, changes)
        # Only those newly named in the file, or named no more, have their index changed
        # (a mark of someone already marked in the course: nothing is written).
        if not self._older_schema():
            person_index.follow(self.db, course_id, course_file.storage.read(), changes)
        if followed is None:
            # Marks alone, and no day became held: the summary stands.
            self._summarise_course(course_id)

    def attended_sessions(self, course_id: str,
                          among: set[str] | None = None) -> set[str]:
        """Ids of the course's sessions where someone was marked as attending; with
        ``among``, the search stops once all of those are found."""
        # From the stored dicts themselves: every write summarises, and a national
        # course's 16,000 marks, decoded or even wrapped as documents, made marking slow.
        wanted = {m.value for m in ATTENDED_MARKS}
        with self.db.reading():
            tables = self.db.course_file(course_id).storage.read() or {}
            docs = tables.get("attendance", {})
            found: set[str] = set()
            for doc in docs.values():
                if isinstance(doc, dict) and doc.get("mark") in wanted:
                    session_id = doc.get("session_id")
                    if isinstance(session_id, str):
                        found.add(session_id)
                        if among is not None and among <= found:
                            break
        return found

    def summarise_course(self, course_id: str) -> CourseSummary:
        sessions = self.sessions(course_id).all()
        # Marks matter only for days still planned; without any, the marks are not read.
        planned = {s.id for s in sessions if s.status is SessionStatus.PLANNED}
        return summarise(course_id, sessions,
                         self.attended_sessions(course_id, planned) if planned else set())

    def _summarise_course(self, course_id: str) -> None:
        # Only a change of the sessions, or a day's first attending mark (which makes it
        # held), changes the summary; other marks leave the main file alone, so marking
        # attendance stays a one-file write.
        summary = self.summarise_course(course_id)
        current = self.course_summaries.find(course_id)
        if current is None:
            self.course_summaries.add(summary)
        elif encode_fields(current) != encode_fields(summary):
            self.course_summaries.save(summary)

    @classmethod
    def open(cls, path: Path, **options: Any) -> Store:
        store = cls(Database.open(path, **options))
        migrated = store.db.migrated_from
        if migrated is not None and migrated < 3:
            figures.fill_in(store)
        return store

    @property
    def path(self) -> Path:
        return self.db.path

    def exists(self) -> bool:
        return self.db.exists()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        return self.db.transaction()

    # -- a course's own file ---------------------------------------------------------------

    def _course_repo(self, table: str, course_id: str) -> Repo[Any]:
        return Repo(self.db, COURSE_TABLES[table], table, lambda: self.db.course_file(course_id))

    def sessions(self, course_id: str) -> Repo[Session]:
        return self._course_repo("sessions", course_id)

    def enrolments(self, course_id: str) -> Repo[Enrolment]:
        return self._course_repo("enrolments", course_id)

    def attendance(self, course_id: str) -> Repo[Attendance]:
        return self._course_repo("attendance", course_id)

    def journals(self, course_id: str) -> Repo[Journal]:
        return self._course_repo("journals", course_id)

    def journal_entries(self, course_id: str) -> Repo[JournalEntry]:
        return self._course_repo("journal_entries", course_id)

    def journal_goals(self, course_id: str) -> Repo[JournalGoal]:
        return self._course_repo("journal_goals", course_id)

    def ratings(self, course_id: str) -> Repo[GoalRating]:
        return self._course_repo("ratings", course_id)

    def transfer_notes(self, course_id: str) -> Repo[TransferNote]:
        return self._course_repo("transfer_notes", course_id)

    def course_records(self, course_id: str) -> dict[str, list[Any]]:
        """Every record of the course's file by table, decoded from one reading of it."""
        with self.db.reading():
            tables = self.db.course_file(course_id).storage.read() or {}
        found: dict[str, list[Any]] = {}
        with collector_paused():
            for table in COURSE_TABLES:
                repo = self._course_repo(table, course_id)
                found[table] = [repo._decode(doc_id, doc)
                                for doc_id, doc in tables.get(table, {}).items()]
        return found

    def course_repos(self, course_id: str) -> Iterator[Repo[Any]]:
        for table in COURSE_TABLES:
            yield self._course_repo(table, course_id)

    # -- operations that span tables -------------------------------------------------------

    def mark(
        self,
        course_id: str,
        session_id: str,
        person_id: str,
        mark: Mark,
        hours: float | None = None,
    ) -> tuple[Attendance, Attendance | None]:
        """Record one attendance mark; returns it and the mark it replaced (for undo)."""
        repo = self.attendance(course_id)
        record_id = attendance_id(session_id, person_id)
        with self.transaction():
            current = repo.find(record_id)
            record = Attendance(
                id=record_id,
                course_id=course_id,
                session_id=session_id,
                person_id=person_id,
                mark=mark,
                hours=hours,
                # Cover hours booked for the day belong to the day, not to the mark.
                substitute_hours=current.substitute_hours if current else None,
            )
            return repo.put(record)

    def course_people(self, course_id: str) -> dict[str, Person]:
        """Everyone the course's records name (enrolled, in a group, rated), by id."""
        ids = {e.person_id for e in self.enrolments(course_id).all()}
        ids |= {j.person_id for j in self.journals(course_id).all() if j.person_id}
        ids |= {m for j in self.journals(course_id).all() for m in j.member_ids}
        return self.people.find_many(ids)

    def delete_course(self, course_id: str) -> None:
        with self.transaction():
            self.courses.delete(course_id)
            self.course_summaries.delete(course_id)
            person_index.forget_course(self.db, course_id)
            self.db.delete_course_file(course_id)

    def erase_person(self, person_id: str) -> Erasure:
        """Right to erasure: the person and everything recorded about them."""
        counts = dict.fromkeys(("enrolments", "attendance", "journals", "journal_entries"), 0)
        other = 0
        with self.transaction():
            for cid in self.courses_naming(person_id):
                journals = [j.id for j in self.journals(cid).all() if j.person_id == person_id]
                counts["journal_entries"] += self.journal_entries(cid).delete_where(
                    lambda d, js=journals: d.get("journal_id") in js
                )
                other += self.journal_goals(cid).delete_where(
                    lambda d, js=journals: d.get("journal_id") in js
                )
                counts["journals"] += self.journals(cid).delete_where(
                    lambda d: d.get("person_id") == person_id
                )
                # Group journals keep their text; the person's name leaves the group.
                for journal in self.journals(cid).all():
                    if person_id in journal.member_ids:
                        journal.member_ids.remove(person_id)
                        self.journals(cid).save(journal)
                for table in ("enrolments", "attendance"):
                    counts[table] += self._course_repo(table, cid).delete_where(
                        lambda d: d.get("person_id") == person_id
                    )
                for table in ("ratings", "transfer_notes"):
                    other += self._course_repo(table, cid).delete_where(
                        lambda d: d.get("person_id") == person_id
                    )
            self.people.delete(person_id)
            # Field-bundle conflicts and reviews may hold copies of the person's records
            # (their module, and what it loads, only when there are any).
            tables = self.db.main.storage.read() or {}
            if tables.get("sync_conflicts") or tables.get("sync_reviews"):
                from tui.store import conflicts

                conflicts.forget_person(self, person_id)
            # The courses' writes took the person out of the index; a course the index
            # named but that is gone does not keep them in it either.
            if not self._older_schema():
                person_index.forget_person(self.db, person_id)
            erasures = self.db.erasures.table(ERASURES)
            if erasures.get(doc_id=person_id) is None:
                erasures.insert(Document({"at": now(), "by": who()}, doc_id=person_id))
        return Erasure(**counts, other=other)

    def repair_courses(self, course_ids: list[str], batch: int = 50) -> None:
        """Work out again from their records what is kept beside these courses (report
        figures, the index of who takes part, the session summary), ``batch`` courses a
        commit so that a national repair does not hold every course file at once. A
        course that is gone leaves the index."""
        known = {c.id for c in self.courses.all()}
        indexed = person_index.by_course(self.db)
        wanted = [cid for cid in course_ids if cid in known]
        for start in range(0, len(wanted), batch):
            with self.transaction():
                for course_id in wanted[start:start + batch]:
                    figures.refresh(self, course_id)
                    self._summarise_course(course_id)
                    person_index.rebuild(
                        self.db, course_id,
                        person_index.people_named(self.db.course_file(course_id).storage.read()),
                        indexed.get(course_id, ()))
        gone = [cid for cid in course_ids if cid not in known and cid in indexed]
        if gone:
            with self.transaction():
                for course_id in gone:
                    person_index.rebuild(self.db, course_id, (), indexed[course_id])

    def people_facts(self) -> dict[str, PersonFacts]:
        """What the report counts each person by, read from the stored documents:
        decoding 50,000 people whole cost a report a third of a second and 30 MB."""
        found: dict[str, PersonFacts] = {}
        for doc_id, doc in self.people.scan():
            try:
                institution, place = doc.get("institution_id"), doc.get("place_id")
                if not (_text_or_none(institution) and _text_or_none(place)):
                    raise TypeError
                found[doc_id] = PersonFacts(_ROLES[doc["role"]],
                                            _QUALIFICATIONS[doc["qualification"]],
                                            institution, place)
            except (KeyError, TypeError, AttributeError):
                # Anything unusual is decoded in full, which names what is wrong.
                found[doc_id] = PersonFacts.of(self.people._decode(doc_id, doc))
        return found

    def courses_naming(self, person_id: str) -> list[str]:
        """The ids of the courses whose files name the person, from the index (one small
        file; no course file is opened)."""
        with self.db.reading():
            # The stored dicts, not TinyDB's copies of 2,000 documents.
            tables = self.db.main.storage.read() or {}
            courses = tables.get("courses", {})
            if self._older_schema():
                # A backup of before (the person erased from the backups too): its main
                # file's index, where there is one, else every course.
                return person_index.legacy_courses_naming(
                    tables.get(person_index.LEGACY_TABLE, {}), person_id, list(courses))
            return [cid for cid in person_index.courses_of(self.db, person_id)
                    if cid in courses]

    def _older_schema(self) -> bool:
        """A database of an older schema opened as it is, not migrated (a backup being
        checked, or purged of an erased person): it keeps no index of its own, and its
        migration makes one when it is restored."""
        version = self.db.schema_version()
        return version is not None and version < SCHEMA_VERSION

    def erased_person_ids(self) -> set[str]:
        with self.db.reading():
            # (And where schema 3 and before kept them: a backup of then, not migrated.)
            return {*(self.db.erasures.storage.read() or {}).get(ERASURES, {}),
                    *(self.db.main.storage.read() or {}).get(ERASURES, {})}

    # -- noticing other processes' changes ------------------------------------------------

    def revision(self, course_id: str | None = None) -> Revision:
        """A token that changes whenever any process changes the file (the main file, or
        one course's file). Costs one ``stat``: screens poll it to show others' work."""
        layout = self.db.layout
        return _identity(layout.course(course_id) if course_id else layout.main)

    def people_revision(self) -> Revision:
        """Changes when anyone's record changes: each write renames a file into the
        registry's folder, which stamps the folder."""
        return _folder_identity(self.db.layout.people)

    def courses_revision(self) -> Revision:
        """Changes when a course file is added or removed (the folder's own stamp)."""
        return _folder_identity(self.db.layout.courses)

    def verify(self) -> None:
        """Decode every record of the main file: a hand-broken one is named on open."""
        for repo in (self.programmes, self.places, self.institutions, self.courses,
                     self.topic_wishes, self.course_summaries):
            # One at a time, none kept: decoded all at once they were the start-up's
            # peak memory at national scale.
            for doc_id, doc in repo.stored():
                repo._decode(doc_id, doc)

    # -- journals --

    def delete_journal(self, course_id: str, journal_id: str) -> tuple[int, int] | None:
        """A journal and everything written in it: its entries and its goals with their
        evaluations, in one commit. Returns how many entries and goals went with it, or
        None when the journal was no longer there (someone deleted it first).

        The participants' learning-goal ratings stay: they are the course's, not the
        journal's."""
        with self.transaction():
            if self.journals(course_id).find(journal_id) is None:
                return None

            def in_journal(doc: dict[str, Any]) -> bool:
                return doc.get("journal_id") == journal_id

            entries = self.journal_entries(course_id).delete_where(in_journal)
            goals = self.journal_goals(course_id).delete_where(in_journal)
            self.journals(course_id).delete(journal_id)
        return entries, goals

    # -- courses --

    def _docs(self, course_id: str, table: str) -> list[dict[str, Any]]:
        # Counted from the stored dicts: a big course's marks need no decoding for that.
        with self.db.reading():
            tables = self.db.course_file(course_id).storage.read() or {}
        docs = tables.get(table, {})
        return [d for d in docs.values() if isinstance(d, dict)] if isinstance(docs, dict) \
            else []

    def _dependants(self, kind: type[Any], course_id: str, field: str, value: str) -> Any:
        """``kind`` (SessionRemoval, EnrolmentRemoval) counted before: each of its fields
        is a table, and counts the records there whose ``field`` is ``value``."""
        return kind(**{f.name: sum(d.get(field) == value for d in self._docs(course_id, f.name))
                       for f in dataclasses.fields(kind)})

    def session_dependants(self, course_id: str, session_id: str) -> SessionRemoval:
        """What ``delete_session`` would take with it, for the question before."""
        return self._dependants(SessionRemoval, course_id, "session_id", session_id)

    def enrolment_dependants(self, course_id: str, person_id: str) -> EnrolmentRemoval:
        """What ``remove_enrolment`` would take with it, for the question before."""
        return self._dependants(EnrolmentRemoval, course_id, "person_id", person_id)

    @staticmethod
    def _delete_current(repo: Repo[Any], record_id: str,
                        expected_version: int | None) -> Any:
        """Delete the record as it is now, inside the caller's transaction, and return it;
        None when it is gone already. Refused when someone changed it since the version
        the user saw."""
        current = repo.find(record_id)
        if current is None:
            return None
        if expected_version is not None and current.version != expected_version:
            raise StaleRecord(repo.name, record_id, current.updated_by or "?",
                              current.updated_at or "?")
        repo.delete(record_id)
        return current

    def delete_session(self, course_id: str, session_id: str, *,
                       expected_version: int | None = None) -> SessionRemoval:
        """Delete a day with its attendance, in one commit. The day it replaced waits
        for a new date again; journal entries about it keep their text and date."""
        sessions = self.sessions(course_id)
        with self.transaction():
            if self._delete_current(sessions, session_id, expected_version) is None:
                return SessionRemoval()
            marks = self.attendance(course_id).delete_where(
                lambda d: d.get("session_id") == session_id)
            for old in sessions.where(replaced_by=session_id):
                sessions.save(dataclasses.replace(old, replaced_by=None))
            entries = self.journal_entries(course_id)
            linked = entries.where(session_id=session_id)
            for entry in linked:
                entries.save(dataclasses.replace(entry, session_id=None))
        return SessionRemoval(attendance=marks, journal_entries=len(linked))

    def remove_enrolment(self, course_id: str, enrolment_id: str, *,
                         expected_version: int | None = None) -> EnrolmentRemoval:
        """Take a participant out of a course with their marks, goal ratings and
        transfer notes in it, in one commit (withdrawn is the status that keeps them)."""
        enrolments = self.enrolments(course_id)
        with self.transaction():
            current = self._delete_current(enrolments, enrolment_id, expected_version)
            if current is None:
                return EnrolmentRemoval()
            pid = current.person_id
            # Another enrolment of the same person (entered twice) keeps what is theirs.
            if any(e.person_id == pid for e in enrolments.all()):
                return EnrolmentRemoval()
            removed = {f.name: self._course_repo(f.name, course_id).delete_where(
                lambda d: d.get("person_id") == pid)
                for f in dataclasses.fields(EnrolmentRemoval)}
        return EnrolmentRemoval(**removed)

    def copy_course(self, course_id: str, *, name: str,
                    offset: dt.timedelta) -> Course:
        """Next year's run of a course with its days moved by ``offset``, in one commit
        (the course in the main file, its days in a new file)."""
        from tui.domain.schedule import copy_course
        from tui.store.ids import new_id

        with self.transaction():
            course = self.courses.get(course_id)
            copy, days = copy_course(course, self.sessions(course_id).all(), name=name,
                                     offset=offset, new_id=new_id)
            saved = self.courses.add(copy)
            self.sessions(saved.id).add_many(days)
        return saved

    # -- registry --
    # (Imports inside the methods keep this block the only lines of the file it changes.)

    def delete_place(self, place_id: str) -> bool:
        """Delete a place nothing points at any more; checked again under the lock, since
        someone may have put a person, a daycare, a town or a course there meanwhile."""
        from tui.i18n import msg

        with self.transaction():
            place = self.places.find(place_id)
            if place is None:
                return False
            used = (any(doc.get("place_id") == place_id for _id, doc in self.people.raw())
                    or self.institutions.where(place_id=place_id)
                    or self.places.where(municipality_id=place_id)
                    or self.courses.where(place_id=place_id))
            if used:
                raise StoreError(msg("{name} is in use now; it was not deleted.",
                                     name=place.name))
            return self.places.delete(place_id)

    def delete_institution(self, institution_id: str) -> int:
        """Delete a daycare institution and its topic wishes in one commit; refused while
        anyone works there. Returns how many wishes went with it."""
        from tui.i18n import msg

        with self.transaction():
            institution = self.institutions.find(institution_id)
            if institution is None:
                return 0
            if any(doc.get("institution_id") == institution_id
                   for _id, doc in self.people.raw()):
                raise StoreError(msg("People work at {name} now; it was not deleted.",
                                     name=institution.name))
            wishes = self.topic_wishes.delete_where(
                lambda d: d.get("institution_id") == institution_id)
            self.institutions.delete(institution_id)
        return wishes

    def delete_programme(self, programme_id: str) -> int:
        """Delete a programme without courses and its topic wishes in one commit. Returns
        how many wishes went with it."""
        from tui.i18n import msg

        with self.transaction():
            programme = self.programmes.find(programme_id)
            if programme is None:
                return 0
            if self.courses.where(programme_id=programme_id):
                raise StoreError(msg("{name} has courses now; it was not deleted.",
                                     name=programme.name))
            wishes = self.topic_wishes.delete_where(
                lambda d: d.get("programme_id") == programme_id)
            self.programmes.delete(programme_id)
        return wishes

    def change_programme(self, programme_id: str, change: Any) -> Programme:
        """Apply ``change`` (a function from the programme to its changed copy) to the
        programme as stored now, under the lock: adding or removing a catalogue item keeps
        whatever someone else changed meanwhile."""
        with self.transaction():
            current = self.programmes.get(programme_id)
            return self.programmes.save(change(current), expected_version=current.version)

    def course_from_wish(self, wish_id: str, course: Course) -> Course:
        """Create ``course`` and note it on the topic wish it was made from, in one
        commit (the course file, the course and the wish)."""
        import dataclasses

        from tui.domain.programmes import WishStatus

        with self.transaction():
            added = self.courses.add(course)
            wish = self.topic_wishes.get(wish_id)
            self.topic_wishes.save(dataclasses.replace(
                wish, status=WishStatus.COURSE_CREATED, course_ids=[*wish.course_ids, added.id]))
        return added


_ROLES = {r.value: r for r in Role}
_QUALIFICATIONS = {q.value: q for q in Qualification}


def _text_or_none(value: object) -> bool:
    return value is None or value.__class__ is str


class _Courses(Repo[Course]):
    """Course headers; a change of a course's completion rule changes its figures."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.db, Course, "courses", lambda: store.db.main, valid_id=SAFE_ID)
        self._store = store

    def add(self, record: Course) -> Course:
        with self.db.transaction():
            saved = super().add(record)
            figures.rule_changed(self._store, saved.id, saved.completion)
        return saved

    def save(self, record: Course, *, expected_version: int | None = None) -> Course:
        with self.db.transaction():
            saved = super().save(record, expected_version=expected_version)
            figures.rule_changed(self._store, saved.id, saved.completion)
        return saved

    def add_many(self, records: list[Course]) -> None:
        with self.db.transaction():
            super().add_many(records)
            for record in records:
                if record.id:
                    figures.rule_changed(self._store, record.id, record.completion)


def _folder_identity(path: Path) -> Revision:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(path: Path) -> Revision:
    try:
        return file_identity(path)
    except StoreError:
        # Something planted at the name: the read that follows says so in words.
        return (-1, -1, -1)

"""A small office database, a bundle of one course, and a field copy changed in a known
way: shared by the bundle, crash and conflicts-screen tests.

Office: programme ``prog``; places ``m1`` (municipality) and ``pl1`` (settlement in m1),
``pl2``; institutions ``inst1`` (pl1) and ``inst2`` (pl2); people p1-p4 at inst1 and p5 at
inst2; course ``c1`` at pl1 with days d1, d2, enrolments of p1-p4, a present mark for each
of them on d1, a journal j1 of p1 with entry je1, a rating r2 of p2 and a transfer note
tn4 of p4; course ``c2`` with p5, which stays home.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tui.domain.courses import Course, Enrolment, Mark, Session, attendance_id
from tui.domain.journals import (
    GoalRating,
    Journal,
    JournalEntry,
    Phase,
    TransferNote,
    TransferStage,
)
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.domain.programmes import Programme
from tui.store import sync
from tui.store.bundle import read_bundle
from tui.store.store import Store

PASS = "sneglehus i storm"


def person(pid: str, name: str, inst: str) -> Person:
    return Person(id=pid, name=name, role=Role.EMPLOYEE, qualification=Qualification.UNSKILLED,
                  institution_id=inst)


def make_office(path: Path) -> Store:
    store = Store.open(path)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Programme"))
        store.places.add(Place(id="m1", name="Kommune", kind=PlaceKind.MUNICIPALITY))
        store.places.add(Place(id="pl1", name="Bygd", kind=PlaceKind.SETTLEMENT,
                               municipality_id="m1"))
        store.places.add(Place(id="pl2", name="Anden by", kind=PlaceKind.TOWN))
        store.institutions.add(Institution(id="inst1", name="Vuggestuen",
                                           kind=InstitutionKind.NURSERY, place_id="pl1"))
        store.institutions.add(Institution(id="inst2", name="Andet sted",
                                           kind=InstitutionKind.NURSERY, place_id="pl2"))
        for n in range(1, 5):
            store.people.add(person(f"p{n}", f"Person {n}", "inst1"))
        store.people.add(person("p5", "Person 5", "inst2"))
        store.courses.add(Course(id="c1", programme_id="prog", name="Kursus", place_id="pl1"))
        store.courses.add(Course(id="c2", programme_id="prog", name="Hjemme"))
        for day, date in (("d1", dt.date(2026, 3, 2)), ("d2", dt.date(2026, 3, 3))):
            store.sessions("c1").add(Session(id=day, course_id="c1", date=date))
        for n in range(1, 5):
            store.enrolments("c1").add(Enrolment(id=f"e{n}", course_id="c1",
                                                 person_id=f"p{n}"))
            store.mark("c1", "d1", f"p{n}", Mark.PRESENT)
        store.enrolments("c2").add(Enrolment(id="e5", course_id="c2", person_id="p5"))
        store.journals("c1").add(Journal(id="j1", course_id="c1", person_id="p1"))
        store.journal_entries("c1").add(JournalEntry(id="je1", course_id="c1", journal_id="j1",
                                                     phase=Phase.WONDER, text="Undren"))
        store.ratings("c1").add(GoalRating(id="r2", course_id="c1", person_id="p2",
                                           goal_key="g1", before=2))
        store.transfer_notes("c1").add(TransferNote(id="tn4", course_id="c1", person_id="p4",
                                                    stage=TransferStage.BEFORE))
    return store


def take_out(office: Store, bundle: Path) -> None:
    sync.export_courses(office, ["c1"], bundle, PASS, carrier="Aviaja")


def open_copy(bundle: Path, path: Path) -> Store:
    field = Store.open(path)
    sync.open_field_copy(field, read_bundle(bundle, PASS), str(bundle))
    return field


def change_field(field: Store) -> None:
    """Ten changed records: four marks (one of them twice), a journal entry, two
    walk-ins (the second has the name and institution of p2), an enrolment, a deleted
    rating, and p4's transfer note."""
    field.mark("c1", "d1", "p1", Mark.EXCUSED)
    field.mark("c1", "d1", "p1", Mark.ABSENT)  # version 3: outranks the office's 2
    field.mark("c1", "d2", "p2", Mark.PRESENT)
    field.journal_entries("c1").add(JournalEntry(id="je-field", course_id="c1",
                                                 journal_id="j1", phase=Phase.KNOWLEDGE,
                                                 text="Fra bygden"))
    field.people.add(person("w1", "Pipaluk Walk-in", "inst1"))
    field.people.add(person("w2", "Person 2", "inst1"))
    field.enrolments("c1").add(Enrolment(id="ew1", course_id="c1", person_id="w1"))
    field.mark("c1", "d2", "w1", Mark.PRESENT)
    field.ratings("c1").delete("r2")
    field.mark("c1", "d2", "p4", Mark.PRESENT)
    note = field.transfer_notes("c1").get("tn4")
    note.answers["q1"] = "svar"
    field.transfer_notes("c1").save(note)


def change_office(office: Store) -> None:
    office.mark("c1", "d1", "p1", Mark.PARTIAL, hours=3.0)  # the same cell: version 2
    office.mark("c1", "d2", "p1", Mark.PRESENT)  # another cell
    office.journal_entries("c1").add(JournalEntry(id="je-office", course_id="c1",
                                                  journal_id="j1", phase=Phase.KNOWLEDGE,
                                                  text="Fra kontoret"))
    office.erase_person("p4")


def d1p1() -> str:
    return attendance_id("d1", "p1")


def files_bytes(store: Store) -> dict[str, bytes]:
    layout = store.db.layout
    return {str(p.relative_to(layout.main.parent)): p.read_bytes() for p in layout.data_files()}


# Bookkeeping that records when things happened, not what the data is.
TIMED_TABLES = {"sync_imports", "sync_out"}
# Derived on each machine when a course's file is written, stamped with that moment: two
# merges a second apart give the same summary with another time.
DERIVED_TABLES = {"course_summaries"}


def contents(store: Store) -> dict[str, object]:
    layout = store.db.layout
    found: dict[str, object] = {}
    for p in layout.data_files():
        tables = json.loads(p.read_text(encoding="utf-8"))
        found[p.name] = {
            t: ({i: {k: v for k, v in doc.items() if k not in ("created_at", "updated_at")}
                 for i, doc in d.items()} if t in DERIVED_TABLES else d)
            for t, d in tables.items() if t not in TIMED_TABLES}
    return found

"""Demo data from the shipped files, and a synthetic national-scale database."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Course,
    CourseStatus,
    Enrolment,
    Mark,
    Session,
    attendance_id,
)
from tui.domain.journals import DocMethod, Journal, JournalEntry, Phase
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.domain.programmes import Programme
from tui.i18n import msg
from tui.resources import load_json
from tui.store.codec import decode
from tui.store.errors import StoreError
from tui.store.store import COURSE_TABLES, MAIN_TABLES, PEOPLE_TABLES, Store

Progress = Callable[[int, int], None]


class NotEmpty(StoreError):
    def __init__(self, path: str) -> None:
        super().__init__(msg("The database {path} already holds data; the demo goes into an "
                             "empty one. Use --db to name a new file.", path=path))


def is_empty(store: Store) -> bool:
    return not store.exists() or (
        store.programmes.count() == 0 and store.courses.count() == 0
        and store.people.count() == 0
    )


def load_demo(store: Store) -> dict[str, int]:
    """Load both seed programmes; returns the number of records per table."""
    if not is_empty(store):
        raise NotEmpty(str(store.path))
    data: dict[str, list[dict[str, Any]]] = load_json("demo.json")
    shipped_places = load_json("places_gl.json")["places"]
    demo_ids = {p["id"] for p in data.get("places", [])}
    data["places"] = [p for p in shipped_places if p["id"] not in demo_ids] + data.get(
        "places", []
    )
    counts: dict[str, int] = {}
    with store.transaction():
        for table, cls in {**MAIN_TABLES, **PEOPLE_TABLES}.items():
            records = [decode(cls, d["id"], d) for d in data.get(table, [])]
            repo = store.people if table == "people" else getattr(store, table)
            repo.add_many(records)
            counts[table] = len(records)
        for table, cls in COURSE_TABLES.items():
            by_course: dict[str, list[Any]] = defaultdict(list)
            for d in data.get(table, []):
                by_course[d["course_id"]].append(decode(cls, d["id"], d))
            for course_id, records in by_course.items():
                store._course_repo(table, course_id).add_many(records)
            counts[table] = sum(len(r) for r in by_course.values())
    return counts


# -- national scale -------------------------------------------------------------------------

NATIONAL = {
    "people": 50_000,
    "courses": 2_000,
    "sessions_per_course": 5,
    "participants_per_course": 50,
    "journal_entries_per_course": 10,
}

_FIRST = ["Aputsiaq", "Naja", "Malik", "Ivaana", "Inuk", "Pipaluk", "Anne", "Mette", "Lars",
          "Søren", "Hanne", "Jens", "Karen", "Niels", "Aviaja", "Kristian", "Ane", "Bodil"]
_LAST = ["Kleist", "Lynge", "Olsen", "Petersen", "Jensen", "Nielsen", "Berthelsen", "Motzfeldt",
         "Kristiansen", "Hansen", "Møller", "Egede", "Heilmann", "Rosing", "Sørensen"]


def generate_national(
    store: Store, *, seed: int = 1, scale: dict[str, int] | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """A synthetic national programme for benchmarks: a transaction per 50 course files
    (one a course wrote a file of the index for nearly every participant: 50,000 small
    files in all)."""
    if not is_empty(store):
        raise NotEmpty(str(store.path))
    n = {**NATIONAL, **(scale or {})}
    rnd = random.Random(seed)
    municipalities = [Place(id=f"dk-m{i}", name=f"Kommune {i}", kind=PlaceKind.MUNICIPALITY,
                            country="DK") for i in range(98)]
    institutions = [
        Institution(id=f"inst{i}", name=f"Dagtilbud {i}", kind=rnd.choice(list(InstitutionKind)),
                    place_id=rnd.choice(municipalities).id)
        for i in range(n["people"] // 20)
    ]
    people = [
        Person(id=f"p{i}", name=f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}",
               role=rnd.choice(list(Role)), qualification=rnd.choice(list(Qualification)),
               institution_id=rnd.choice(institutions).id)
        for i in range(n["people"])
    ]
    programme = Programme(id="national", name="Nationalt kompetenceløft")
    courses = [
        Course(id=f"c{i}", programme_id=programme.id, name=f"Hold {i}",
               place_id=rnd.choice(municipalities).id, status=CourseStatus.RUNNING,
               completion=CompletionRule(min_sessions=n["sessions_per_course"] - 1))
        for i in range(n["courses"])
    ]
    with store.transaction():
        store.places.add_many(municipalities)
        store.institutions.add_many(institutions)
        store.programmes.add_many([programme])
        store.courses.add_many(courses)
        store.people.add_many(people)
    marks = list(Mark)

    def add(course: Course) -> None:
        first = dt.date(2026, 1, 5) + dt.timedelta(days=rnd.randrange(300))
        sessions = [
            Session(id=f"{course.id}s{k}", course_id=course.id,
                    date=first + dt.timedelta(weeks=3 * k), hours=7.4)
            for k in range(n["sessions_per_course"])
        ]
        participants = rnd.sample(people, n["participants_per_course"])
        enrolments = [Enrolment(id=f"{course.id}e{p.id}", course_id=course.id, person_id=p.id)
                      for p in participants]
        attendance = [
            Attendance(id=attendance_id(s.id, p.id), course_id=course.id, session_id=s.id,
                       person_id=p.id, mark=rnd.choices(marks, weights=(85, 8, 5, 2))[0])
            for s in sessions for p in participants
        ]
        journal = Journal(id=f"{course.id}j", course_id=course.id, group_name="PLF")
        entries = [
            JournalEntry(id=f"{course.id}je{k}", course_id=course.id, journal_id=journal.id,
                         phase=Phase(k % 9 + 1), method=DocMethod.LOG,
                         text="Synthetic entry for load tests.")
            for k in range(n["journal_entries_per_course"])
        ]
        store.sessions(course.id).add_many(sessions)
        store.enrolments(course.id).add_many(enrolments)
        store.attendance(course.id).add_many(attendance)
        store.journals(course.id).add_many([journal])
        store.journal_entries(course.id).add_many(entries)

    for start in range(0, len(courses), 50):
        with store.transaction():
            for course in courses[start:start + 50]:
                add(course)
        if progress:
            progress(min(start + 50, len(courses)), len(courses))
    total = n["courses"]
    return {
        "people": len(people), "courses": total,
        "sessions": total * n["sessions_per_course"],
        "attendance": total * n["sessions_per_course"] * n["participants_per_course"],
        "journal_entries": total * n["journal_entries_per_course"],
    }

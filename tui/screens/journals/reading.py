"""What the journal screens show, read from the store in a worker thread. No Textual here.

Each read says which parts it needs again: the course's own file (journals, entries,
goals, sessions), the names of its people (the people file), the course's name (the main
file). After someone's change only the files that changed are read again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from tui.domain.journals import Journal, JournalEntry, JournalGoal
from tui.screens.journals.naming import CourseDays
from tui.store.store import Store
from tui.views.course import participants


@dataclass(frozen=True, slots=True)
class Parts:
    """Which of a screen's files to read: all of them the first time."""

    course_file: bool = True
    people: bool = True
    main: bool = True

    def __bool__(self) -> bool:
        return self.course_file or self.people or self.main

    def __or__(self, other: Parts) -> Parts:
        return Parts(self.course_file or other.course_file, self.people or other.people,
                     self.main or other.main)


EVERYTHING = Parts()
NOTHING = Parts(course_file=False, people=False, main=False)
# What a write in the course (an entry, a goal) changes.
COURSE_FILE = Parts(course_file=True, people=False, main=False)


def course_name(store: Store, course_id: str) -> str:
    course = store.courses.find(course_id)
    return course.name if course else course_id


def names(store: Store, course_id: str) -> dict[str, str]:
    return {pid: p.name for pid, p in store.course_people(course_id).items()}


@dataclass(frozen=True, slots=True)
class CourseJournals:
    """A course's journals with everything written in them, for the list."""

    course_id: str
    course: str = ""
    journals: list[Journal] = field(default_factory=list)
    entries: list[JournalEntry] = field(default_factory=list)
    goals: list[JournalGoal] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    # (id, name) of those who may keep a journal, by name: the choices of the forms.
    participants: list[tuple[str, str]] = field(default_factory=list)

    def read(self, store: Store, parts: Parts) -> CourseJournals:
        cid = self.course_id
        fresh = self
        if parts.course_file:
            fresh = dataclasses.replace(
                fresh, journals=store.journals(cid).all(),
                entries=store.journal_entries(cid).all(), goals=store.journal_goals(cid).all())
        # A new group member is named in the course file, their name in the people file.
        if parts.course_file or parts.people:
            known = names(store, cid)
            fresh = dataclasses.replace(fresh, names=known,
                                        participants=participants(store, cid, known))
        if parts.main:
            fresh = dataclasses.replace(fresh, course=course_name(store, cid))
        return fresh

    def journal(self, journal_id: str | None) -> Journal | None:
        return next((j for j in self.journals if j.id == journal_id), None)


@dataclass(frozen=True, slots=True)
class JournalData:
    """One journal as its screen shows it; ``journal`` is None once it is deleted."""

    course_id: str
    journal_id: str
    journal: Journal | None = None
    entries: list[JournalEntry] = field(default_factory=list)
    goals: list[JournalGoal] = field(default_factory=list)
    days: CourseDays = field(default_factory=lambda: CourseDays([]))
    names: dict[str, str] = field(default_factory=dict)
    course: str = ""

    def read(self, store: Store, parts: Parts) -> JournalData:
        cid, jid = self.course_id, self.journal_id
        fresh = self
        if parts.course_file:
            fresh = dataclasses.replace(
                fresh, journal=store.journals(cid).find(jid),
                entries=store.journal_entries(cid).where(journal_id=jid),
                goals=store.journal_goals(cid).where(journal_id=jid),
                days=CourseDays(store.sessions(cid).all()))
        if parts.course_file or parts.people:
            fresh = dataclasses.replace(fresh, names=names(store, cid))
        if parts.main:
            fresh = dataclasses.replace(fresh, course=course_name(store, cid))
        return fresh

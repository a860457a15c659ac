"""One watcher for the whole app: what changed on disk, by anyone, since a screen read it.

Each thing a screen can show lives in one file: the main file (programmes, places,
courses and their summaries), the people registry, each course's own file, and the
courses folder (a course added or removed). A file's revision is one ``stat``. The app
checks, once a second, only the files the screen in front shows; a screen beneath others
catches up when it comes back. No Textual here but the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.message import Message

from tui.store.store import Revision, Store

MAIN = "main"
PEOPLE = "people"
COURSES = "courses"


def course(course_id: str) -> str:
    """The source name of one course's file."""
    return f"course:{course_id}"


@dataclass(frozen=True, slots=True)
class Changes:
    """The sources that changed since the screen last read them."""

    sources: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.sources)

    def __contains__(self, source: object) -> bool:
        return source in self.sources


class DataChanged(Message):
    """Someone (another administrator, another window, a bundle merge) changed what the
    screen shows. Posted to the screen in front only."""

    def __init__(self, changes: Changes) -> None:
        super().__init__()
        self.changes = changes


class Watcher:
    """Keeps a generation per source: it goes up each time the file is seen changed.
    A screen remembers the generations it has read; the difference is what it must
    read again."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._revisions: dict[str, Revision] = {}
        self._generations: dict[str, int] = {}

    def _revision(self, source: str) -> Revision:
        if source == MAIN:
            return self.store.revision()
        if source == PEOPLE:
            return self.store.people_revision()
        if source == COURSES:
            return self.store.courses_revision()
        return self.store.revision(source.removeprefix("course:"))

    def look(self, sources: Iterable[str]) -> dict[str, int]:
        """Stat ``sources`` now; their generations after the look."""
        seen: dict[str, int] = {}
        for source in sources:
            try:
                revision = self._revision(source)
            except OSError:
                revision = None
            known = source in self._revisions
            if not known or self._revisions[source] != revision:
                self._revisions[source] = revision
                self._generations[source] = self._generations.get(source, 0) + int(known)
            seen[source] = self._generations[source]
        return seen

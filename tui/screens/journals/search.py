"""Search every course's journals from the command palette, hits shown in context.

The search reads every course's file once, in a worker. After that the screen follows
only the courses it found something in: a change there is searched again in that
course alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from tui.domain.courses import Course
from tui.domain.journaling import (
    TRANSFER_PREFIX,
    Hit,
    search,
    searchable,
    searchable_transfer_notes,
)
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.store.store import Store
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.type_ahead import FollowsFocus

# Enough to find what one looks for; a word found in thousands of entries wants a
# narrower search, not a longer list.
MAX_HITS = 200
# Course names differ at their end ("…, Nuuk 2022"): cut in the middle.
COLUMNS = (Column(N_("Course"), 16, clip="middle"), Column(N_("Journal"), 10),
           Column(N_("Found")))
# The match sits in the middle of its context; short enough to show whole at 80 columns.
SNIPPET_WIDTH = 44


@dataclass(frozen=True, slots=True)
class Found:
    """A hit, with what the list shows of it."""

    course_id: str
    hit: Hit
    journal: str  # the journal's title, or whose transfer note it is


def search_course(store: Store, course_id: str, query: str, limit: int) -> list[Found]:
    entries = searchable(store.journal_entries(course_id).all(),
                         store.journal_goals(course_id).all())
    notes = searchable_transfer_notes(store.transfer_notes(course_id).all())
    entries += notes
    hits = search(entries, query, width=SNIPPET_WIDTH) if entries else []
    if not hits:
        return []
    titles = {j.id: j.title or j.group_name for j in store.journals(course_id).all()}
    if notes:  # a transfer note is titled by its participant
        people = store.course_people(course_id)
        titles |= {n.journal_id: _("{name} (transfer note)").format(
            name=people[n.journal_id].name if n.journal_id in people else n.journal_id)
            for n in notes}
    return [Found(course_id, hit, titles.get(hit.entry.journal_id, ""))
            for hit in hits[:limit]]


def search_courses(store: Store, courses: Iterable[Course], query: str,
                   progress: Callable[[int, int], None] | None = None,
                   ) -> dict[str, list[Found]]:
    """Hits by course, in the courses' order, MAX_HITS at most in all."""
    chosen = list(courses)
    found: dict[str, list[Found]] = {}
    count = 0
    for done, course in enumerate(chosen, start=1):
        hits = search_course(store, course.id, query, MAX_HITS - count)
        if hits:
            found[course.id] = hits
            count += len(hits)
        if progress is not None and done % 50 == 0:
            progress(done, len(chosen))
        if count >= MAX_HITS:
            break
    return found


class HitsTable(FollowsFocus, RecordTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", N_("Open"), id="journal_search.open"),
    ]

    def __init__(self, columns: tuple[Column, ...], *, id: str) -> None:
        super().__init__(columns, id=id)
        translate_bindings(self)


class JournalSearchScreen(KuffertScreen[None]):
    AUTO_FOCUS = "#journal-hits"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="journal_search.close"),
    ]

    def __init__(self, query: str) -> None:
        super().__init__(classes="journal-search")
        translate_bindings(self)
        self.search_for = query
        self.found: dict[str, list[Found]] = {}
        self.course_names: dict[str, str] = {}
        self.hits: dict[str, tuple[str, Hit]] = {}
        self.searching = True

    def watched(self) -> frozenset[str]:
        return frozenset({live.MAIN, *(live.course(cid) for cid in self.found)})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Journals may mention children: what you find here stays on this "
                       "screen."), classes="quiet")
        yield Static(_("Searching for »{query}« …").format(query=self.search_for),
                     id="journal-search-status", markup=False)
        yield HitsTable(COLUMNS, id="journal-hits")
        yield KeyFooter()

    def on_mount(self) -> None:
        store, query, app = self.store, self.search_for, self.app

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        def everything() -> tuple[dict[str, str], dict[str, list[Found]]]:
            courses = store.courses.all()
            return ({c.id: c.name for c in courses},
                    search_courses(store, courses, query, progress))

        self.mark_read(live.MAIN)
        self.run_store(everything, self._searched, failed=self._status, group="search")

    def _searched(self, result: tuple[dict[str, str], dict[str, list[Found]]]) -> None:
        self.course_names, self.found = result
        self.searching = False
        # Now the courses found in are known, and what they hold is what was read.
        self.mark_read()
        self._show()

    # -- following --------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        if self.searching:
            return  # the search under way reads every course anyway
        store, query = self.store, self.search_for
        again = [cid for cid in self.found if live.course(cid) in changes]
        names_too = live.MAIN in changes
        self.mark_read()

        def read() -> tuple[dict[str, str] | None, dict[str, list[Found]]]:
            names = {c.id: c.name for c in store.courses.all()} if names_too else None
            return names, {cid: search_course(store, cid, query, MAX_HITS) for cid in again}

        def done(result: tuple[dict[str, str] | None, dict[str, list[Found]]]) -> None:
            names, fresh = result
            if names is not None:
                self.course_names = names
            # A course with nothing left keeps its place, empty: it is still watched,
            # so what is written there again is found.
            self.found = {cid: fresh.get(cid, hits) for cid, hits in self.found.items()}
            self._show()

        self.run_store(read, done, group="read")

    # -- showing ----------------------------------------------------------------------------

    def _progress(self, done: int, total: int) -> None:
        if not self.is_attached:
            return  # left before the search was done
        self._status(ngettext("Searching for »{query}« … {done} of {total} course",
                              "Searching for »{query}« … {done} of {total} courses",
                              total).format(
            query=self.search_for, done=done, total=total))

    def _status(self, text: str) -> None:
        self.query_one("#journal-search-status", Static).update(Text(text))

    def _show(self) -> None:
        rows: list[tuple[str, tuple[str, str, str]]] = []
        self.hits = {}
        for cid, hits in self.found.items():
            for found in hits[: MAX_HITS - len(rows)]:
                self.hits[found.hit.entry.id] = (cid, found.hit)
                rows.append((found.hit.entry.id, (self.course_names.get(cid, cid),
                                                  found.journal, found.hit.snippet)))
        table = self.query_one("#journal-hits", RecordTable)
        table.show_rows(rows)
        if not rows:
            self._status(_("No journal entry contains »{query}«.").format(
                query=self.search_for))
        else:
            self._status(_("Entries with »{query}«: {n}. Enter opens the journal.").format(
                query=self.search_for, n=len(rows)))

    # -- opening ----------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#journal-hits")
    def _clicked(self, event: DataTable.RowSelected) -> None:
        event.stop()  # a click; enter is the table's own key
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#journal-hits", RecordTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        found = self.hits.get(str(key))
        if found is None:
            return
        course_id, hit = found
        if hit.entry.id.startswith(TRANSFER_PREFIX):
            from tui.screens.journals.transfer import TransferScreen

            self.app.push_screen(TransferScreen(course_id))
            return
        from tui.screens.journals.journal import JournalScreen

        self.app.push_screen(JournalScreen(course_id, hit.entry.journal_id,
                                           entry_id=hit.entry.id))

    def action_close(self) -> None:
        self.dismiss()

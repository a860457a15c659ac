"""Search every course's journals from the command palette, hits shown in context."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.domain.journaling import (
    TRANSFER_PREFIX,
    Hit,
    search,
    searchable,
    searchable_transfer_notes,
)
from tui.i18n import N_, _, ngettext
from tui.store.errors import StoreError
from tui.store.store import Store
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

# Enough to find what one looks for; a word found in thousands of entries wants a
# narrower search, not a longer list.
MAX_HITS = 200
COLUMNS = (Column(N_("Course"), 16), Column(N_("Journal"), 10), Column(N_("Found")))
# The match sits in the middle of its context; short enough to show whole at 80 columns.
SNIPPET_WIDTH = 44


class JournalSearchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="journal_search.close"),
    ]

    def __init__(self, store: Store, query: str) -> None:
        super().__init__(classes="journal-search")
        translate_bindings(self)
        self.store = store
        self.search_for = query
        self.hits: dict[str, tuple[str, Hit]] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Journals may mention children: what you find here stays on this "
                       "screen."), classes="quiet")
        yield Static(_("Searching for »{query}« …").format(query=self.search_for),
                     id="journal-search-status", markup=False)
        yield RecordTable(COLUMNS, id="journal-hits")
        yield Footer()

    def on_mount(self) -> None:
        self._search()

    @work(thread=True, exclusive=True)
    def _search(self) -> None:
        rows: list[tuple[str, tuple[str, str, str]]] = []
        found: dict[str, tuple[str, Hit]] = {}
        try:
            courses = self.store.courses.all()
            for done, course in enumerate(courses, start=1):
                entries = searchable(self.store.journal_entries(course.id).all(),
                                     self.store.journal_goals(course.id).all())
                notes = searchable_transfer_notes(self.store.transfer_notes(course.id).all())
                entries += notes
                hits = search(entries, self.search_for, width=SNIPPET_WIDTH) if entries else []
                if hits:
                    titles = {j.id: j.title or j.group_name
                              for j in self.store.journals(course.id).all()}
                    if notes:  # a transfer note is titled by its participant
                        people = self.store.course_people(course.id)
                        titles |= {n.journal_id: _("{name} (transfer note)").format(
                            name=people[n.journal_id].name if n.journal_id in people
                            else n.journal_id) for n in notes}
                    for hit in hits[: MAX_HITS - len(rows)]:
                        found[hit.entry.id] = (course.id, hit)
                        rows.append((hit.entry.id, (course.name,
                                                    titles.get(hit.entry.journal_id, ""),
                                                    hit.snippet)))
                if done % 50 == 0:
                    self.app.call_from_thread(self._progress, done, len(courses))
                if len(rows) >= MAX_HITS:
                    break
        except StoreError as error:
            self.app.call_from_thread(self._status, str(error))
            return
        self.app.call_from_thread(self._show, rows, found)

    def _progress(self, done: int, total: int) -> None:
        self._status(ngettext("Searching for »{query}« … {done} of {total} course",
                              "Searching for »{query}« … {done} of {total} courses",
                              total).format(
            query=self.search_for, done=done, total=total))

    def _status(self, text: str) -> None:
        self.query_one("#journal-search-status", Static).update(Text(text))

    def _show(self, rows: list[tuple[str, tuple[str, str, str]]],
              found: dict[str, tuple[str, Hit]]) -> None:
        self.hits = found
        table = self.query_one("#journal-hits", RecordTable)
        table.show_rows(rows)
        table.focus()
        if not rows:
            self._status(_("No journal entry contains »{query}«.").format(
                query=self.search_for))
        else:
            self._status(_("Entries with »{query}«: {n}. Enter opens the journal.").format(
                query=self.search_for, n=len(rows)))

    @on(DataTable.RowSelected, "#journal-hits")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        found = self.hits.get(str(event.row_key.value))
        if found is None:
            return
        course_id, hit = found
        if hit.entry.id.startswith(TRANSFER_PREFIX):
            from tui.screens.journals.transfer import TransferScreen

            self.app.push_screen(TransferScreen(self.store, course_id))
            return
        from tui.screens.journals.journal import JournalScreen

        self.app.push_screen(JournalScreen(self.store, course_id, hit.entry.journal_id,
                                           entry_id=hit.entry.id))

"""A course's action-learning journals: the list, and search across everything written.

New journals, edits, deleting and the export are in ``listing_forms``; this module
reads and shows, and follows what others change in the course.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Static

from tui.domain.journaling import (
    Hit,
    goals_lacking_evaluation,
    journal_progress,
    search,
    searchable,
)
from tui.domain.journals import Phase
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.journals.common import CourseJournalScreen
from tui.screens.journals.listing_forms import JournalsForms
from tui.screens.journals.naming import cycle_text, journal_title, owner_label
from tui.screens.journals.reading import EVERYTHING, CourseJournals, Parts
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.type_ahead import FollowsFocus, relayed

JOURNAL_COLUMNS = (
    Column(N_("Title"), clip="middle"),
    # A name's end (the surname, a group's size) tells people apart.
    Column(N_("Kept by"), 20, clip="middle"),
    Column(N_("Progress"), 14),
    Column(N_("Open goals"), 5),
)
HIT_COLUMNS = (
    Column(N_("Which journal"), 16),
    Column(N_("Phase"), 13),
    Column(N_("Found"), min_width=20),
)


class JournalTable(FollowsFocus, RecordTable):
    """Enter opens what the cursor is on, as a binding of the table itself: it then runs
    in its turn after the moves typed before it, and the footer shows it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", N_("Open"), id="journals.open"),
    ]

    def __init__(self, columns: tuple[Column, ...], *, id: str) -> None:
        super().__init__(columns, id=id)
        translate_bindings(self)


class SearchField(FollowsFocus, Input):
    """Enter or down leaves the search for its results; keys typed after them in one
    burst follow the focus there."""

    # What held keys do when they go (``TypeAhead``): one at a time, the key handler
    # below takes these keys before any binding sees them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,down", "screen.leave_search", show=False),
    ]

    def on_key(self, event: events.Key) -> None:
        if relayed(self, event):
            return
        screen = self.screen
        if event.key in ("enter", "down") and isinstance(screen, JournalsScreen):
            event.stop()
            event.prevent_default()
            screen.leave_search()


class JournalsScreen(JournalsForms, CourseJournalScreen):
    AUTO_FOCUS = "#journals-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Escape is what leaves every screen: ? lists it, the footer keeps its room.
        Binding("escape", "close", N_("Back"), id="journals.close", show=False),
        Binding("n", "new", N_("New"), id="journals.new"),
        Binding("e", "edit", N_("Edit"), id="journals.edit"),
        # Priority: the focus moves the moment the key is read, so that the letters
        # typed right after it (one packet over SSH) land in the search field.
        Binding("slash", "search", N_("Search"), id="journals.search", priority=True),
        Binding("t", "transfer", N_("Transfer"), id="journals.transfer"),
        Binding("r", "ratings", N_("Ratings"), id="journals.ratings"),
        # Rarer, and listed by ?: the footer keeps 80 columns for the keys above.
        Binding("x", "export", N_("Export"), id="journals.export", show=False),
        Binding("delete", "delete", N_("Delete"), id="journals.delete", show=False),
    ]

    def __init__(self, course_id: str) -> None:
        super().__init__(course_id, classes="journals-screen")
        translate_bindings(self)
        self.data = CourseJournals(course_id)
        self.hits: list[Hit] = []
        self._searched_for: str | None = None
        # The journal to put the cursor on once the list has it (one just added).
        self.focus_journal: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        # Journals may mention children; this line stays in view while anyone writes.
        yield Static(_("Write about practice, not recognisable children. Exports are "
                       "private files."),
                     id="journals-privacy")
        yield SearchField(id="journals-search",
                          placeholder=_("Search all the journals' text (press /)"))
        yield JournalTable(JOURNAL_COLUMNS, id="journals-table")
        yield Static("", id="journals-empty", classes="quiet")
        yield JournalTable(HIT_COLUMNS, id="hits-table")
        yield Static("", id="hit-context")
        yield KeyFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        self._show_search(False)
        self.typeahead.focus(self.query_one("#journals-table"))
        store, data = self.store, self.data
        fresh = await self.first_read(lambda: data.read(store, EVERYTHING))
        if fresh is not None:
            self._shown(fresh)

    # -- reading ----------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self.reread(self.parts(changes))

    def reread(self, parts: Parts) -> None:
        self.read_again(parts, self.data, self._shown)

    def _shown(self, data: CourseJournals) -> None:
        self.data = data
        self.show_course(data.course)
        self._fill()
        if self._query():
            self._run_search()

    def _fill(self) -> None:
        data = self.data
        rows = []
        for journal in sorted(data.journals,
                              key=lambda j: journal_title(j, data.names).casefold()):
            progress = journal_progress(journal.id, data.entries, data.goals).current
            open_goals = sum(len(g) for g in
                             goals_lacking_evaluation(data.goals, journal.id).values())
            # Cells are read as markup: people's text is escaped, so "[" stays "[".
            rows.append((journal.id, (
                escape(journal_title(journal, data.names)),
                escape(owner_label(journal, data.names)),
                f"{len(progress.phases)}/{len(Phase)} · {cycle_text(progress.cycle)}",
                open_goals)))
        table = self.query_one("#journals-table", RecordTable)
        table.show_rows(rows)
        focus, self.focus_journal = self.focus_journal, None
        if focus is not None and focus in [key for key, _row in rows]:
            table.move_cursor(row=table.get_row_index(focus), animate=False)
        empty = self.query_one("#journals-empty", Static)
        empty.display = not rows and not self._query()
        empty.update(_("No journals in this course yet. Press {key} to start one.").format(
            key=key_for(self, "journals.new")))

    def journal_id(self) -> str | None:
        table = self.query_one("#journals-table", RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    # -- search -----------------------------------------------------------------------------

    def _query(self) -> str:
        return self.query_one("#journals-search", Input).value.strip()

    def action_search(self) -> None:
        # At once, not on the next idle as focus() would: the letters after the slash
        # must land in the field. Typed before the list is read, it waits its turn.
        if not self.typeahead.keep("slash", "/"):
            self.set_focus(self.query_one("#journals-search", Input))

    @on(Input.Changed, "#journals-search")
    def _search_changed(self, _event: Input.Changed) -> None:
        self._run_search()

    def action_leave_search(self) -> None:
        self.leave_search()

    def leave_search(self) -> None:
        # The field's change messages may still be queued behind the keys: the results
        # are brought up to what was typed before the focus moves to them.
        if self._searched_for != self._query():
            self._run_search()
        target = "#hits-table" if self._query() else "#journals-table"
        self.set_focus(self.query_one(target, RecordTable))

    def _run_search(self) -> None:
        query = self._query()
        self._searched_for = query
        self._show_search(bool(query))
        if not query:
            self.hits = []
            return
        data = self.data
        by_id = {j.id: j for j in data.journals}
        entries = sorted(
            (e for e in searchable(data.entries, data.goals) if e.journal_id in by_id),
            key=lambda e: (journal_title(by_id[e.journal_id], data.names).casefold(),
                           e.cycle, int(e.phase), e.date or dt.date.min, e.id))
        width = max(20, self.size.width - 40)
        self.hits = search(entries, query, width=max(width * 3, 60))
        narrow = {h.entry.id: h for h in search(entries, query, width=width)}
        rows = []
        for hit in self.hits:
            entry = hit.entry
            phase = Phase(entry.phase)
            rows.append((entry.id, (
                escape(journal_title(by_id[entry.journal_id], data.names)),
                f"{int(phase)} {phase.label}" + (f" ({entry.cycle})" if entry.cycle > 1
                                                   else ""),
                escape(narrow[entry.id].snippet))))
        self.query_one("#hits-table", RecordTable).show_rows(rows)
        self._show_context()

    def _show_search(self, searching: bool) -> None:
        if self.query_one("#hits-table").display != searching:
            self.refresh_bindings()  # edit and delete are for journals, not hits
        self.query_one("#journals-table").display = not searching
        self.query_one("#hits-table").display = searching
        self.query_one("#hit-context").display = searching
        if searching:
            self.query_one("#journals-empty").display = False

    @on(DataTable.RowHighlighted, "#hits-table")
    def _hit_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_context()

    def _current_hit(self) -> Hit | None:
        table = self.query_one("#hits-table", RecordTable)
        if not self.hits:
            return None
        if not table.row_count:
            # Shown only a moment ago and not yet laid out (keys typed ahead): its
            # cursor will start on the first hit.
            return self.hits[0]
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((h for h in self.hits if h.entry.id == key), None)

    def _show_context(self) -> None:
        context = self.query_one("#hit-context", Static)
        hit = self._current_hit()
        if hit is None:
            context.update(Text(_("Nothing found. Spelling with or without æ, ø and å "
                                  "finds the same."), style="italic")
                           if self._query() else "")
            return
        count = len(self.hits)
        text = Text()
        text.append(ngettext("{n} entry found", "{n} entries found", count).format(n=count)
                    + "\n", style="bold")
        offset = len(text.plain)
        text.append(hit.snippet)
        # Reverse and bold: the word is found without colour too.
        text.stylize("bold reverse", offset + hit.start, offset + hit.end)
        more = hit.count - 1
        if more:
            text.append("  " + _("(+{n} more in this entry)").format(n=more), style="italic")
        context.update(text)

    # -- opening ----------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        # A click; enter is the tables' own binding, which opens at once.
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from tui.screens.journals.journal import JournalScreen

        if self.focused is self.query_one("#hits-table"):
            hit = self._current_hit()
            if hit is not None:
                self.app.push_screen(JournalScreen(self.course_id, hit.entry.journal_id,
                                                   entry_id=hit.entry.id))
            return
        journal_id = self.journal_id()
        if journal_id is not None:
            self.app.push_screen(JournalScreen(self.course_id, journal_id))

    def action_close(self) -> None:
        search = self.query_one("#journals-search", Input)
        if search.value:
            search.value = ""
            self._run_search()
            self.set_focus(self.query_one("#journals-table", RecordTable))
            return
        if search.has_focus:
            self.set_focus(self.query_one("#journals-table", RecordTable))
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action in ("edit", "delete") and self.is_mounted:
            # Only on a journal of the list, not on a search hit.
            return None if self._query() or self.journal_id() is None else True
        return True

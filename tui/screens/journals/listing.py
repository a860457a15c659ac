"""A course's action-learning journals: the list, new journals (a participant's or a PLF
group's), search across everything written, and a private Markdown export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.courses import EnrolmentStatus
from tui.domain.journaling import (
    Hit,
    goals_lacking_evaluation,
    journal_progress,
    search,
    searchable,
)
from tui.domain.journals import Journal, JournalEntry, JournalGoal, Phase
from tui.domain.parse import Parsed
from tui.i18n import N_, _, msg, ngettext
from tui.screens.journals.journal import JournalScreen, cycle_text, journal_title, owner_label
from tui.store.errors import StoreError
from tui.store.exports import journals_markdown
from tui.store.outputs import write_private
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

JOURNAL_COLUMNS = (
    Column(N_("Title"), clip="middle"),
    Column(N_("Kept by"), 20),
    Column(N_("Progress"), 14),
    Column(N_("Open goals"), 5),
)
HIT_COLUMNS = (
    Column(N_("Which journal"), 16),
    Column(N_("Phase"), 13),
    Column(N_("Found"), min_width=20),
)
# Who writes journals and rates goals: not the waitlisted or those who left.
ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def participants(store: Store, course_id: str) -> list[tuple[str, str]]:
    """(person id, name) of the course's active participants, by name."""
    names = {pid: p.name for pid, p in store.course_people(course_id).items()}
    enrolled = {e.person_id for e in store.enrolments(course_id).all() if e.status in ACTIVE}
    return sorted(((pid, names.get(pid, pid)) for pid in enrolled),
                  key=lambda pair: pair[1].casefold())


@dataclass(frozen=True, slots=True)
class _CourseJournals:
    journals: list[Journal]
    entries: list[JournalEntry]
    goals: list[JournalGoal]
    names: dict[str, str]


# --- choosing the members of a group -------------------------------------------------------


class MembersScreen(ModalScreen[list[str] | None]):
    """A checklist of participants; space or enter ticks, ctrl+s keeps the choice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="members.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="members.cancel"),
        Binding("space", "toggle", N_("Tick"), id="members.toggle", key_display="␣"),
    ]

    def __init__(self, title: str, people: Sequence[tuple[str, str]],
                 chosen: Sequence[str] = ()) -> None:
        super().__init__(classes="form")
        translate_bindings(self)
        self.title_text = title
        self.people = list(people)
        self.chosen = [pid for pid, _name in self.people if pid in set(chosen)]
        self._start = list(self.chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="members-box"):
            yield Static(Text(self.title_text), id="form-title")
            yield OptionList(*[Option(self._prompt(pid, name), id=pid)
                               for pid, name in self.people], id="members-list")
            yield Static("", id="members-error", classes="form-error")
            yield Static(_("space or enter ticks, ctrl+s saves, escape cancels"),
                         id="form-hint")
        yield Footer()

    def _prompt(self, pid: str, name: str) -> Text:
        # Brackets, not colour, say who is ticked (Text: not read as markup).
        return Text(f"[{'x' if pid in self.chosen else ' '}] {name}")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_toggle(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        pid, name = self.people[options.highlighted]
        if pid in self.chosen:
            self.chosen.remove(pid)
        else:
            self.chosen.append(pid)
        options.replace_option_prompt_at_index(options.highlighted, self._prompt(pid, name))
        self.query_one("#members-error", Static).update("")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle()

    def action_save(self) -> None:
        if not self.chosen:
            self.query_one("#members-error", Static).update(
                _("Tick at least one member of the group."))
            return
        order = [pid for pid, _name in self.people]
        self.dismiss(sorted(self.chosen, key=order.index))

    def action_cancel(self) -> None:
        if sorted(self.chosen) == sorted(self._start):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Throw away what you typed in this form?"),
                                           yes=_("Throw away"), no=_("Keep editing"),
                                           danger=True), answered)


# --- the list ------------------------------------------------------------------------------


class JournalsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="journals.close"),
        # Priority, so that the footer shows it over the table's own (hidden) enter.
        Binding("enter", "open", N_("Open"), id="journals.open", priority=True),
        Binding("n", "new", N_("New"), id="journals.new"),
        Binding("e", "edit", N_("Edit"), id="journals.edit"),
        Binding("slash", "search", N_("Search"), id="journals.search"),
        Binding("x", "export", N_("Export"), id="journals.export"),
        Binding("t", "transfer", N_("Transfer"), id="journals.transfer"),
        Binding("r", "ratings", N_("Ratings"), id="journals.ratings"),
        Binding("delete", "delete", N_("Delete"), id="journals.delete"),
    ]

    def __init__(self, store: Store, course_id: str) -> None:
        super().__init__(classes="journals-screen")
        translate_bindings(self)
        self.store = store
        self.course_id = course_id
        self.data = _CourseJournals([], [], [], {})
        self.hits: list[Hit] = []
        self._seen: object = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        # Journals may mention children; this line stays in view while anyone writes.
        yield Static(_("Write about practice, not recognisable children. Exports are "
                       "private files."),
                     id="journals-privacy")
        search = Input(id="journals-search",
                       placeholder=_("Search all the journals' text (press /)"))
        yield search
        yield RecordTable(JOURNAL_COLUMNS, id="journals-table")
        yield Static("", id="journals-empty", classes="quiet")
        yield RecordTable(HIT_COLUMNS, id="hits-table")
        yield Static("", id="hit-context")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._reload()
        self._show_search(False)
        self.query_one("#journals-table", RecordTable).focus()
        self.set_interval(getattr(self.app, "poll_interval", 2.0), self._poll)

    def on_screen_resume(self) -> None:
        self._reload()

    # -- reading ----------------------------------------------------------------------------

    def _reload(self) -> None:
        cid = self.course_id
        try:
            self._seen = self.store.revision(cid)
            course = self.store.courses.find(cid)
            self.data = _CourseJournals(
                self.store.journals(cid).all(), self.store.journal_entries(cid).all(),
                self.store.journal_goals(cid).all(),
                {pid: p.name for pid, p in self.store.course_people(cid).items()})
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self.sub_title = course.name if course else cid
        self._fill()
        self._run_search()

    def _poll(self) -> None:
        if self.app.screen is self and self.store.revision(self.course_id) != self._seen:
            self._reload()

    def _fill(self, focus: str | None = None) -> None:
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
        if focus is not None and focus in [key for key, _row in rows]:
            table.move_cursor(row=table.get_row_index(focus), animate=False)
        empty = self.query_one("#journals-empty", Static)
        empty.display = not rows and not self._query()
        empty.update(_("No journals in this course yet. Press {key} to start one.").format(
            key=self._key_for("journals.new")))

    def _key_for(self, binding_id: str) -> str:
        for key, bindings in self._bindings.key_to_bindings.items():
            if any(b.id == binding_id for b in bindings):
                return self.app.get_key_display(Binding(key, "")) if self.is_attached else key
        return ""

    def _journal_id(self) -> str | None:
        table = self.query_one("#journals-table", RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _journal(self, journal_id: str | None) -> Journal | None:
        return next((j for j in self.data.journals if j.id == journal_id), None)

    # -- search -----------------------------------------------------------------------------

    def _query(self) -> str:
        return self.query_one("#journals-search", Input).value.strip()

    def action_search(self) -> None:
        self.query_one("#journals-search", Input).focus()

    @on(Input.Changed, "#journals-search")
    def _search_changed(self, _event: Input.Changed) -> None:
        self._run_search()

    def _leave_search(self) -> None:
        target = "#hits-table" if self._query() else "#journals-table"
        self.query_one(target, RecordTable).focus()

    def _run_search(self) -> None:
        query = self._query()
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
        if not table.row_count or not self.hits:
            return None
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
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        if self._query() and self.query_one("#hits-table").has_focus:
            hit = self._current_hit()
            if hit is not None:
                self.app.push_screen(JournalScreen(self.store, self.course_id,
                                                   hit.entry.journal_id,
                                                   entry_id=hit.entry.id))
            return
        if self.query_one("#journals-search").has_focus:
            self._leave_search()
            return
        journal_id = self._journal_id()
        if journal_id is not None:
            self.app.push_screen(JournalScreen(self.store, self.course_id, journal_id))

    def action_close(self) -> None:
        search = self.query_one("#journals-search", Input)
        if search.value:
            search.value = ""
            self.query_one("#journals-table", RecordTable).focus()
            return
        if search.has_focus:
            self.query_one("#journals-table", RecordTable).focus()
            return
        self.app.pop_screen()

    # -- new, edit, delete ------------------------------------------------------------------

    @work(group="journals-form")
    async def action_new(self) -> None:
        people = participants(self.store, self.course_id)
        if not people:
            self.notify(_("Nobody is enrolled in this course yet, so nobody can keep a "
                          "journal."), severity="warning", markup=False)
            return
        kinds = [(_("One participant"), "person"), (_("A PLF group"), "group")]

        def check(values: dict[str, Any]) -> list[tuple[str, Any]]:
            if values["kind"] == "person" and not values["person"]:
                return [("person", msg("Choose the participant who keeps the journal."))]
            if values["kind"] == "group" and not values["group"]:
                return [("group", msg("Give the group a name."))]
            return []

        values = await self.app.push_screen_wait(FormScreen(_("New journal"), [
            Field("kind", _("Kept by"), choices=kinds, value="person", required=True),
            Field("person", _("Participant (for one participant)"), choices=people_choices(
                people)),
            Field("group", _("Group name (for a PLF group; the members come next)"),
                  placeholder=_("e.g. PLF Blue Room")),
            Field("title", _("Title: what the journal is about"),
                  placeholder=_("e.g. Quiet children at lunch")),
        ], check=check))
        if values is None:
            return
        journal = Journal(course_id=self.course_id, title=values["title"] or "")
        if values["kind"] == "person":
            journal.person_id = values["person"]
        else:
            members = await self.app.push_screen_wait(MembersScreen(
                _("Members of {group}").format(group=values["group"]), people))
            if members is None:
                return
            journal.group_name, journal.member_ids = values["group"], members
        try:
            saved = self.store.journals(self.course_id).add(journal)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self._reload()
        self._fill(focus=saved.id)
        self.app.push_screen(JournalScreen(self.store, self.course_id, saved.id))

    @work(group="journals-form")
    async def action_edit(self) -> None:
        journal = self._journal(self._journal_id())
        if journal is None or self._query():
            return
        fields = [Field("title", _("Title: what the journal is about"), value=journal.title)]
        if not journal.person_id:
            fields.append(Field("group", _("Group name"), value=journal.group_name,
                                required=True, parse=_parse_group))
        values = await self.app.push_screen_wait(FormScreen(_("Edit the journal"), fields))
        if values is None:
            return
        journal.title = values["title"] or ""
        if not journal.person_id:
            journal.group_name = values["group"]
            members = await self.app.push_screen_wait(MembersScreen(
                _("Members of {group}").format(group=journal.group_name),
                participants(self.store, self.course_id), journal.member_ids))
            if members is None:
                return
            journal.member_ids = members
        try:
            self.store.journals(self.course_id).save(journal,
                                                     expected_version=journal.version)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
        self._reload()

    @work(group="journals-form")
    async def action_delete(self) -> None:
        journal = self._journal(self._journal_id())
        if journal is None or self._query():
            return
        data = self.data
        entries = sum(1 for e in data.entries if e.journal_id == journal.id)
        goals = sum(1 for g in data.goals if g.journal_id == journal.id)
        question = _("Delete the journal “{title}” with its {entries} entries and {goals} "
                     "goals? It cannot be undone.").format(
            title=escape(journal_title(journal, data.names)), entries=entries, goals=goals)
        if not await self.app.push_screen_wait(
                ConfirmScreen(question, yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        cid = self.course_id
        try:
            with self.store.transaction():
                for table in (self.store.journal_entries(cid), self.store.journal_goals(cid)):
                    table.delete_where(lambda d: d.get("journal_id") == journal.id)
                self.store.journals(cid).delete(journal.id)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
        self._reload()

    # -- export and the other forms ---------------------------------------------------------

    @work(group="journals-form")
    async def action_export(self) -> None:
        default = "~/" + _("kuffert-journals-{course}.md").format(course=self.course_id)
        values = await self.app.push_screen_wait(FormScreen(_("Export the journals"), [
            Field("path", _("File (Markdown; only you can read it)"), _parse_path,
                  value=default, required=True),
        ]))
        if values is not None:
            self._export(values["path"])

    @work(thread=True, group="journals-export", exclusive=True)
    def _export(self, path: Path) -> None:
        try:
            text, count = journals_markdown(self.store, course_id=self.course_id)
            write_private(path, text.encode("utf-8"), database=self.store.db.layout)
        except (StoreError, OSError) as error:
            reason = str(error) if isinstance(error, StoreError) else (
                f"{error.strerror or error}: {error.filename or path}")
            self.app.call_from_thread(self.notify, reason,
                                      title=_("The journals were not exported"),
                                      severity="error", timeout=15, markup=False)
            return
        self.app.call_from_thread(
            self.notify, _("{n} journals written to {path} (readable only by you).").format(
                n=count, path=path), title=_("Export"), timeout=12, markup=False)

    def action_transfer(self) -> None:
        from tui.screens.journals.transfer import TransferScreen

        self.app.push_screen(TransferScreen(self.store, self.course_id))

    def action_ratings(self) -> None:
        from tui.screens.journals.ratings import RatingsScreen

        self.app.push_screen(RatingsScreen(self.store, self.course_id))


def people_choices(people: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(escape(name), pid) for pid, name in people]


def _parse_group(text: str) -> Parsed[str]:
    name = " ".join(text.split())
    if not name:
        return Parsed(error=msg("Give the group a name."))
    return Parsed(value=name)


def _parse_path(text: str) -> Parsed[Path]:
    text = text.strip()
    if not text:
        return Parsed(error=msg("Enter the file to write, for example {example}.",
                                example="~/journaler.md"))
    path = Path(text).expanduser()
    if path.is_dir():
        return Parsed(error=msg("{path} is a folder; add a file name.", path=text))
    if not path.parent.is_dir():
        return Parsed(error=msg("The folder {folder} does not exist.",
                                folder=str(path.parent)))
    return Parsed(value=path)

"""The register of people: search as you type over tens of thousands, add, edit, erase.

A national programme registers some 50,000 people. The screen reads them once, in a
worker, into a register of rows with a lowercase search text each (``tui.views.registry``);
every keystroke then filters in memory and the table draws only the lines in sight.
After an edit only the changed person's row is made again, and after someone else's
change only the people whose version changed are read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Input, Static

from tui.domain.people import Person
from tui.domain.text import printable
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import TypeAheadScreen, error_text
from tui.screens.registry.people_table import PeopleTable
from tui.screens.registry.person_form import edit_person_form, new_person_form
from tui.store.errors import OutOfMemory
from tui.store.store import Erasure
from tui.views.registry import (
    PersonRow,
    Register,
    Surroundings,
    format_count,
    read_register,
    read_surroundings,
)
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.ordered_fields import SearchField
from tui.widgets.record_table import Column

COLUMNS = (
    Column(N_("Name"), min_width=14, clip="middle"), Column(N_("Role"), 11),
    Column(N_("Qualification"), 12),
    # Cut in the middle: a namesake's municipality, at the end, must stay in sight.
    Column(N_("Institution"), 16, clip="middle"), Column(N_("Place"), 12, clip="middle"),
)


class PeopleScreen(TypeAheadScreen[None]):
    # The list, not the search field, has the focus at first: letters are keys there.
    AUTO_FOCUS = "#people-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # All priority: a key bubbles up to a screen's own bindings only after the app
        # has read the keys behind it, so in a burst ("e", tab, "Nuuk") the tab would run
        # first. A priority letter still goes to the search field when it has the focus
        # (a field that takes a key hides the bindings behind it).
        Binding("slash", "search", N_("Search"), id="people.search", priority=True),
        Binding("n", "new", N_("New"), id="people.new", priority=True),
        Binding("e", "edit", N_("Edit"), id="people.edit", priority=True),
        Binding("delete", "erase", N_("Erase"), id="people.erase", priority=True),
        Binding("i", "import", N_("Import"), id="people.import", priority=True),
        Binding("enter", "enter", show=False, priority=True, id="people.open"),
        Binding("escape", "leave_search", show=False, priority=True,
                id="people.leave_search"),
        Binding("down", "leave_search", show=False, id="people.to_list", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="people")
        translate_bindings(self)
        self.register: Register | None = None
        self.shown: list[PersonRow] = []
        self._filtered_for: str | None = None
        self._count_shown = ""
        # The register changed here while a read of others' changes was under way:
        # that read's result lacks it, so another follows.
        self._reading = False
        self._changed_while_reading = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Down leaves the search field; in the list it is the list's own move. In the
        # field, delete deletes a letter (a priority key would pass it by).
        if action == "leave_search":
            return isinstance(self.focused, Input)
        if action == "erase":
            return not isinstance(self.focused, Input)
        return True

    def watched(self) -> frozenset[str]:
        # Institutions and places are in the main file.
        return frozenset({live.PEOPLE, live.MAIN})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        # One line, no border: every key typed repaints the field, over a slow link too.
        # Its own editing keys in order with the letters (a backspace typed ahead).
        yield SearchField(self._typed, placeholder=_("Search by name, institution or place"),
                          id="people-search", compact=True)
        yield Static(_("Reading the register …"), id="people-count", classes="quiet")
        yield PeopleTable(COLUMNS, id="people-table")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("People")
        self._load()

    # -- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        store = self.store
        self.mark_read()
        self._reading = True
        self.run_store(lambda: _in_memory(lambda: read_register(store)), self._loaded,
                       failed=self._problem, group="people-load")

    def data_changed(self, changes: live.Changes) -> None:
        register = self.register
        if register is None:
            self._load()
            return
        store = self.store
        self.mark_read(*changes.sources)
        main = live.MAIN in changes
        known = dict(register.by_id)
        self._reading = True
        self._changed_while_reading = False

        def read() -> Register:
            around = read_surroundings(store) if main else None
            if live.PEOPLE not in changes and around is not None and (
                    around.places == register.places
                    and around.institutions == register.institutions):
                return register  # a course or a programme changed: nothing shown here
            return register.refreshed(store, around, known)

        self.run_store(lambda: _in_memory(read), self._loaded, failed=self._problem,
                       group="people-load")

    def _loaded(self, register: Register) -> None:
        self._reading = False
        changed_meanwhile, self._changed_while_reading = self._changed_while_reading, False
        if register is not self.register:
            self.register = register
            self._filter(keep_line=True)
        elif self._filtered_for is None:
            self._filter()
        if changed_meanwhile:
            self.data_changed(live.Changes(frozenset({live.PEOPLE})))

    def _problem(self, text: str) -> None:
        self._reading = False
        if text == error_text(MemoryError()):
            self._count(_("The register does not fit in the memory left. Nothing saved was "
                          "lost; close other programs and open People again."))
        else:
            self._count(_("Kuffert cannot read the database.") + " " + text)

    # -- searching -------------------------------------------------------------------------

    # The search field calls this as its value changes (see SearchField).
    def _typed(self) -> None:
        self._filter()

    def _filter(self, cursor: str | None = None, *, keep_line: bool = False) -> None:
        register = self.register
        if register is None:
            return
        query = self.query_one("#people-search", Input).value
        self._filtered_for = query
        self.shown = register.search(query)
        self.query_one(PeopleTable).show(self.shown, cursor=cursor, keep_line=keep_line)
        self._count(self._count_text(query, register))

    def _count(self, text: str) -> None:
        # Only a real change is sent: an update repaints the line even when unchanged.
        if text != self._count_shown:
            self._count_shown = text
            self.query_one("#people-count", Static).update(text, layout=False)

    def _count_text(self, query: str, register: Register) -> str:
        total, matched = len(register.rows), len(self.shown)
        if not total:
            return _("Nobody is registered yet. Add a person with {new} or import a "
                     "staff list with {imp}.").format(new=key_for(self, "people.new"),
                                                       imp=key_for(self, "people.import"))
        if query.strip():
            return ngettext("{matched} of {total} person match.",
                            "{matched} of {total} people match.", total).format(
                matched=format_count(matched), total=format_count(total))
        return ngettext("{total} person.", "{total} people.", total).format(
            total=format_count(total))

    def _current_id(self) -> str | None:
        # Keys typed in one burst ("nuuk", enter, "e") can reach this before the search
        # field's change message; the row under the cursor must be one of the matches.
        if self._filtered_for != self.query_one("#people-search", Input).value:
            self._filter()
        return self.query_one(PeopleTable).cursor_key

    # Focus moves at once, not on the next idle (as widget.focus() does): over a slow
    # link "/nuuk" arrives in one packet, and the "n" must land in the search field.
    def action_search(self) -> None:
        self.set_focus(self.query_one("#people-search", Input))

    def action_leave_search(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(PeopleTable))

    def action_enter(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(PeopleTable))
        else:
            self.action_edit()

    @on(PeopleTable.Selected)
    def _clicked(self) -> None:
        self.action_edit()

    # -- adding and editing ----------------------------------------------------------------

    def _surroundings(self) -> Surroundings | None:
        register = self.register
        return None if register is None else Surroundings(register.places,
                                                          register.institutions)

    def action_new(self) -> None:
        around = self._surroundings()
        if around is None:
            return
        form = new_person_form(self.store, around)

        def saved(values: object) -> None:
            if values is not None and isinstance(form.saved, Person):
                self._show_saved(form.saved, _("Added {name}."))

        self.open_when_read(lambda: None, lambda _nothing: form, saved)

    def _after_typing(self, step: Callable[[], None]) -> None:
        """Run ``step`` on the record under the cursor once the search field has taken
        the keys typed before this one; the keys after it wait (``hold_keys``)."""
        self.after_typing(step, self.query_one("#people-search", Input),
                          self.query_one(PeopleTable))

    def action_edit(self) -> None:
        self._after_typing(self._edit_current)

    def _edit_current(self) -> None:
        pid = self._current_id()
        around = self._surroundings()
        if pid is None or around is None:
            self.let_keys_go()
            return
        store = self.store
        forms: list[FormScreen] = []

        def form_for(person: Person) -> FormScreen:
            forms.append(edit_person_form(store, person, around))
            return forms[0]

        def saved(values: object) -> None:
            if values is not None and forms and isinstance(forms[0].saved, Person):
                self._show_saved(forms[0].saved, _("Saved {name}."))

        self.open_read(lambda: store.people.get(pid), form_for, saved)

    def _show_saved(self, person: Person, text: str) -> None:
        register = self.register
        if register is None:
            return
        register.upsert(person)
        if self._reading:
            self._changed_while_reading = True
        else:
            self.absorb(live.PEOPLE)
        search = self.query_one("#people-search", Input)
        if person.id not in {r.id for r in register.search(search.value)}:
            # Keep the person in sight: a search they do not match would hide them.
            with self.prevent(Input.Changed):
                search.value = ""
        self._filter(cursor=person.id)
        self.set_focus(self.query_one(PeopleTable))
        self.notify(text.format(name=printable(person.name)))

    # -- erasing ---------------------------------------------------------------------------

    def action_erase(self) -> None:
        self._after_typing(self._erase_current)

    def _erase_current(self) -> None:
        pid = self._current_id()
        register = self.register
        if pid is None or register is None or pid not in register.by_id:
            self.let_keys_go()
            return
        name = register.by_id[pid].cells[0]
        store = self.store

        def question(retention: str) -> ConfirmScreen:
            asked = _("Delete {name} and everything recorded about them: enrolments, "
                      "attendance and journals?").format(name=name)
            return ConfirmScreen(f"{asked}\n\n{retention}", yes=_("Erase"), no=_("Keep"),
                                 danger=True)

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify(_("Erasing {name} …").format(name=name))
                self._erase(pid, name)

        from tui.store.restoring import backup_retention

        self.open_read(lambda: backup_retention(store, pid), question, answered)

    def _erase(self, pid: str, name: str) -> None:
        store = self.store
        self.run_store(lambda: store.erase_person(pid),
                       lambda erasure: self._erased(pid, name, erasure),
                       group="people-write", exclusive=False)

    def _erased(self, pid: str, name: str, erasure: Erasure) -> None:
        if self.register is not None:
            self.register.remove(pid)
            if self._reading:
                self._changed_while_reading = True
            else:
                # The erasure also wrote the main file (its note of who was erased) and
                # the courses' files; this screen shows neither.
                self.absorb(live.PEOPLE, live.MAIN)
            self._filter()
        self.notify(
            _("Erased {name}: {enrolments} enrolments, {attendance} attendance marks, "
              "{journals} journals with {entries} entries, and {other} other records.").format(
                name=name, enrolments=erasure.enrolments, attendance=erasure.attendance,
                journals=erasure.journals, entries=erasure.journal_entries,
                other=erasure.other),
            title=_("Erased"), timeout=10)

    # -- importing -------------------------------------------------------------------------

    def action_import(self) -> None:
        from tui.screens.registry.people_import import ImportScreen

        # What an import adds is read when the list is back in front, like anyone's.
        self.open_when_read(lambda: None, lambda _nothing: ImportScreen())


def _in_memory(read: Callable[[], Register]) -> Register:
    """``read``, with memory running out in the store told as this screen tells it (the
    register, not a file, is what does not fit)."""
    try:
        return read()
    except OutOfMemory:
        raise MemoryError from None

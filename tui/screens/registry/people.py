"""The register of people: search as you type over tens of thousands, add, edit, erase.

A national programme registers some 50,000 people. The screen reads them once, in a
worker, and builds a lowercase search text per person; every keystroke then filters in
memory and shows at most ``ROW_LIMIT`` rows, since a table of 50,000 rows would take
longer to build than the user takes to type the next letter. After an edit only the
changed person's row is rebuilt, not the whole register.
"""

from __future__ import annotations

import bisect
import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from tui.domain.parse import parse_email, parse_name, parse_phone
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, Place, distinct_names
from tui.domain.rules import validate_person
from tui.domain.text import printable
from tui.i18n import N_, Message, _, language, ngettext
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.store.errors import StoreError
from tui.store.store import Erasure
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Editing, Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host

# Enough to scroll through a town's staff; more only slows the table down.
ROW_LIMIT = 500

COLUMNS = (
    Column(N_("Name"), min_width=14), Column(N_("Role"), 11), Column(N_("Qualification"), 12),
    # Cut in the middle: a namesake's municipality, at the end, must stay in sight.
    Column(N_("Institution"), 16), Column(N_("Place"), 12, clip="middle"),
)

# æ, ø and å come after z in Danish; these stand-ins sort after every ASCII letter.
_DANISH_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"})


def sort_key(name: str) -> str:
    return fold(name).translate(_DANISH_ORDER)


def fold(text: str) -> str:
    """What search compares: NFC (a pasted decomposed "å" is one letter), no case."""
    return unicodedata.normalize("NFC", text).casefold()


def format_count(n: int) -> str:
    """12.345 in Danish, 12,345 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "da" else text


def error_text(error: StoreError | OSError) -> str:
    if isinstance(error, StoreError):
        return str(error)
    return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")


def place_label(place: Place, places: Mapping[str, Place]) -> str:
    """A town's name with its municipality, so two places of one name are told apart."""
    municipality = places.get(place.municipality_id or "")
    return f"{place.name} ({municipality.name})" if municipality else place.name


def place_choices(places: Mapping[str, Place]) -> list[tuple[str, str]]:
    labelled = [(place_label(p, places), p.id) for p in places.values()]
    return sorted(labelled, key=lambda choice: sort_key(choice[0]))


def institution_choices(institutions: Iterable[Institution],
                        places: Mapping[str, Place]) -> list[tuple[str, str]]:
    labelled = []
    names = distinct_names(places.values())
    for institution in institutions:
        place = names.get(institution.place_id or "")
        label = f"{institution.name} ({place})" if place else institution.name
        labelled.append((label, institution.id))
    return sorted(labelled, key=lambda choice: sort_key(choice[0]))


def enum_choices(members: Iterable[Role | Qualification]) -> list[tuple[str, Any]]:
    return [(member.label, member) for member in members]


# -- the register in memory ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: str
    order: str
    cells: tuple[str, str, str, str, str]
    haystack: str


class Register:
    """Every person as a table row and a search text, sorted by name. No Textual here:
    it is built in a worker thread and searched on every keystroke."""

    def __init__(self, institutions: Mapping[str, Institution],
                 places: Mapping[str, Place]) -> None:
        self.institutions = dict(institutions)
        self.places = dict(places)
        self.place_names = distinct_names(self.places.values())
        self.rows: list[PersonRow] = []
        self.by_id: dict[str, PersonRow] = {}

    @classmethod
    def build(cls, people: Iterable[Person], institutions: Mapping[str, Institution],
              places: Mapping[str, Place]) -> Register:
        register = cls(institutions, places)
        rows = [register.row(p) for p in people]
        rows.sort(key=lambda r: r.order)
        register.rows = rows
        register.by_id = {r.id: r for r in rows}
        return register

    def row(self, person: Person) -> PersonRow:
        institution = self.institutions.get(person.institution_id or "")
        place = self.places.get(person.place_id or "")
        institution_name = institution.name if institution else ""
        place_name = self.place_names.get(place.id, "") if place else ""
        # A person without a place of their own is found by their institution's town.
        if place is None and institution is not None:
            place_name = self.place_names.get(institution.place_id or "", "")
        haystack = "\n".join(fold(t) for t in (person.name, institution_name, place_name))
        cells = (person.name, person.role.label, person.qualification.label,
                 institution_name, place_name)
        return PersonRow(person.id, sort_key(person.name) + "\0" + person.id, cells, haystack)

    def upsert(self, person: Person) -> None:
        self.remove(person.id)
        row = self.row(person)
        bisect.insort(self.rows, row, key=lambda r: r.order)
        self.by_id[row.id] = row

    def remove(self, person_id: str) -> None:
        row = self.by_id.pop(person_id, None)
        if row is not None:
            at = bisect.bisect_left(self.rows, row.order, key=lambda r: r.order)
            if at < len(self.rows) and self.rows[at].id == person_id:
                del self.rows[at]
            else:  # not where the order says: someone changed the name under us
                self.rows = [r for r in self.rows if r.id != person_id]

    def search(self, query: str) -> list[PersonRow]:
        """Rows containing every word of ``query`` in the name, institution or place."""
        words = fold(query).split()
        if not words:
            return self.rows
        return [r for r in self.rows if all(w in r.haystack for w in words)]


# -- the screen ----------------------------------------------------------------------------


class PeopleScreen(KuffertScreen[None]):
    # The list, not the search field, has the focus at first: letters are keys there.
    AUTO_FOCUS = "#people-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="people.search", priority=True),
        Binding("n", "new", N_("New"), id="people.new"),
        Binding("e", "edit", N_("Edit"), id="people.edit"),
        Binding("delete", "erase", N_("Erase"), id="people.erase"),
        Binding("i", "import", N_("Import"), id="people.import"),
        # Priority, like the slash: keys after these in one packet go where they move to.
        Binding("enter", "enter", show=False, priority=True, id="people.open"),
        Binding("escape", "leave_search", show=False, priority=True,
                id="people.leave_search"),
        Binding("down", "leave_search", show=False, id="people.to_list"),
    ]

    def __init__(self) -> None:
        super().__init__(id="people")
        translate_bindings(self)
        self.register: Register | None = None
        self.shown: list[PersonRow] = []
        self.matched = 0
        self._filtered_for: str | None = None

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    def watched(self) -> frozenset[str]:
        # Institutions and places are in the main file.
        return frozenset({live.PEOPLE, live.MAIN})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Input(placeholder=_("Search by name, institution or place"), id="people-search")
        yield Static(_("Reading the register …"), id="people-count", classes="quiet")
        yield RecordTable(COLUMNS, id="people-table")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("People")
        self._load()

    def data_changed(self, changes: live.Changes) -> None:
        self._load()

    # -- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        store = self.store
        self.mark_read()

        def read() -> Register:
            people = store.people.all()
            institutions = {i.id: i for i in store.institutions.all()}
            places = {p.id: p for p in store.places.all()}
            return Register.build(people, institutions, places)

        self.run_store(read, self._loaded, failed=self._problem, group="people-load")

    def _loaded(self, register: Register) -> None:
        self.register = register
        self._filter()

    def _problem(self, text: str) -> None:
        self.query_one("#people-count", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    @on(Input.Changed, "#people-search")
    def _typed(self) -> None:
        self._filter()

    def _filter(self) -> None:
        register = self.register
        if register is None:
            return
        query = self.query_one("#people-search", Input).value
        self._filtered_for = query
        matches = register.search(query)
        self.matched = len(matches)
        self.shown = matches[:ROW_LIMIT]
        self.query_one(RecordTable).show_rows((r.id, r.cells) for r in self.shown)
        self.query_one("#people-count", Static).update(self._count_text(query, register))

    def _count_text(self, query: str, register: Register) -> str:
        total, matched, shown = len(register.rows), self.matched, len(self.shown)
        if not total:
            return _("Nobody is registered yet. Add a person with {new} or import a "
                     "staff list with {imp}.").format(new=self._key_for("people.new"),
                                                       imp=self._key_for("people.import"))
        if shown < matched:
            return _("Showing {shown} of {matched}; type more to narrow the list.").format(
                shown=format_count(shown), matched=format_count(matched))
        if query.strip():
            return ngettext("{matched} of {total} person match.",
                            "{matched} of {total} people match.", total).format(
                matched=format_count(matched), total=format_count(total))
        return ngettext("{total} person.", "{total} people.", total).format(
            total=format_count(total))

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    def _current_id(self) -> str | None:
        # Keys typed in one burst ("nuuk", enter, "e") can reach this before the search
        # field's change message; the row under the cursor must be one of the matches.
        if self._filtered_for != self.query_one("#people-search", Input).value:
            self._filter()
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    # -- searching -------------------------------------------------------------------------

    # Focus moves at once, not on the next idle (as widget.focus() does): over a slow
    # link "/nuuk" arrives in one packet, and the "n" must land in the search field.
    def action_search(self) -> None:
        self.set_focus(self.query_one("#people-search", Input))

    def action_leave_search(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(RecordTable))

    def action_enter(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(RecordTable))
        else:
            self.action_edit()

    # -- adding and editing ----------------------------------------------------------------

    def _fields(self, person: Person | None) -> list[Field]:
        store = self.kuffert.store
        places = {p.id: p for p in store.places.all()}
        institutions = store.institutions.all()
        return [
            # Offered cleaned: saving then rids a hand-edited record of escape sequences.
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  printable(person.name) if person else "", required=True),
            Field("role", _("Role"), choices=enum_choices(Role),
                  value=person.role.value if person else "", required=True),
            Field("qualification", _("Qualification"), choices=enum_choices(Qualification),
                  value=person.qualification.value if person else "", required=True),
            Field("institution_id", _("Institution"),
                  choices=institution_choices(institutions, places),
                  value=(person.institution_id or "") if person else ""),
            Field("place_id", _("Place (empty: the institution's)"),
                  choices=place_choices(places),
                  value=(person.place_id or "") if person else ""),
            Field("email", _("E-mail"), parse_email, person.email if person else ""),
            Field("phone", _("Phone"), parse_phone, person.phone if person else ""),
        ]

    def _person(self, values: Mapping[str, Any], old: Person | None) -> Person:
        place_id = values.get("place_id")
        if not place_id and values.get("institution_id"):
            institution = self.kuffert.store.institutions.find(values["institution_id"])
            place_id = institution.place_id if institution else None
        base = old or Person(name="", role=Role.EMPLOYEE, qualification=Qualification.OTHER)
        return dataclasses.replace(
            base, name=values["name"], role=Role(values["role"]),
            qualification=Qualification(values["qualification"]),
            institution_id=values.get("institution_id") or None, place_id=place_id or None,
            email=values.get("email") or "", phone=values.get("phone") or "")

    def _check(self, values: dict[str, Any]) -> list[tuple[str, Message]]:
        if values.get("role") is None or values.get("qualification") is None:
            return []
        return validate_person(self._person(values, None))

    def _push(self, screen: Screen[Any], callback: Any) -> None:
        self.app.push_screen(screen, callback)

    def action_new(self) -> None:
        try:
            fields = self._fields(None)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return

        store = self.kuffert.store
        form = FormScreen(_("New person"), fields, check=self._check,
                          save=lambda values: store.people.add(self._person(values, None)))

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None and isinstance(form.saved, Person):
                self._show_saved(form.saved, _("Added {name}."))

        self._push(form, saved)

    def action_edit(self) -> None:
        pid = self._current_id()
        if pid is None:
            return
        try:
            person = self.kuffert.store.people.get(pid)
            fields = self._fields(person)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return

        store = self.kuffert.store
        editing = Editing(
            _("The person"), person,
            save=lambda values, base: store.people.save(
                self._person(values, base), expected_version=base.version),
            reread=lambda: store.people.find(person.id),
            values=lambda fresh: {f.name: f.value for f in self._fields(fresh)})
        form = FormScreen(_("Edit {name}").format(name=printable(person.name)), fields,
                          check=self._check, editing=editing)

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None and isinstance(form.saved, Person):
                self._show_saved(form.saved, _("Saved {name}."))

        self._push(form, saved)

    def _show_saved(self, person: Person, text: str) -> None:
        register = self.register
        if register is None:
            return
        if person.institution_id and person.institution_id not in register.institutions:
            # Added in another section since the register was read.
            found = self.kuffert.store.institutions.find(person.institution_id)
            if found:
                register.institutions[found.id] = found
        register.upsert(person)
        self.absorb(live.PEOPLE)
        search = self.query_one("#people-search", Input)
        if person.id not in {r.id for r in register.search(search.value)}:
            # Keep the person in sight: a search they do not match would hide them.
            search.value = ""
        self._filter()
        table = self.query_one(RecordTable)
        if person.id in {r.id for r in self.shown}:
            table.move_cursor(row=table.get_row_index(person.id), animate=False)
        table.focus()
        self.notify(text.format(name=printable(person.name)))

    # -- erasing ---------------------------------------------------------------------------

    def action_erase(self) -> None:
        pid = self._current_id()
        register = self.register
        if pid is None or register is None or pid not in register.by_id:
            return
        name = register.by_id[pid].cells[0]

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify(_("Erasing {name} …").format(name=name))
                self._erase(pid, name)

        from tui.store.restoring import backup_retention

        question = _("Delete {name} and everything recorded about them: enrolments, "
                     "attendance and journals?").format(name=name)
        self._push(ConfirmScreen(
            f"{question}\n\n{backup_retention(self.kuffert.store, pid)}",
            yes=_("Erase"), no=_("Keep"), danger=True), answered)

    def _erase(self, pid: str, name: str) -> None:
        store = self.store
        self.run_store(lambda: store.erase_person(pid),
                       lambda erasure: self._erased(pid, name, erasure),
                       group="people-write", exclusive=False)

    def _erased(self, pid: str, name: str, erasure: Erasure) -> None:
        if self.register is not None:
            self.register.remove(pid)
            self.absorb(live.PEOPLE)
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

        def done(added: int | None) -> None:
            if added:
                self._load()

        self._push(ImportScreen(self.kuffert.store), done)

"""Places and the daycare institutions in them.

Places are listed grouped by municipality (a municipality first, then its towns,
settlements and sheep-farming stations) and can be narrowed by municipality, kind and a
search. The institutions of the place under the cursor are listed below; for a
municipality, those of all its places.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.data_table import RowDoesNotExist
from textual.widgets.option_list import Option

from tui.domain.parse import parse_name
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.i18n import N_, Message, _, msg, ngettext
from tui.resources import load_json
from tui.screens.registry.people import error_text, fold, place_choices, sort_key
from tui.store.errors import StaleRecord, StoreError
from tui.store.shipped_places import add_places, missing_places
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host

PLACE_COLUMNS = (
    Column(N_("Place"), min_width=14), Column(N_("Kind"), 14),
    Column(N_("Municipality"), 18), Column(N_("Country"), 4), Column(N_("Daycares"), 5),
)
INSTITUTION_COLUMNS = (
    Column(N_("Institution"), min_width=16), Column(N_("Kind"), 14),
    Column(N_("Place"), 14), Column(N_("People"), 6),
)
COUNTRIES = (("GL", N_("Greenland")), ("DK", N_("Denmark")))
_KIND_ORDER = {kind: n for n, kind in enumerate(PlaceKind)}


def country_choices() -> list[tuple[str, str]]:
    return [(_(label), code) for code, label in COUNTRIES]


@dataclass
class Atlas:
    """Everything the screen shows, read in one go by a worker."""

    places: dict[str, Place] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    people_per_institution: Counter[str] = field(default_factory=Counter)

    def municipality_of(self, place: Place) -> Place | None:
        if place.kind is PlaceKind.MUNICIPALITY:
            return place
        return self.places.get(place.municipality_id or "")

    def order(self, place: Place) -> tuple[str, str, int, str]:
        municipality = self.municipality_of(place)
        group = sort_key(municipality.name) + "\0" + municipality.id if municipality else "~"
        return (place.country, group, _KIND_ORDER[place.kind], sort_key(place.name))

    def institutions_in(self, place: Place) -> list[Institution]:
        ids = {place.id}
        if place.kind is PlaceKind.MUNICIPALITY:
            ids |= {p.id for p in self.places.values() if p.municipality_id == place.id}
        found = [i for i in self.institutions.values() if i.place_id in ids]
        return sorted(found, key=lambda i: sort_key(i.name))

    def municipalities(self) -> list[Place]:
        found = [p for p in self.places.values() if p.kind is PlaceKind.MUNICIPALITY]
        return sorted(found, key=lambda p: (p.country, sort_key(p.name)))


class PlacesScreen(Screen[None]):
    AUTO_FOCUS = "#places-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="places.search", priority=True),
        # Short words: seven keys and the app's three share 80 columns.
        Binding("n", "new_place", N_("Place"), id="places.new"),
        Binding("m", "add_dk", N_("DK list"), id="places.add_dk"),
        Binding("g", "add_gl", N_("GL list"), id="places.add_gl"),
        Binding("i", "new_institution", N_("Daycare"), id="places.new_institution"),
        Binding("e", "edit", N_("Edit"), id="places.edit"),
        Binding("w", "wishes", N_("Wishes"), id="places.wishes"),
        Binding("delete", "delete", N_("Delete"), id="places.delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="places")
        translate_bindings(self)
        self.atlas = Atlas()
        self._in_modal = False
        self._loaded_once = False

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    @property
    def store(self) -> Store:
        return self.kuffert.store

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="places-filters"):
            yield Input(placeholder=_("Search places and daycares"), id="places-search")
            yield Select[str]([], prompt=_("All municipalities"), id="places-municipality")
            yield Select[str]([(k.label, k.value) for k in PlaceKind], prompt=_("All kinds"),
                              id="places-kind")
        with Vertical(id="places-body"):
            yield Static(_("Reading the places …"), id="places-title", classes="section-title")
            yield RecordTable(PLACE_COLUMNS, id="places-table")
            yield Static("", id="institutions-title", classes="section-title")
            yield RecordTable(INSTITUTION_COLUMNS, id="institutions-table")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Places")

    def on_screen_resume(self) -> None:
        if self._in_modal:
            self._in_modal = False
            return
        self._load()

    def _push(self, screen: Screen[Any], callback: Any) -> None:
        self._in_modal = True
        self.app.push_screen(screen, callback)

    # -- reading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="places-load")
    def _load(self, select: str | None = None, institution: str | None = None,
              people: bool = True) -> None:
        store = self.store
        try:
            atlas = Atlas(
                places={p.id: p for p in store.places.all()},
                institutions={i.id: i for i in store.institutions.all()},
                # Tens of thousands of people: only counted when they may have changed.
                people_per_institution=(
                    Counter(p.institution_id for p in store.people.all() if p.institution_id)
                    if people else self.atlas.people_per_institution),
            )
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._problem, error_text(error))
            return
        self.app.call_from_thread(self._loaded, atlas, select, institution)

    def _problem(self, text: str) -> None:
        self.query_one("#places-title", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, atlas: Atlas, select: str | None, institution: str | None) -> None:
        self.atlas = atlas
        municipality = self.query_one("#places-municipality", Select)
        options = [(f"{p.name} ({p.country})", p.id) for p in atlas.municipalities()]
        chosen = municipality.value
        with self.prevent(Select.Changed):
            municipality.set_options(options)
            if chosen in {value for _label, value in options}:
                municipality.value = chosen
        if select is not None and not self._visible(atlas.places.get(select)):
            self._clear_filters()
        self._filter(select)
        if institution is not None:
            self._select_institution(institution)
        self._loaded_once = True

    # -- filtering -------------------------------------------------------------------------

    def _clear_filters(self) -> None:
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#places-search", Input).value = ""
            self.query_one("#places-municipality", Select).clear()
            self.query_one("#places-kind", Select).clear()

    def _visible(self, place: Place | None,
                 daycares: Mapping[str, list[str]] | None = None) -> bool:
        if place is None:
            return False
        municipality = self.query_one("#places-municipality", Select).value
        kind = self.query_one("#places-kind", Select).value
        words = fold(self.query_one("#places-search", Input).value).split()
        if municipality is not Select.NULL and municipality not in (
                place.id, place.municipality_id):
            return False
        if kind is not Select.NULL and place.kind != kind:
            return False
        if words:
            if daycares is None:
                daycares = self._daycare_names()
            owner = self.atlas.municipality_of(place)
            haystack = "\n".join(fold(t) for t in (
                place.name, owner.name if owner else "", *daycares.get(place.id, ())))
            return all(w in haystack for w in words)
        return True

    def _daycare_names(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for institution in self.atlas.institutions.values():
            names.setdefault(institution.place_id or "", []).append(institution.name)
        return names

    @on(Input.Changed, "#places-search")
    @on(Select.Changed, "#places-municipality")
    @on(Select.Changed, "#places-kind")
    def _filters_changed(self) -> None:
        self._filter()

    def _filter(self, select: str | None = None) -> None:
        atlas = self.atlas
        daycares = self._daycare_names()
        shown = sorted((p for p in atlas.places.values() if self._visible(p, daycares)),
                       key=atlas.order)
        table = self.query_one("#places-table", RecordTable)
        counts = Counter(i.place_id for i in atlas.institutions.values())
        rows = []
        for place in shown:
            owner = atlas.municipality_of(place)
            # Towns are indented under their municipality, so the grouping shows without
            # relying on colour.
            name = place.name if place.kind is PlaceKind.MUNICIPALITY else "  " + place.name
            rows.append((place.id, (name, place.kind.label,
                                    owner.name if owner and owner is not place else "",
                                    place.country, counts.get(place.id, 0))))
        table.show_rows(rows)
        if select is not None and select in {p.id for p in shown}:
            table.move_cursor(row=table.get_row_index(select), animate=False)
        self.query_one("#places-title", Static).update(
            _("Places: {shown} of {total}").format(shown=len(shown), total=len(atlas.places)))
        self._show_institutions()

    @on(DataTable.RowHighlighted, "#places-table")
    def _place_moved(self) -> None:
        self._show_institutions()

    def _show_institutions(self) -> None:
        place = self.current_place()
        table = self.query_one("#institutions-table", RecordTable)
        title = self.query_one("#institutions-title", Static)
        if place is None:
            table.show_rows([])
            title.update(_("Daycare institutions"))
            return
        found = self.atlas.institutions_in(place)
        places = self.atlas.places
        table.show_rows(
            (i.id, (i.name, i.kind.label,
                    places[i.place_id].name if i.place_id in places else "",
                    self.atlas.people_per_institution.get(i.id, 0)))
            for i in found)
        title.update(_("Daycare institutions in {place} ({n})").format(
            place=place.name, n=len(found)))

    def _select_institution(self, institution_id: str) -> None:
        table = self.query_one("#institutions-table", RecordTable)
        try:
            table.move_cursor(row=table.get_row_index(institution_id), animate=False)
        except RowDoesNotExist:  # not listed under this place; nothing to select
            return
        table.focus()

    def current_place(self) -> Place | None:
        return self.atlas.places.get(_cursor_key(self.query_one("#places-table", RecordTable)))

    def current_institution(self) -> Institution | None:
        table = self.query_one("#institutions-table", RecordTable)
        return self.atlas.institutions.get(_cursor_key(table))

    def _institutions_focused(self) -> bool:
        return self.focused is self.query_one("#institutions-table")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Wishes belong to the daycare under the cursor of the lower list and new places
        # to the upper one; each list offers its own, which keeps the footer in 80 columns.
        if action == "wishes":
            return self._institutions_focused()
        if action in ("new_place", "add_dk", "add_gl"):
            return not self._institutions_focused()
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_search(self) -> None:
        # At once, so that keys typed right after the slash land in the field.
        self.set_focus(self.query_one("#places-search", Input))

    @on(Input.Submitted, "#places-search")
    def _submitted(self) -> None:
        self.set_focus(self.query_one("#places-table", RecordTable))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_edit()

    # -- places ----------------------------------------------------------------------------

    def _place_fields(self, place: Place | None) -> list[Field]:
        around = place or self.current_place()
        owner = self.atlas.municipality_of(around) if around else None
        return [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  place.name if place else "", required=True),
            Field("kind", _("Kind"), choices=[(k.label, k.value) for k in PlaceKind],
                  value=place.kind.value if place else PlaceKind.TOWN.value, required=True),
            Field("country", _("Country"), choices=country_choices(),
                  value=around.country if around else "GL", required=True),
            Field("municipality_id", _("Municipality (not for a municipality)"),
                  choices=[(p.name, p.id) for p in self.atlas.municipalities()
                           if place is None or p.id != place.id],
                  value=owner.id if owner and (place is None or owner is not place) else ""),
        ]

    @staticmethod
    def _place_check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        if values.get("kind") != PlaceKind.MUNICIPALITY.value and not values.get(
                "municipality_id"):
            return [("municipality_id", msg("Choose the municipality the place belongs to."))]
        return []

    def _place(self, values: dict[str, Any], old: Place | None) -> Place:
        kind = PlaceKind(values["kind"])
        base = old or Place(name="", kind=kind)
        return dataclasses.replace(
            base, name=values["name"], kind=kind, country=values["country"],
            municipality_id=None if kind is PlaceKind.MUNICIPALITY
            else values.get("municipality_id"))

    def action_new_place(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write_place(self._place(values, None), None)

        self._push(FormScreen(_("New place"), self._place_fields(None),
                              check=self._place_check), saved)

    def _edit_place(self, place: Place) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write_place(self._place(values, place), place.version)

        self._push(FormScreen(_("Edit {name}").format(name=place.name),
                              self._place_fields(place), check=self._place_check), saved)

    @work(thread=True, group="places-write")
    def _write_place(self, place: Place, version: int | None) -> None:
        repo = self.store.places
        try:
            saved = repo.add(place) if version is None else repo.save(
                place, expected_version=version)
        except (StoreError, OSError, ValueError) as error:
            self.app.call_from_thread(self._write_failed, error)
            return
        self.app.call_from_thread(self._written, saved.name, saved.id, None)

    def _write_failed(self, error: Exception) -> None:
        if isinstance(error, StaleRecord):
            text = str(error) + " " + _("Your change was not saved; the list shows theirs now.")
        elif isinstance(error, StoreError | OSError):
            text = error_text(error)
        else:  # the id is taken: someone added the same municipality meanwhile
            text = _("It is in the list already.")
        self.notify(text, severity="warning", timeout=12)
        self._load(people=False)

    def _written(self, name: str, place_id: str | None, institution_id: str | None) -> None:
        self.notify(_("Saved {name}.").format(name=name))
        self._load(place_id, institution_id, people=False)

    # -- Danish municipalities -------------------------------------------------------------

    def action_add_dk(self) -> None:
        present_ids = set(self.atlas.places)
        present_names = {fold(p.name) for p in self.atlas.places.values()}
        shipped = load_json("places_dk.json")["places"]
        missing = [p for p in shipped
                   if p["id"] not in present_ids and fold(p["name"]) not in present_names]
        if not missing:
            self.notify(_("All {count} Danish municipalities are in the list already.").format(
                count=len(shipped)))
            return

        def picked(choice: dict[str, Any] | None) -> None:
            if choice is not None:
                self._write_place(Place(id=choice["id"], name=choice["name"],
                                        kind=PlaceKind.MUNICIPALITY, country="DK"), None)

        self._push(MunicipalityPicker(missing, len(shipped)), picked)

    # -- Greenland's places ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="places-write")
    def action_add_gl(self) -> None:
        try:
            missing = missing_places(self.store, "places_gl.json")
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._write_failed, error)
            return
        self.app.call_from_thread(self._offer_gl, missing)

    def _offer_gl(self, missing: list[Place]) -> None:
        if not missing:
            self.notify(_("All of Greenland's places are in the list already."))
            return
        question = ngettext(
            "Add {n} place in Greenland (municipalities, towns, settlements and sheep "
            "farms)?", "Add {n} places in Greenland (municipalities, towns, settlements "
            "and sheep farms)?", len(missing)).format(n=len(missing))

        def answered(yes: bool | None) -> None:
            if yes:
                self._write_gl(missing)

        self._push(ConfirmScreen(question, yes=_("Add"), no=_("Cancel")), answered)

    @work(thread=True, group="places-write")
    def _write_gl(self, places: list[Place]) -> None:
        try:
            added = add_places(self.store, places)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._write_failed, error)
            return
        self.app.call_from_thread(self.notify, ngettext(
            "{n} place added.", "{n} places added.", added).format(n=added))
        self.app.call_from_thread(lambda: self._load(people=False))

    # -- institutions ----------------------------------------------------------------------

    def _administration_near(self, place_id: str | None) -> str:
        """The administration most institutions of the same municipality have."""
        place = self.atlas.places.get(place_id or "")
        owner = self.atlas.municipality_of(place) if place else None
        if owner is None:
            return ""
        nearby = Counter(i.administration for i in self.atlas.institutions_in(owner)
                         if i.administration)
        return nearby.most_common(1)[0][0] if nearby else ""

    def _institution_fields(self, institution: Institution | None) -> list[Field]:
        place_id = institution.place_id if institution else (
            self.current_place().id if self.current_place() else None)
        administration = (institution.administration if institution
                          else self._administration_near(place_id))
        return [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  institution.name if institution else "", required=True),
            Field("kind", _("Kind"), choices=[(k.label, k.value) for k in InstitutionKind],
                  value=institution.kind.value if institution else "", required=True),
            Field("place_id", _("Place"), choices=place_choices(self.atlas.places),
                  value=place_id or "", required=True),
            Field("administration", _("Administration"), value=administration,
                  placeholder=_("for example Horsens Kommune, Dagtilbud")),
        ]

    @staticmethod
    def _institution(values: dict[str, Any], old: Institution | None) -> Institution:
        kind = InstitutionKind(values["kind"])
        base = old or Institution(name="", kind=kind)
        return dataclasses.replace(base, name=values["name"], kind=kind,
                                   place_id=values["place_id"],
                                   administration=values.get("administration") or "")

    def action_new_institution(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write_institution(self._institution(values, None), None)

        self._push(FormScreen(_("New daycare institution"), self._institution_fields(None)),
                   saved)

    def _edit_institution(self, institution: Institution) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write_institution(self._institution(values, institution),
                                        institution.version)

        self._push(FormScreen(_("Edit {name}").format(name=institution.name),
                              self._institution_fields(institution)), saved)

    @work(thread=True, group="places-write")
    def _write_institution(self, institution: Institution, version: int | None) -> None:
        repo = self.store.institutions
        try:
            saved = repo.add(institution) if version is None else repo.save(
                institution, expected_version=version)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._write_failed, error)
            return
        self.app.call_from_thread(self._written, saved.name, saved.place_id, saved.id)

    # -- editing and deleting whichever list has the focus ---------------------------------

    def action_edit(self) -> None:
        try:
            if self._institutions_focused():
                institution = self.current_institution()
                if institution is not None:
                    self._edit_institution(self.store.institutions.get(institution.id))
            else:
                place = self.current_place()
                if place is not None:
                    self._edit_place(self.store.places.get(place.id))
        except StoreError as error:
            self.notify(str(error), severity="error")

    def action_delete(self) -> None:
        if self._institutions_focused():
            institution = self.current_institution()
            if institution is not None:
                self._check_institution(institution)
        else:
            place = self.current_place()
            if place is not None:
                self._check_place(place)

    @work(thread=True, exclusive=True, group="places-check")
    def _check_place(self, place: Place) -> None:
        store = self.store
        try:
            people = sum(1 for p in store.people.all() if p.place_id == place.id)
            institutions = len(store.institutions.where(place_id=place.id))
            places = len(store.places.where(municipality_id=place.id))
            courses = len(store.courses.where(place_id=place.id))
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        if people or institutions or places or courses:
            self.app.call_from_thread(
                self.notify,
                _("{name} is still in use: {people} people, {institutions} daycare "
                  "institutions, {places} other places and {courses} courses point at it. "
                  "Move or delete them first.").format(
                    name=place.name, people=people, institutions=institutions,
                    places=places, courses=courses),
                title=_("Not deleted"), severity="warning", timeout=12)
            return
        self.app.call_from_thread(
            self._confirm, _("Delete the place {name}?").format(name=place.name),
            lambda: self._delete_place(place))

    @work(thread=True, exclusive=True, group="places-check")
    def _check_institution(self, institution: Institution) -> None:
        store = self.store
        try:
            people = sum(1 for p in store.people.all() if p.institution_id == institution.id)
            wishes = len(store.topic_wishes.where(institution_id=institution.id))
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        if people:
            self.app.call_from_thread(
                self.notify,
                ngettext("{name} is still the workplace of {people} person. Move that person to "
                         "another institution first.",
                         "{name} is still the workplace of {people} people. Move them to "
                         "another institution first.", people).format(
                    name=institution.name, people=people),
                title=_("Not deleted"), severity="warning", timeout=12)
            return
        question = _("Delete the daycare institution {name}?").format(name=institution.name)
        if wishes:
            question += " " + _("Its {count} topic wishes go with it.").format(count=wishes)
        self.app.call_from_thread(self._confirm, question,
                                  lambda: self._delete_institution(institution))

    def _confirm(self, question: str, then: Any) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self._push(ConfirmScreen(question, yes=_("Delete"), no=_("Keep"), danger=True),
                   answered)

    @work(thread=True, group="places-write")
    def _delete_place(self, place: Place) -> None:
        try:
            self.store.places.delete(place.id)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        self.app.call_from_thread(self._deleted, place.name)

    @work(thread=True, group="places-write")
    def _delete_institution(self, institution: Institution) -> None:
        store = self.store
        try:
            with store.transaction():
                store.topic_wishes.delete_where(
                    lambda d: d.get("institution_id") == institution.id)
                store.institutions.delete(institution.id)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        self.app.call_from_thread(self._deleted, institution.name)

    def _deleted(self, name: str) -> None:
        self.notify(_("Deleted {name}.").format(name=name))
        self._load(people=False)

    # -- topic wishes ----------------------------------------------------------------------

    def action_wishes(self) -> None:
        from tui.screens.registry.wishes import WishesScreen

        institution = self.current_institution()
        if institution is None:
            return
        self.app.push_screen(WishesScreen(self.store, institution_id=institution.id))


def _cursor_key(table: RecordTable) -> str:
    if not table.row_count:
        return ""
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""


class MunicipalityPicker(ModalScreen[dict[str, Any] | None]):
    """Denmark's municipalities not yet in the database; type to narrow, enter to add."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="picker.cancel"),
        Binding("down", "to_list", show=False, id="picker.to_list"),
    ]

    def __init__(self, choices: list[Mapping[str, Any]], total: int) -> None:
        super().__init__(classes="picker")
        translate_bindings(self)
        self.choices = sorted(choices, key=lambda c: sort_key(c["name"]))
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(_("Add a Danish municipality ({missing} of {total} not added yet)")
                        .format(missing=len(self.choices), total=self.total),
                        id="picker-title")
            yield Input(placeholder=_("Type part of the name"), id="picker-search")
            yield OptionList(id="picker-list")
            yield Static(_("enter adds the highlighted one, escape cancels"),
                         id="picker-hint", classes="quiet")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-search", Input).focus()

    def _fill(self, query: str) -> None:
        words = fold(query).split()
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options([Option(c["name"], id=c["id"]) for c in self.choices
                             if all(w in fold(c["name"]) for w in words)])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-search")
    def _enter(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, choice_id: str | None) -> None:
        found = next((c for c in self.choices if c["id"] == choice_id), None)
        if found is not None:
            self.dismiss(dict(found))

    def action_to_list(self) -> None:
        self.query_one("#picker-list", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

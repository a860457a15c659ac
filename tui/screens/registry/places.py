"""Places and the daycare institutions in them.

Places are listed grouped by municipality (a municipality first, then its towns,
settlements and sheep-farming stations) and can be narrowed by municipality, kind and a
search. The institutions of the place under the cursor are listed below; for a
municipality, those of all its places. Both follow others' changes: the main file for
places and institutions, the people file for the counts of people per institution.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Select, Static

from tui.domain.places import Institution, Place, PlaceKind
from tui.domain.text import fold, printable
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import TypeAheadScreen
from tui.screens.registry.list_table import ListTable
from tui.screens.registry.place_actions import PlaceActions
from tui.views.registry import Atlas, read_atlas
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.ordered_fields import OrderedInput
from tui.widgets.record_table import Column, RecordTable

PLACE_COLUMNS = (
    Column(N_("Place"), min_width=14, clip="middle"), Column(N_("Kind"), 14),
    Column(N_("Municipality"), 18, clip="middle"), Column(N_("Country"), 4),
    Column(N_("Daycares"), 5),
)
INSTITUTION_COLUMNS = (
    Column(N_("Institution"), min_width=16, clip="middle"), Column(N_("Kind"), 14),
    Column(N_("Place"), 14, clip="middle"), Column(N_("People"), 6),
)


class PlacesScreen(PlaceActions, TypeAheadScreen[None]):
    AUTO_FOCUS = "#places-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that a burst of keys runs in the order typed (see people.py); a
        # letter still goes to the search field while it has the focus.
        Binding("slash", "search", N_("Search"), id="places.search", priority=True),
        # Short words: six keys and the app's three share 80 columns. The shipped lists
        # are loaded once per database: their keys are in the help (?) and in the title
        # of an empty list, not in the footer.
        Binding("n", "new_place", N_("Place"), id="places.new", priority=True),
        Binding("m", "add_dk", N_("DK list"), id="places.add_dk", priority=True,
                show=False),
        Binding("g", "add_gl", N_("GL list"), id="places.add_gl", priority=True,
                show=False),
        Binding("i", "new_institution", N_("Daycare"), id="places.new_institution",
                priority=True),
        Binding("e", "edit", N_("Edit"), id="places.edit", priority=True),
        Binding("w", "wishes", N_("Wishes"), id="places.wishes", priority=True),
        Binding("delete", "delete", N_("Delete"), id="places.delete", priority=True),
        Binding("enter", "enter", show=False, id="places.open", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="places")
        translate_bindings(self)
        self.atlas = Atlas()

    def watched(self) -> frozenset[str]:
        return frozenset({live.MAIN, live.PEOPLE})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="places-filters"):
            yield OrderedInput(placeholder=_("Search places and daycares"),
                               id="places-search")
            yield Select[str]([], prompt=_("All municipalities"), id="places-municipality")
            yield Select[str]([(k.label, k.value) for k in PlaceKind], prompt=_("All kinds"),
                              id="places-kind")
        with Vertical(id="places-body"):
            yield Static(_("Reading the places …"), id="places-title", classes="section-title")
            yield ListTable(PLACE_COLUMNS, id="places-table")
            yield Static("", id="institutions-title", classes="section-title")
            yield ListTable(INSTITUTION_COLUMNS, id="institutions-table")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Places")
        self._read(frozenset(self.watched()))

    # -- reading ---------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self._read(changes.sources)

    def _read(self, sources: frozenset[str], select: str | None = None) -> None:
        store = self.store
        self.mark_read(*sources)
        # Tens of thousands of people: only counted when they may have changed.
        known = None if live.PEOPLE in sources else self.atlas.people_per_institution
        self.run_store(lambda: read_atlas(store, known),
                       lambda atlas: self._loaded(atlas, select), failed=self._problem,
                       group="places-load")

    def read_again(self, select: str | None = None) -> None:
        """After a write of many places at once: read them back (and with them any
        change of someone else's), the cursor on ``select``."""
        self._read(frozenset({live.MAIN}), select)

    def _problem(self, text: str) -> None:
        self.query_one("#places-title", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, atlas: Atlas, select: str | None = None) -> None:
        if atlas == self.atlas:
            # The main file changed elsewhere (a course, a mark): nothing to repaint.
            if select is not None:
                self._filter(select)
            return
        self.atlas = atlas
        municipality = self.query_one("#places-municipality", Select)
        options = [(printable(f"{p.name} ({p.country})"), p.id) for p in atlas.municipalities()]
        chosen = municipality.value
        with self.prevent(Select.Changed):
            municipality.set_options(options)
            if chosen in {value for _label, value in options}:
                municipality.value = chosen
        if select is not None and not self._visible(atlas.places.get(select)):
            self._clear_filters()
        self._filter(select)

    def show_written(self, place: Place | None = None,
                     institution: Institution | None = None) -> None:
        """This screen's own write, shown without reading the file again."""
        atlas = self.atlas
        if place is not None:
            atlas.places[place.id] = place
        if institution is not None:
            atlas.institutions[institution.id] = institution
        self.absorb(live.MAIN)
        select = place.id if place else institution.place_id if institution else None
        if select is not None and not self._visible(atlas.places.get(select)):
            self._clear_filters()
        self._filter(select)
        if institution is not None:
            self._select_institution(institution.id)

    def show_deleted(self, *, place_id: str | None = None,
                     institution_id: str | None = None) -> None:
        self.atlas.places.pop(place_id or "", None)
        self.atlas.institutions.pop(institution_id or "", None)
        self.absorb(live.MAIN)
        self._filter()

    # -- filtering -------------------------------------------------------------------------

    def _clear_filters(self) -> None:
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#places-search", Input).value = ""
            self.query_one("#places-municipality", Select).clear()
            self.query_one("#places-kind", Select).clear()

    def _visible(self, place: Place | None,
                 daycares: dict[str, list[str]] | None = None) -> bool:
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
                daycares = self.atlas.daycare_names()
            owner = self.atlas.municipality_of(place)
            haystack = "\n".join(fold(t) for t in (
                place.name, owner.name if owner else "", *daycares.get(place.id, ())))
            return all(w in haystack for w in words)
        return True

    @on(Input.Changed, "#places-search")
    @on(Select.Changed, "#places-municipality")
    @on(Select.Changed, "#places-kind")
    def _filters_changed(self) -> None:
        self._filter()

    def _filter(self, select: str | None = None) -> None:
        atlas = self.atlas
        daycares = atlas.daycare_names()
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
        self.query_one("#places-title", Static).update(_(
            "No places yet: {dk} adds Danish municipalities, {gl} Greenland's places, "
            "{new} one place.").format(dk=key_for(self, "places.add_dk"),
                                       gl=key_for(self, "places.add_gl"),
                                       new=key_for(self, "places.new"))
            if not atlas.places else _("Places: {shown} of {total}").format(
                shown=len(shown), total=len(atlas.places)))
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
            place=printable(place.name), n=len(found)))

    def _select_institution(self, institution_id: str) -> None:
        table = self.query_one("#institutions-table", RecordTable)
        if institution_id in table.rows:
            table.move_cursor(row=table.get_row_index(institution_id), animate=False)
            self.set_focus(table)

    def current_place(self) -> Place | None:
        return self.atlas.places.get(_cursor_key(self.query_one("#places-table", RecordTable)))

    def current_institution(self) -> Institution | None:
        table = self.query_one("#institutions-table", RecordTable)
        return self.atlas.institutions.get(_cursor_key(table))

    def institutions_focused(self) -> bool:
        return self.typeahead.focused is self.query_one("#institutions-table")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Wishes belong to the daycare under the cursor of the lower list and new places
        # to the upper one; each list offers its own, which keeps the footer in 80 columns.
        if action == "wishes":
            return self.institutions_focused()
        if action in ("new_place", "add_dk", "add_gl"):
            return not self.institutions_focused()
        if action == "enter":
            # A choice opens its list with enter; only the field and the lists are ours.
            return not isinstance(self.focused, Select)
        if action == "delete":
            # In the search field, delete deletes a letter.
            return not isinstance(self.focused, Input)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_search(self) -> None:
        # At once, so that keys typed right after the slash land in the field.
        self.set_focus(self.query_one("#places-search", Input))

    def action_enter(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one("#places-table", RecordTable))
        else:
            self.action_edit()

    @on(DataTable.RowSelected)
    def _clicked(self) -> None:
        self.action_edit()  # a click on the row under the cursor; enter is the screen's

    def _after_typing(self, step: Callable[[], object]) -> None:
        """``step`` on the row under the cursor once the keys typed before are handled
        (a burst "/aarh", enter, "e"); the keys after wait for what it opens."""
        self.after_typing(step, self.query_one("#places-search", Input),
                          self.query_one("#places-table", RecordTable),
                          self.query_one("#institutions-table", RecordTable))

    def push_dialog(self, screen: Any, callback: Any = None) -> None:
        self.app.push_screen(screen, callback)


def _cursor_key(table: RecordTable) -> str:
    if not table.row_count:
        return ""
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""

"""What the places screen does to places and institutions: add, edit, delete, load the
shipped lists, open the topic wishes. Every store read and write runs in a worker; the
screen shows its own writes without reading the file again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.domain.places import Institution, Place, PlaceKind
from tui.domain.text import fold, printable
from tui.i18n import _, ngettext
from tui.resources import load_json
from tui.screens.registry.municipality_picker import MunicipalityPicker
from tui.screens.registry.place_forms import (
    edit_institution_form,
    edit_place_form,
    new_institution_form,
    new_place_form,
)
from tui.store.shipped_places import add_places, missing_places
from tui.views.registry import institution_use, place_use
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

if TYPE_CHECKING:
    from tui.screens.registry.places import PlacesScreen


class PlaceActions:
    """Mixed into ``PlacesScreen``."""

    # -- places ----------------------------------------------------------------------------

    def action_new_place(self: PlacesScreen) -> None:
        self._after_typing(self._new_place)

    def _new_place(self: PlacesScreen) -> None:
        form = new_place_form(self.store, self.atlas, self.current_place())
        self.open_read(lambda: None, lambda _nothing: form,
                  lambda values: self._saved_place(form, values))

    def _saved_place(self: PlacesScreen, form: FormScreen, values: object) -> None:
        if values is not None and isinstance(form.saved, Place):
            self.show_written(place=form.saved)
            self.notify(_("Saved {name}.").format(name=printable(form.saved.name)))

    def _edit_place(self: PlacesScreen, place: Place) -> None:
        store, atlas = self.store, self.atlas
        forms: list[FormScreen] = []

        def form_for(fresh: Place) -> FormScreen:
            forms.append(edit_place_form(store, fresh, atlas))
            return forms[0]

        self.open_read(lambda: store.places.get(place.id), form_for,
                  lambda values: self._saved_place(forms[0], values))

    # -- Danish municipalities and Greenland's places ---------------------------------------

    def action_add_dk(self: PlacesScreen) -> None:
        present_ids = set(self.atlas.places)
        present_names = {fold(p.name) for p in self.atlas.places.values()}

        def missing() -> tuple[list[dict[str, Any]], int]:
            shipped = load_json("places_dk.json")["places"]
            return [p for p in shipped if p["id"] not in present_ids
                    and fold(p["name"]) not in present_names], len(shipped)

        def offer(found: tuple[list[dict[str, Any]], int]) -> None:
            choices, total = found
            if choices:
                self.open_read(lambda: found, lambda _found: MunicipalityPicker(
                    choices, total), picked)
                return
            self.let_keys_go()
            self.notify(_("All {count} Danish municipalities are in the list already.").format(
                count=total))

        def picked(choice: dict[str, Any] | None) -> None:
            if choice is None:
                return
            place = Place(id=choice["id"], name=choice["name"], kind=PlaceKind.MUNICIPALITY,
                          country="DK")
            store = self.store
            self.run_store(lambda: add_places(store, [place]),
                           lambda added: self._municipality_added(place, added),
                           group="places-write", exclusive=False)

        if self.hold_keys():
            self.run_store(missing, offer, failed=self._told_and_let_go, group="places-check")

    def _municipality_added(self: PlacesScreen, place: Place, added: int) -> None:
        if added:
            self.notify(_("Saved {name}.").format(name=place.name))
        else:  # someone added the same municipality meanwhile
            self.notify(_("It is in the list already."), severity="warning")
        self.read_again(place.id)

    def action_add_gl(self: PlacesScreen) -> None:
        store = self.store

        def question(missing: list[Place]) -> ConfirmScreen:
            return ConfirmScreen(ngettext(
                "Add {n} place in Greenland (municipalities, towns, settlements and sheep "
                "farms)?", "Add {n} places in Greenland (municipalities, towns, settlements "
                "and sheep farms)?", len(missing)).format(n=len(missing)),
                yes=_("Add"), no=_("Cancel"))

        def offer(missing: list[Place]) -> None:
            if not missing:
                self.notify(_("All of Greenland's places are in the list already."))
                self.let_keys_go()
                return
            self.open_read(lambda: missing, question,
                      lambda yes: self._add_gl(missing) if yes else None)

        if self.hold_keys():
            self.run_store(lambda: missing_places(store, "places_gl.json"), offer,
                           failed=self._told_and_let_go, group="places-check")

    def _told_and_let_go(self: PlacesScreen, text: str) -> None:
        self.let_keys_go()
        self.notify(text, severity="error", timeout=8)

    def _add_gl(self: PlacesScreen, places: list[Place]) -> None:
        store = self.store

        def added(count: int) -> None:
            self.notify(ngettext("{n} place added.", "{n} places added.", count).format(
                n=count))
            self.read_again()

        self.run_store(lambda: add_places(store, places), added, group="places-write",
                       exclusive=False)

    # -- institutions ----------------------------------------------------------------------

    def action_new_institution(self: PlacesScreen) -> None:
        self._after_typing(self._new_institution)

    def _new_institution(self: PlacesScreen) -> None:
        place = self.current_place()
        form = new_institution_form(self.store, self.atlas, place.id if place else None)
        self.open_read(lambda: None, lambda _nothing: form,
                  lambda values: self._saved_institution(form, values))

    def _saved_institution(self: PlacesScreen, form: FormScreen, values: object) -> None:
        if values is not None and isinstance(form.saved, Institution):
            self.show_written(institution=form.saved)
            self.notify(_("Saved {name}.").format(name=printable(form.saved.name)))

    def _edit_institution(self: PlacesScreen, institution: Institution) -> None:
        store, atlas = self.store, self.atlas
        forms: list[FormScreen] = []

        def form_for(fresh: Institution) -> FormScreen:
            forms.append(edit_institution_form(store, fresh, atlas))
            return forms[0]

        self.open_read(lambda: store.institutions.get(institution.id), form_for,
                  lambda values: self._saved_institution(forms[0], values))

    # -- editing and deleting whichever list has the focus ---------------------------------

    def action_edit(self: PlacesScreen) -> None:
        self._after_typing(self._edit_current)

    def _edit_current(self: PlacesScreen) -> None:
        if self.institutions_focused():
            institution = self.current_institution()
            if institution is not None:
                self._edit_institution(institution)
                return
        else:
            place = self.current_place()
            if place is not None:
                self._edit_place(place)
                return
        self.let_keys_go()

    def action_delete(self: PlacesScreen) -> None:
        self._after_typing(self._delete_current)

    def _delete_current(self: PlacesScreen) -> None:
        store = self.store
        if self.institutions_focused():
            institution = self.current_institution()
            if institution is not None:
                self._ask(lambda: institution_use(store, institution.id),
                          lambda use: self._institution_question(institution, *use),
                          lambda: self._delete_institution(institution))
                return
        else:
            place = self.current_place()
            if place is not None:
                self._ask(lambda: place_use(store, place.id),
                          lambda use: self._place_question(place, use),
                          lambda: self._delete_place(place))
                return
        self.let_keys_go()

    def _ask(self: PlacesScreen, count: Callable[[], Any],
             question: Callable[[Any], str | None], then: Callable[[], None]) -> None:
        """Count what uses the record in a worker; ask to delete it, or say why not."""

        def counted(use: Any) -> None:
            text = question(use)
            if text is None:  # said why not already
                self.let_keys_go()
                return
            self.open_read(lambda: text, lambda asked: ConfirmScreen(
                asked, yes=_("Delete"), no=_("Keep"), danger=True),
                lambda yes: then() if yes else None)

        self.run_store(count, counted, failed=self._told_and_let_go, group="places-check")

    def _place_question(self: PlacesScreen, place: Place, use: Any) -> str | None:
        if use:
            self.notify(
                _("{name} is still in use: {people} people, {institutions} daycare "
                  "institutions, {places} other places and {courses} courses point at it. "
                  "Move or delete them first.").format(
                    name=printable(place.name), people=use.people,
                    institutions=use.institutions, places=use.places, courses=use.courses),
                title=_("Not deleted"), severity="warning", timeout=12)
            return None
        return _("Delete the place {name}?").format(name=printable(place.name))

    def _institution_question(self: PlacesScreen, institution: Institution, people: int,
                              wishes: int) -> str | None:
        name = printable(institution.name)
        if people:
            self.notify(
                ngettext("{name} is still the workplace of {people} person. Move that person "
                         "to another institution first.",
                         "{name} is still the workplace of {people} people. Move them to "
                         "another institution first.", people).format(name=name,
                                                                       people=people),
                title=_("Not deleted"), severity="warning", timeout=12)
            return None
        question = _("Delete the daycare institution {name}?").format(name=name)
        if wishes:
            question += " " + _("Its {count} topic wishes go with it.").format(count=wishes)
        return question

    def _delete_place(self: PlacesScreen, place: Place) -> None:
        store = self.store

        def deleted(_found: bool) -> None:
            self.show_deleted(place_id=place.id)
            self.notify(_("Deleted {name}.").format(name=printable(place.name)))

        self.run_store(lambda: store.delete_place(place.id), deleted, group="places-write",
                       exclusive=False)

    def _delete_institution(self: PlacesScreen, institution: Institution) -> None:
        store = self.store

        def deleted(_wishes: int) -> None:
            self.show_deleted(institution_id=institution.id)
            self.notify(_("Deleted {name}.").format(name=printable(institution.name)))

        self.run_store(lambda: store.delete_institution(institution.id), deleted,
                       group="places-write", exclusive=False)

    # -- topic wishes ----------------------------------------------------------------------

    def action_wishes(self: PlacesScreen) -> None:
        self._after_typing(self._wishes)

    def _wishes(self: PlacesScreen) -> None:
        from tui.screens.registry.wishes import WishesScreen

        institution = self.current_institution()
        if institution is None:
            self.let_keys_go()
            return
        self.open_read(lambda: institution.id,
                  lambda institution_id: WishesScreen(institution_id=institution_id))

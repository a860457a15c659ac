"""The forms for a place and for a daycare institution.

Each saves while it is open (a refused save keeps what was typed); an edit goes through
``Editing``, so a change someone else saved meanwhile is shown field by field. The
choices come from the places screen's atlas, already in memory."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from tui.domain.parse import parse_name
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.domain.text import printable
from tui.i18n import N_, Message, _, msg
from tui.store.store import Store
from tui.views.registry import Atlas, place_choices
from tui.widgets.form import Editing, Field, FormScreen

COUNTRIES = (("GL", N_("Greenland")), ("DK", N_("Denmark")))


def country_choices() -> list[tuple[str, str]]:
    return [(_(label), code) for code, label in COUNTRIES]


# -- a place -------------------------------------------------------------------------------


def place_values(place: Place, atlas: Atlas) -> dict[str, str]:
    owner = atlas.municipality_of(place)
    return {"name": printable(place.name), "kind": place.kind.value,
            "country": place.country,
            "municipality_id": owner.id if owner is not None and owner is not place else ""}


def place_fields(place: Place | None, atlas: Atlas, near: Place | None) -> list[Field]:
    """``near``: the place under the cursor, whose country and municipality a new place
    most likely shares."""
    if place is not None:
        values = place_values(place, atlas)
    else:
        owner = atlas.municipality_of(near) if near else None
        values = {"name": "", "kind": PlaceKind.TOWN.value,
                  "country": near.country if near else "GL",
                  "municipality_id": owner.id if owner else ""}
    return [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
              required=True),
        Field("kind", _("Kind"), choices=[(k.label, k.value) for k in PlaceKind],
              value=values["kind"], required=True),
        Field("country", _("Country"), choices=country_choices(), value=values["country"],
              required=True),
        Field("municipality_id", _("Municipality (not for a municipality)"),
              choices=[(printable(p.name), p.id) for p in atlas.municipalities()
                       if place is None or p.id != place.id],
              value=values["municipality_id"]),
    ]


def check_place(values: dict[str, Any]) -> list[tuple[str, Message]]:
    if values.get("kind") != PlaceKind.MUNICIPALITY.value and not values.get("municipality_id"):
        return [("municipality_id", msg("Choose the municipality the place belongs to."))]
    return []


def place_from(values: dict[str, Any], base: Place | None) -> Place:
    kind = PlaceKind(values["kind"])
    start = base or Place(name="", kind=kind)
    return dataclasses.replace(
        start, name=values["name"], kind=kind, country=values["country"],
        municipality_id=None if kind is PlaceKind.MUNICIPALITY
        else values.get("municipality_id"))


def new_place_form(store: Store, atlas: Atlas, near: Place | None) -> FormScreen:
    return FormScreen(_("New place"), place_fields(None, atlas, near), check=check_place,
                      save=lambda values: store.places.add(place_from(values, None)))


def edit_place_form(store: Store, place: Place, atlas: Atlas) -> FormScreen:
    editing = Editing(
        _("The place"), place,
        save=lambda values, base: store.places.save(place_from(values, base),
                                                   expected_version=base.version),
        reread=lambda: store.places.find(place.id),
        values=lambda fresh: place_values(fresh, atlas))
    return FormScreen(_("Edit {name}").format(name=printable(place.name)),
                      place_fields(place, atlas, None), check=check_place, editing=editing)


# -- a daycare institution -----------------------------------------------------------------


def administration_near(atlas: Atlas, place_id: str | None) -> str:
    """The administration most institutions of the same municipality have."""
    place = atlas.places.get(place_id or "")
    owner = atlas.municipality_of(place) if place else None
    if owner is None:
        return ""
    nearby = Counter(i.administration for i in atlas.institutions_in(owner) if i.administration)
    return nearby.most_common(1)[0][0] if nearby else ""


def institution_values(institution: Institution) -> dict[str, str]:
    return {"name": printable(institution.name), "kind": institution.kind.value,
            "place_id": institution.place_id or "",
            "administration": institution.administration}


def institution_fields(institution: Institution | None, atlas: Atlas,
                       place_id: str | None) -> list[Field]:
    values = institution_values(institution) if institution else {
        "name": "", "kind": "", "place_id": place_id or "",
        "administration": administration_near(atlas, place_id)}
    return [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
              required=True),
        Field("kind", _("Kind"), choices=[(k.label, k.value) for k in InstitutionKind],
              value=values["kind"], required=True),
        Field("place_id", _("Place"), choices=place_choices(atlas.places),
              value=values["place_id"], required=True),
        Field("administration", _("Administration"), value=values["administration"],
              placeholder=_("for example Horsens Kommune, Dagtilbud")),
    ]


def institution_from(values: dict[str, Any], base: Institution | None) -> Institution:
    kind = InstitutionKind(values["kind"])
    start = base or Institution(name="", kind=kind)
    return dataclasses.replace(start, name=values["name"], kind=kind,
                               place_id=values["place_id"],
                               administration=values.get("administration") or "")


def new_institution_form(store: Store, atlas: Atlas, place_id: str | None) -> FormScreen:
    return FormScreen(_("New daycare institution"),
                      institution_fields(None, atlas, place_id),
                      save=lambda values: store.institutions.add(institution_from(values, None)))


def edit_institution_form(store: Store, institution: Institution, atlas: Atlas) -> FormScreen:
    editing = Editing(
        _("The institution"), institution,
        save=lambda values, base: store.institutions.save(
            institution_from(values, base), expected_version=base.version),
        reread=lambda: store.institutions.find(institution.id),
        values=institution_values)
    return FormScreen(_("Edit {name}").format(name=printable(institution.name)),
                      institution_fields(institution, atlas, None), editing=editing)

"""The person form: its fields, and the person its values make.

The choices (places, institutions) come from what the register screen has in memory, so
the form opens without reading the store on the UI thread; the save runs in a thread
and builds the person from the record as stored then (``Editing``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tui.domain.parse import parse_email, parse_name, parse_phone
from tui.domain.people import Person, Qualification, Role
from tui.domain.rules import validate_person
from tui.domain.text import printable
from tui.i18n import N_, Message, _
from tui.store.store import Store
from tui.views.registry import Surroundings, enum_choices, institution_choices, place_choices
from tui.widgets.form import Editing, Field, FormScreen


def person_values(person: Person | None) -> dict[str, str]:
    """What each field holds for ``person`` (None: a new person)."""
    if person is None:
        return dict.fromkeys(("name", "role", "qualification", "institution_id",
                              "place_id", "email", "phone"), "")
    return {
        # Offered cleaned: saving then rids a hand-edited record of escape sequences.
        "name": printable(person.name), "role": person.role.value,
        "qualification": person.qualification.value,
        "institution_id": person.institution_id or "", "place_id": person.place_id or "",
        "email": person.email, "phone": person.phone,
    }


def person_fields(person: Person | None, around: Surroundings) -> list[Field]:
    values = person_values(person)
    return [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
              required=True),
        Field("role", _("Role"), choices=enum_choices(Role), value=values["role"],
              required=True),
        Field("qualification", _("Qualification"), choices=enum_choices(Qualification),
              value=values["qualification"], required=True),
        Field("institution_id", _("Institution"),
              choices=institution_choices(around.institutions.values(), around.places),
              value=values["institution_id"]),
        Field("place_id", _("Place (empty: the institution's)"),
              choices=place_choices(around.places), value=values["place_id"]),
        Field("email", _("E-mail"), parse_email, values["email"]),
        Field("phone", _("Phone"), parse_phone, values["phone"]),
    ]


def person_from(values: Mapping[str, Any], base: Person | None,
                institutions: Mapping[str, Any]) -> Person:
    """The person the form's values describe, on top of ``base`` (its other fields kept).
    Without a place of their own a person is placed at their institution's."""
    place_id = values.get("place_id")
    if not place_id and values.get("institution_id"):
        institution = institutions.get(values["institution_id"])
        place_id = institution.place_id if institution else None
    start = base or Person(name="", role=Role.EMPLOYEE, qualification=Qualification.OTHER)
    return dataclasses.replace(
        start, name=values["name"], role=Role(values["role"]),
        qualification=Qualification(values["qualification"]),
        institution_id=values.get("institution_id") or None, place_id=place_id or None,
        email=values.get("email") or "", phone=values.get("phone") or "")


def check_person(values: dict[str, Any]) -> list[tuple[str, Message]]:
    if values.get("role") is None or values.get("qualification") is None:
        return []
    return validate_person(person_from(values, None, {}))


def new_person_form(store: Store, around: Surroundings) -> FormScreen:
    """Saves while open: a refused save leaves every typed character in the form."""
    return FormScreen(_("New person"), person_fields(None, around), check=check_person,
                      save=lambda values: store.people.add(
                          person_from(values, None, around.institutions)))


def edit_person_form(store: Store, person: Person, around: Surroundings) -> FormScreen:
    editing = Editing(
        _("The person"), person,
        save=lambda values, base: store.people.save(
            person_from(values, base, around.institutions), expected_version=base.version),
        reread=lambda: store.people.find(person.id),
        values=person_values)
    return FormScreen(_("Edit {name}").format(name=printable(person.name)),
                      person_fields(person, around), check=check_person, editing=editing)

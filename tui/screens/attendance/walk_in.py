"""The form for a walk-in at the attendance grid: who they are, in a few keys."""

from __future__ import annotations

from tui.domain.ordering import name_key
from tui.domain.parse import parse_name
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution
from tui.i18n import N_, _
from tui.store.ids import new_id
from tui.widgets.form import Field, FormScreen


def walk_in_form(day: str, institutions: list[Institution]) -> FormScreen:
    choices = sorted(((i.name, i.id) for i in institutions), key=lambda c: name_key(c[0]))
    return FormScreen(_("Someone not on the list, present on {day}").format(day=day), [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), required=True),
        # Most walk-ins are staff sent by their daycare; the training has no safe guess.
        Field("role", _("Role"), value=Role.EMPLOYEE, required=True,
              choices=[(r.label, r) for r in Role]),
        Field("qualification", _("Qualification"), required=True,
              choices=[(q.label, q) for q in Qualification]),
        Field("institution_id", _("Institution"), choices=choices),
    ])


def walk_in_person(values: dict) -> Person:
    return Person(id=new_id(), name=values["name"], role=Role(values["role"]),
                  qualification=Qualification(values["qualification"]),
                  institution_id=values.get("institution_id") or None)

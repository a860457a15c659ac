"""Who can be enrolled in a course: the registry as rows to pick from, with what a
search looks in and what the eligibility check needs. No Textual here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.ordering import name_key
from tui.domain.people import Person
from tui.domain.places import InstitutionKind, distinct_names
from tui.domain.text import fold
from tui.store.store import Store


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    name: str
    institution: str
    place: str
    haystack: str


@dataclass(frozen=True)
class Registry:
    candidates: tuple[Candidate, ...]
    people: dict[str, Person]
    kinds: dict[str, InstitutionKind]  # person id -> the kind of their institution


def load_registry(store: Store, leave_out: Iterable[str]) -> Registry:
    """Everyone but ``leave_out`` (those already in the course), by name."""
    left_out = set(leave_out)
    institutions = {i.id: i for i in store.institutions.all()}
    places = distinct_names(store.places.all())
    people = {p.id: p for p in store.people.all() if p.id not in left_out}
    candidates = []
    kinds: dict[str, InstitutionKind] = {}
    for person in sorted(people.values(), key=lambda p: name_key(p.name)):
        institution = institutions.get(person.institution_id or "")
        if institution is not None:
            kinds[person.id] = institution.kind
        place = places.get(person.place_id or (institution.place_id if institution else "")
                           or "", "")
        name = institution.name if institution else ""
        candidates.append(Candidate(person.id, person.name, name, place,
                                    fold(f"{person.name} {name} {place}")))
    return Registry(tuple(candidates), people, kinds)

"""What the registry screens show, read from the store: the people register with its
search, the places with their daycares, the programmes and the topic wishes.

Each read is one function a screen runs in a worker; the results are plain objects the
screen draws. The people register is built once and then kept up to date record by
record: a national register holds 50,000 people, and decoding all of them again for one
colleague's change would take longer than the change deserves.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING, Any

from tui.domain.courses import Course
from tui.domain.ordering import name_key, natural_key
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, Place, PlaceKind, distinct_names
from tui.domain.programmes import Programme, TopicWish
from tui.domain.text import fold, printable
from tui.i18n import language

if TYPE_CHECKING:
    from tui.store.store import Store


def format_count(n: int) -> str:
    """12.345 in Danish, 12,345 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "da" else text


# -- choices in forms ----------------------------------------------------------------------


def place_label(place: Place, places: Mapping[str, Place]) -> str:
    """A town's name with its municipality, so two places of one name are told apart."""
    municipality = places.get(place.municipality_id or "")
    return f"{place.name} ({municipality.name})" if municipality else place.name


def place_choices(places: Mapping[str, Place]) -> list[tuple[str, str]]:
    labelled = [(printable(place_label(p, places)), p.id) for p in places.values()]
    return sorted(labelled, key=lambda choice: name_key(choice[0]))


def institution_choices(institutions: Iterable[Institution],
                        places: Mapping[str, Place]) -> list[tuple[str, str]]:
    labelled = []
    names = distinct_names(places.values())
    for institution in institutions:
        place = names.get(institution.place_id or "")
        label = f"{institution.name} ({place})" if place else institution.name
        labelled.append((printable(label), institution.id))
    return sorted(labelled, key=lambda choice: name_key(choice[0]))


def enum_choices(members: Iterable[Role | Qualification]) -> list[tuple[str, Any]]:
    return [(member.label, member) for member in members]


@dataclass(frozen=True)
class Surroundings:
    """The places and institutions a person's form offers, read before it opens."""

    places: dict[str, Place]
    institutions: dict[str, Institution]


def read_surroundings(store: Store) -> Surroundings:
    return Surroundings({p.id: p for p in store.places.all()},
                        {i.id: i for i in store.institutions.all()})


# -- the people register -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: str
    version: int
    order: str
    cells: tuple[str, str, str, str, str]
    haystack: str


class Register:
    """Every person as a table row and a search text, sorted by name. Built in a worker
    thread and searched on every keystroke; no Textual here."""

    def __init__(self, institutions: Mapping[str, Institution],
                 places: Mapping[str, Place]) -> None:
        self.institutions = dict(institutions)
        self.places = dict(places)
        self.place_names = distinct_names(self.places.values())
        self.rows: list[PersonRow] = []
        self.by_id: dict[str, PersonRow] = {}
        # The last search and what it found (the rows and their search texts): a query
        # that only narrows it (one more letter typed) searches those matches instead of
        # everyone.
        self._last: tuple[list[str], list[PersonRow], list[str]] | None = None
        # The rows' search texts in their order, made again after a change.
        self._haystacks: list[str] | None = None

    @classmethod
    def build(cls, people: Iterable[Person], institutions: Mapping[str, Institution],
              places: Mapping[str, Place]) -> Register:
        register = cls(institutions, places)
        register._fill(register.row(p) for p in people)
        return register

    def _fill(self, rows: Iterable[PersonRow]) -> None:
        self.rows = sorted(rows, key=lambda r: r.order)
        self.by_id = {r.id: r for r in self.rows}
        self._changed()

    def _changed(self) -> None:
        self._last = None
        self._haystacks = None

    def row(self, person: Person) -> PersonRow:
        institution = self.institutions.get(person.institution_id or "")
        place = self.places.get(person.place_id or "")
        institution_name = institution.name if institution else ""
        place_name = self.place_names.get(place.id, "") if place else ""
        # A person without a place of their own is found by their institution's town.
        if place is None and institution is not None:
            place_name = self.place_names.get(institution.place_id or "", "")
        haystack = "\n".join(fold(t) for t in (person.name, institution_name, place_name))
        cells = (printable(person.name), person.role.label, person.qualification.label,
                 printable(institution_name), printable(place_name))
        return PersonRow(person.id, person.version, name_key(person.name) + "\0" + person.id,
                         cells, haystack)

    def upsert(self, person: Person) -> None:
        self.remove(person.id)
        row = self.row(person)
        bisect.insort(self.rows, row, key=lambda r: r.order)
        self.by_id[row.id] = row
        self._changed()

    def remove(self, person_id: str) -> None:
        row = self.by_id.pop(person_id, None)
        if row is None:
            return
        at = bisect.bisect_left(self.rows, row.order, key=lambda r: r.order)
        if at < len(self.rows) and self.rows[at].id == person_id:
            del self.rows[at]
        else:  # not where the order says: someone changed the name under us
            self.rows = [r for r in self.rows if r.id != person_id]
        self._changed()

    def search(self, query: str) -> list[PersonRow]:
        """Rows containing every word of ``query`` in the name, institution or place."""
        words = fold(query).split()
        if not words:
            return self.rows
        if self._haystacks is None:
            self._haystacks = [r.haystack for r in self.rows]
        found, haystacks = self.rows, self._haystacks
        if self._last is not None:
            before, matches, texts = self._last
            # Each earlier word inside a word now: every match now was a match then.
            if all(any(old in new for new in words) for old in before):
                found, haystacks = matches, texts
        for word in words:
            # The test and the picking done in C, over a list of plain strings: a loop in
            # Python that reads each row's text took half as long again (10-20 ms for
            # the first letter over 50,000).
            hit = list(map(contains, haystacks, repeat(word)))
            found = list(compress(found, hit))
            haystacks = list(compress(haystacks, hit))
        self._last = (words, found, haystacks)
        return found

    # -- following others' changes ----------------------------------------------------------

    def refreshed(self, store: Store, surroundings: Surroundings | None,
                  known: Mapping[str, PersonRow]) -> Register:
        """A register brought up to date with the store. With new ``surroundings`` every
        row is made again; otherwise only the people whose version changed are decoded.
        ``known``: this register's rows by id, copied on the UI thread (which may change
        the register while this runs in a worker)."""
        if surroundings is not None and (surroundings.places != self.places or
                                         surroundings.institutions != self.institutions):
            return Register.build(store.people.all(), surroundings.institutions,
                                  surroundings.places)
        versions = {rid: doc.get("version") for rid, doc in store.people.raw()}
        changed = [rid for rid, version in versions.items()
                   if (row := known.get(rid)) is None or row.version != version]
        gone = [rid for rid in known if rid not in versions]
        if not changed and not gone:
            return self
        fresh = Register(self.institutions, self.places)
        people = store.people.find_many(changed)
        rows = {rid: row for rid, row in known.items() if rid in versions}
        rows.update({rid: fresh.row(person) for rid, person in people.items()})
        fresh._fill(rows.values())
        return fresh


def read_register(store: Store) -> Register:
    surroundings = read_surroundings(store)
    return Register.build(store.people.all(), surroundings.institutions, surroundings.places)


# -- places and their daycares -------------------------------------------------------------

_KIND_ORDER = {kind: n for n, kind in enumerate(PlaceKind)}


@dataclass
class Atlas:
    """Everything the places screen shows, read in one go by a worker."""

    places: dict[str, Place] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    people_per_institution: Counter[str] = field(default_factory=Counter)

    def municipality_of(self, place: Place) -> Place | None:
        if place.kind is PlaceKind.MUNICIPALITY:
            return place
        return self.places.get(place.municipality_id or "")

    def order(self, place: Place) -> tuple[Any, ...]:
        # "Kommune 2" before "Kommune 10", as on any list of numbered things.
        municipality = self.municipality_of(place)
        group = (0, natural_key(municipality.name), municipality.id) if municipality \
            else (1, (), "")
        return (place.country, group, _KIND_ORDER[place.kind], natural_key(place.name))

    def institutions_in(self, place: Place) -> list[Institution]:
        ids = {place.id}
        if place.kind is PlaceKind.MUNICIPALITY:
            ids |= {p.id for p in self.places.values() if p.municipality_id == place.id}
        found = [i for i in self.institutions.values() if i.place_id in ids]
        return sorted(found, key=lambda i: name_key(i.name))

    def municipalities(self) -> list[Place]:
        found = [p for p in self.places.values() if p.kind is PlaceKind.MUNICIPALITY]
        return sorted(found, key=lambda p: (p.country, natural_key(p.name)))

    def daycare_names(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for institution in self.institutions.values():
            names.setdefault(institution.place_id or "", []).append(institution.name)
        return names


def people_per_institution(store: Store) -> Counter[str]:
    """How many people work at each institution, from the stored records as they are:
    50,000 people are counted without being decoded."""
    return Counter(doc["institution_id"] for _id, doc in store.people.raw()
                   if isinstance(doc.get("institution_id"), str))


def read_atlas(store: Store, people: Counter[str] | None = None) -> Atlas:
    """The places and daycares; ``people``: the counts already known (the people have not
    changed), so the register is not read for them."""
    return Atlas(places={p.id: p for p in store.places.all()},
                 institutions={i.id: i for i in store.institutions.all()},
                 people_per_institution=people_per_institution(store) if people is None
                 else people)


@dataclass(frozen=True)
class PlaceUse:
    """What still points at a place, so that it cannot be deleted."""

    people: int
    institutions: int
    places: int
    courses: int

    def __bool__(self) -> bool:
        return bool(self.people or self.institutions or self.places or self.courses)


def place_use(store: Store, place_id: str) -> PlaceUse:
    return PlaceUse(
        people=sum(1 for _id, doc in store.people.raw() if doc.get("place_id") == place_id),
        institutions=len(store.institutions.where(place_id=place_id)),
        places=len(store.places.where(municipality_id=place_id)),
        courses=len(store.courses.where(place_id=place_id)))


def institution_use(store: Store, institution_id: str) -> tuple[int, int]:
    """The people who work at the institution, and its topic wishes."""
    people = sum(1 for _id, doc in store.people.raw()
                 if doc.get("institution_id") == institution_id)
    return people, len(store.topic_wishes.where(institution_id=institution_id))


# -- programmes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeList:
    programmes: list[Programme]
    course_counts: Counter[str]


def read_programmes(store: Store) -> ProgrammeList:
    programmes = sorted(store.programmes.all(), key=lambda p: name_key(p.name))
    return ProgrammeList(programmes, Counter(c.programme_id for c in store.courses.all()))


def trained_per_programme(store: Store) -> dict[str, int]:
    """People who completed a course, per programme: needs every course's figures."""
    from tui.store.reporting import trained_by_programme

    return trained_by_programme(store, store.courses.all())


def topic_use(store: Store, programme_id: str, key: str) -> tuple[list[Course], int]:
    """The programme's courses and topic wishes that chose the topic ``key``."""
    courses = [c for c in store.courses.where(programme_id=programme_id) if key in c.topic_keys]
    wishes = sum(1 for w in store.topic_wishes.where(programme_id=programme_id)
                 if key in w.topic_keys)
    return courses, wishes


def form_use(store: Store, programme_id: str, key: str) -> int:
    return sum(1 for c in store.courses.where(programme_id=programme_id) if c.form_key == key)


def goal_ratings(store: Store, programme_id: str, key: str) -> int:
    """How often participants rated the learning goal ``key``: each course's own file."""
    return sum(len(store.ratings(course.id).where(goal_key=key))
               for course in store.courses.where(programme_id=programme_id))


# -- topic wishes --------------------------------------------------------------------------


@dataclass(frozen=True)
class WishList:
    wishes: list[TopicWish]
    programmes: dict[str, Programme]
    institutions: dict[str, Institution]


def read_wishes(store: Store, *, institution_id: str | None = None,
                programme_id: str | None = None) -> WishList:
    equals = ({"institution_id": institution_id} if institution_id
              else {"programme_id": programme_id})
    return WishList(store.topic_wishes.where(**equals),
                    {p.id: p for p in store.programmes.all()},
                    {i.id: i for i in store.institutions.all()})

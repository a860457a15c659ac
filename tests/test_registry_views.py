"""The registry's read models on a real database file: the people register brought up
to date with only the people who changed, and the search that narrows as one types."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.store.store import Store
from tui.views.registry import read_register, read_surroundings


def registry(path: Path) -> Store:
    store = Store.open(path)
    with store.transaction():
        store.places.add(Place(id="nuuk", name="Nuuk", kind=PlaceKind.TOWN))
        store.institutions.add(Institution(id="qilak", name="Qilak",
                                           kind=InstitutionKind.INTEGRATED, place_id="nuuk"))
        store.people.add_many([
            Person(id=f"p{n}", name=name, role=Role.EMPLOYEE,
                   qualification=Qualification.OTHER, institution_id="qilak")
            for n, name in enumerate(["Aviaja", "Bo", "Carl", "Dina"])])
    return Store.open(path)


def test_a_refresh_reads_only_the_people_who_changed(tmp_path: Path) -> None:
    store = registry(tmp_path / "k.json")
    register = read_register(store)
    before = dict(register.by_id)
    # Another administrator renames Bo, adds Ane and erases Dina.
    other = Store.open(tmp_path / "k.json")
    other.people.save(dataclasses.replace(other.people.get("p1"), name="Bolethe"))
    other.people.add(Person(id="p9", name="Ane", role=Role.LEADER,
                            qualification=Qualification.PEDAGOGUE))
    other.people.delete("p3")
    fresh = register.refreshed(store, None, before)
    assert [r.cells[0] for r in fresh.rows] == ["Ane", "Aviaja", "Bolethe", "Carl"]
    # The people nobody touched keep their rows as they were: they were not decoded.
    assert fresh.by_id["p0"] is before["p0"] and fresh.by_id["p2"] is before["p2"]
    assert fresh.by_id["p1"] is not before["p1"]
    # Nothing changed since: the same register back.
    assert fresh.refreshed(store, None, dict(fresh.by_id)) is fresh


def test_a_renamed_institution_is_searched_by_its_new_name(tmp_path: Path) -> None:
    store = registry(tmp_path / "k.json")
    register = read_register(store)
    assert len(register.search("qilak")) == 4
    store.institutions.save(dataclasses.replace(store.institutions.get("qilak"),
                                                name="Kuuk"))
    fresh = register.refreshed(store, read_surroundings(store), dict(register.by_id))
    assert fresh.search("qilak") == []
    assert [r.cells[3] for r in fresh.search("kuuk")] == ["Kuuk"] * 4


def test_typing_on_narrows_the_last_matches_and_a_new_word_searches_again(
        tmp_path: Path) -> None:
    register = read_register(registry(tmp_path / "k.json"))
    # Everyone works at Qilak in Nuuk: "a" and "nuuk" find all four.
    assert len(register.search("a")) == len(register.search("nuuk")) == 4
    assert [r.id for r in register.search("ar")] == ["p2"]  # Carl
    # "b" does not contain "ar": everyone is searched again, not only Carl.
    assert [r.id for r in register.search("b")] == ["p1"]
    assert [r.id for r in register.search("nuuk bo")] == ["p1"]
    assert [r.id for r in register.search("nuuk a din")] == ["p3"]

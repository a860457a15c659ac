"""The registry's operations that span tables, on a real database file: deleting a
place, an institution or a programme (with what goes with them, refused while something
still points at them), a course made from a topic wish, and a change to a programme
applied to the record as stored. Each is one commit: a kill at any step leaves it whole
or absent."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.crash import copy_database, count_steps, kill_points, run_in_child
from tui.domain.courses import Course
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.domain.programmes import Programme, Topic, TopicWish, WishStatus
from tui.store.errors import StoreError
from tui.store.store import Store


def build(path: Path) -> Store:
    """A municipality with a town; two daycares in the town, one with a worker; two
    programmes, one with a course; wishes of both daycares for both programmes."""
    store = Store.open(path)
    with store.transaction():
        store.places.add_many([
            Place(id="mun", name="Kommuneqarfik Sermersooq", kind=PlaceKind.MUNICIPALITY),
            Place(id="nuuk", name="Nuuk", kind=PlaceKind.TOWN, municipality_id="mun"),
            Place(id="empty", name="Kapisillit", kind=PlaceKind.SETTLEMENT,
                  municipality_id="mun")])
        store.institutions.add_many([
            Institution(id="qilak", name="Qilak", kind=InstitutionKind.INTEGRATED,
                        place_id="nuuk"),
            Institution(id="puisi", name="Puisi", kind=InstitutionKind.KINDERGARTEN,
                        place_id="nuuk")])
        store.people.add_many([Person(id="ane", name="Ane", role=Role.LEADER,
                                      qualification=Qualification.PEDAGOGUE,
                                      institution_id="puisi")])
        store.programmes.add_many([
            Programme(id="gl3", name="Initiativ 3", topics=[Topic(key="a", name="A")]),
            Programme(id="new", name="Nyt program")])
        store.courses.add_many([Course(id="c1", programme_id="gl3", name="Hold 1")])
        store.topic_wishes.add_many([
            TopicWish(id=f"w-{i}-{p}", programme_id=p, institution_id=i, topic_keys=["a"])
            for i in ("qilak", "puisi") for p in ("gl3", "new")])
    return Store.open(path)


def wishes(store: Store) -> set[str]:
    return {w.id for w in store.topic_wishes.all()}


def test_an_institution_goes_with_its_wishes_and_only_its_own(tmp_path: Path) -> None:
    build(tmp_path / "k.json")
    assert Store.open(tmp_path / "k.json").delete_institution("qilak") == 2
    store = Store.open(tmp_path / "k.json")  # as the next process sees it
    assert store.institutions.find("qilak") is None
    assert wishes(store) == {"w-puisi-gl3", "w-puisi-new"}


def test_an_institution_where_someone_works_is_kept_whole(tmp_path: Path) -> None:
    build(tmp_path / "k.json")
    with pytest.raises(StoreError, match="People work at Puisi now"):
        Store.open(tmp_path / "k.json").delete_institution("puisi")
    store = Store.open(tmp_path / "k.json")
    assert store.institutions.find("puisi") is not None and len(wishes(store)) == 4


def test_a_programme_goes_with_its_wishes_but_not_while_it_has_courses(
        tmp_path: Path) -> None:
    build(tmp_path / "k.json")
    with pytest.raises(StoreError, match="Initiativ 3 has courses now"):
        Store.open(tmp_path / "k.json").delete_programme("gl3")
    assert Store.open(tmp_path / "k.json").delete_programme("new") == 2
    store = Store.open(tmp_path / "k.json")
    assert [p.id for p in store.programmes.all()] == ["gl3"]
    assert wishes(store) == {"w-qilak-gl3", "w-puisi-gl3"}


def test_a_place_is_deleted_only_when_nothing_points_at_it(tmp_path: Path) -> None:
    store = build(tmp_path / "k.json")
    # The municipality has towns, Nuuk has daycares; a person and a course make an
    # empty settlement in use too.
    for place in ("mun", "nuuk"):
        with pytest.raises(StoreError, match="is in use now"):
            store.delete_place(place)
    store.people.add(Person(id="bo", name="Bo", role=Role.EMPLOYEE,
                            qualification=Qualification.OTHER, place_id="empty"))
    with pytest.raises(StoreError, match="Kapisillit is in use now"):
        store.delete_place("empty")
    store.people.delete("bo")
    store.courses.add(Course(id="c2", programme_id="gl3", name="Hold 2", place_id="empty"))
    with pytest.raises(StoreError, match="Kapisillit is in use now"):
        store.delete_place("empty")
    store.delete_course("c2")
    assert store.delete_place("empty") is True
    assert {p.id for p in Store.open(tmp_path / "k.json").places.all()} == {"mun", "nuuk"}


def test_a_course_from_a_wish_is_noted_on_the_wish(tmp_path: Path) -> None:
    build(tmp_path / "k.json")
    made = Store.open(tmp_path / "k.json").course_from_wish(
        "w-qilak-gl3", Course(programme_id="gl3", name="Initiativ 3: Qilak 2026",
                              topic_keys=["a"], place_id="nuuk"))
    store = Store.open(tmp_path / "k.json")
    wish = store.topic_wishes.get("w-qilak-gl3")
    assert (wish.status, wish.course_ids, wish.version) == (
        WishStatus.COURSE_CREATED, [made.id], 2)
    assert store.courses.get(made.id).name == "Initiativ 3: Qilak 2026"


def test_a_change_to_a_programme_keeps_what_someone_saved_meanwhile(tmp_path: Path) -> None:
    store = build(tmp_path / "k.json")
    read = store.programmes.get("gl3")
    other = Store.open(tmp_path / "k.json")
    other.programmes.save(dataclasses.replace(read, owner="Sermersooq"),
                          expected_version=read.version)
    # A topic added from the copy read before: applied to the stored one, owner kept.
    store.change_programme("gl3", lambda p: dataclasses.replace(
        p, topics=[*p.topics, Topic(key="b", name="B")]))
    fresh = Store.open(tmp_path / "k.json").programmes.get("gl3")
    assert fresh.owner == "Sermersooq"
    assert [t.key for t in fresh.topics] == ["a", "b"]
    assert fresh.version == read.version + 2


# -- one commit each -----------------------------------------------------------------------


def state(path: Path) -> tuple[object, ...]:
    store = Store.open(path)
    return (sorted(i.id for i in store.institutions.all()),
            sorted(p.id for p in store.programmes.all()), sorted(wishes(store)),
            sorted(c.id for c in store.courses.all()),
            [w.course_ids for w in sorted(store.topic_wishes.all(), key=lambda w: w.id)])


OPERATIONS: dict[str, Callable[[Path], Callable[[], object]]] = {
    "delete_institution": lambda db: lambda: Store.open(db).delete_institution("qilak"),
    "delete_programme": lambda db: lambda: Store.open(db).delete_programme("new"),
    "course_from_wish": lambda db: lambda: Store.open(db).course_from_wish(
        "w-qilak-gl3", Course(id="c9", programme_id="gl3", name="Hold 9")),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_kill_at_every_step_leaves_the_operation_whole_or_absent(
        name: str, tmp_path: Path) -> None:
    template = tmp_path / "template"
    build(template / "k.json")
    before = state(template / "k.json")
    done = copy_database(template, tmp_path / "done") / "k.json"
    steps = count_steps(OPERATIONS[name](done))
    after = state(done)
    assert after != before
    seen_after = 0
    for n, point in enumerate(kill_points(steps)):
        db = copy_database(template, tmp_path / f"k{n}") / "k.json"
        status = run_in_child(OPERATIONS[name](db), point)
        assert os.WIFSIGNALED(status), (point, status)
        seen = state(db)
        assert seen in (before, after), point
        seen_after += seen == after
    # Killed after its last durable step, the change is there.
    assert seen_after >= 1

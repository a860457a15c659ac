"""The place lists shipped with Kuffert (data/places_gl.json, places_dk.json), added to a
database from the places screen instead of being typed one by one."""

from __future__ import annotations

from tui.domain.places import Place
from tui.resources import load_json
from tui.store.codec import decode
from tui.store.store import Store


def shipped(file: str) -> list[Place]:
    return [decode(Place, d["id"], d) for d in load_json(file)["places"]]


def missing_places(store: Store, file: str) -> list[Place]:
    """The shipped places the database lacks (by id), municipalities first, so that a
    town is never added before the municipality it points to."""
    present = {p.id for p in store.places.all()}
    return [p for p in shipped(file) if p.id not in present]


def add_places(store: Store, places: list[Place]) -> int:
    """Add ``places`` in one change; any added by someone else meanwhile are left out."""
    with store.transaction():
        present = {p.id for p in store.places.all()}
        fresh = [p for p in places if p.id not in present]
        if fresh:
            store.places.add_many(fresh)
    return len(fresh)

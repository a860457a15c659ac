"""Merging a field copy's changes into the office database, one record at a time.

Pure rules on plain dicts. A record's *stamp* is (version, updated_at, updated_by): it
tells one saved state of a record from another, and orders them. The same rules run on
every machine, so two merges of the same changes agree on what happens and on which
version a conflict shows until a person resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

META_FIELDS = ("version", "created_at", "updated_at", "updated_by")

Stamp = tuple[int, str, str]
NO_STAMP: Stamp = (0, "", "")


def stamp_of(doc: Mapping[str, Any] | None) -> Stamp | None:
    if doc is None:
        return None
    version = doc.get("version", 0)
    return (version if isinstance(version, int) else 0, str(doc.get("updated_at", "")),
            str(doc.get("updated_by", "")))


def content(doc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What a person wrote, without the bookkeeping that differs between two copies."""
    if doc is None:
        return None
    return {k: v for k, v in doc.items() if k not in META_FIELDS}


class Outcome(StrEnum):
    TAKEN = "taken"
    PRESENT = "present"
    CONFLICT = "conflict"


def decide(
    *,
    office: Mapping[str, Any] | None,
    incoming: Mapping[str, Any] | None,
    incoming_version: int,
    base: Stamp | None,
    seen_from_this_field: Iterable[Stamp],
) -> Outcome:
    """What to do with one record the field changed (``incoming`` None: deleted there).

    ``base`` is the office's stamp the field started from (None: created in the field);
    ``seen_from_this_field`` the stamps this field copy brought back before.
    """
    seen = list(seen_from_this_field)
    if any(s[0] >= incoming_version for s in seen):
        return Outcome.PRESENT  # a later bundle from the same copy repeats older changes
    if content(office) == content(incoming):
        return Outcome.PRESENT  # both sides made the same change, or it came back before
    office_stamp = stamp_of(office)
    if office_stamp == base or (office_stamp is not None and office_stamp in seen):
        return Outcome.TAKEN  # the office has not touched it since the field saw it
    return Outcome.CONFLICT


@dataclass(frozen=True)
class Version:
    """One side's state of a record in a conflict; ``doc`` None means deleted."""

    origin: str  # "office" or "field"
    field_id: str
    stamp: Stamp
    doc: dict[str, Any] | None

    @property
    def deleted(self) -> bool:
        return self.doc is None

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "field_id": self.field_id, "stamp": list(self.stamp),
                "doc": self.doc}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Version:
        version, at, by = raw["stamp"]
        return cls(str(raw["origin"]), str(raw["field_id"]), (int(version), str(at), str(by)),
                   raw["doc"])


def sort_versions(versions: Iterable[Version]) -> list[Version]:
    return sorted(versions, key=lambda v: (v.stamp, v.origin, v.field_id))


def shown(versions: Sequence[Version]) -> Version:
    """The version a conflict shows until resolved, and the one the database holds.

    The office's own version when it has one: a field copy chooses its stamps (a crafted
    bundle can say version 99), so no field version displaces the office's before a
    person decides. Between field versions only: a kept record before a deletion (no
    one loses sight of data), then the higher stamp; independent of merge order."""
    office = [v for v in versions if v.origin == "office"]
    if office:
        return office[0]
    return max(versions, key=lambda v: (not v.deleted, v.stamp, v.origin, v.field_id))


def add_version(versions: Sequence[Version], new: Version) -> list[Version]:
    """A newer version from the same field copy replaces its older one."""
    kept = [v for v in versions if not (v.origin == "field" and v.field_id == new.field_id
                                       and new.origin == "field")]
    return sort_versions([*kept, new])


def differing_fields(versions: Sequence[Version]) -> list[str]:
    """Field names in display order, the ones whose values differ first."""
    names: list[str] = []
    for v in versions:
        for name in content(v.doc) or {}:
            if name not in names:
                names.append(name)
    docs = [content(v.doc) or {} for v in versions]

    def differs(name: str) -> bool:
        return len({repr(d.get(name)) for d in docs}) > 1

    return sorted(names, key=lambda n: not differs(n))


def person_key(doc: Mapping[str, Any]) -> tuple[str, Any]:
    """A walk-in with the key of a registered person (same name, same institution) may
    be that person: flagged for someone to look at, never merged by guess."""
    institution = doc.get("institution_id")
    return (" ".join(str(doc.get("name") or "").casefold().split()),
            institution if isinstance(institution, str) else None)

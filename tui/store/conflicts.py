"""Records changed both in the office and in the field: kept with every version until a
person settles them; and walk-ins kept apart for someone to check.

An erasure reaches here too: a conflict keeps whole copies of records, and a review
names people, so neither may outlive the person erased.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from tui.domain.merge import Version, add_version, shown, sort_versions, stamp_of
from tui.i18n import msg
from tui.store.codec import DecodeError, decode
from tui.store.ids import now, who
from tui.store.store import Store
from tui.store.sync_records import (
    CLASSES,
    CONFLICTS,
    REVIEWS,
    Loc,
    SyncError,
    check_bookkeeping,
    docs,
    meta_doc,
    put,
    set_meta,
)


def conflict_id(loc: Loc) -> str:
    return hashlib.sha256(loc.key.encode("utf-8")).hexdigest()[:16]


def add_conflict(store: Store, loc: Loc, office: dict[str, Any] | None,
                  incoming: dict[str, Any] | None, in_stamp: tuple[int, str, str],
                  field_id: str, brought: list[list[Any]],
                  open_conflict: dict[str, Any] | None, subject: str | None) -> None:
    if open_conflict is not None:
        versions = [Version.from_json(v) for v in open_conflict["versions"]]
    else:
        office_stamp = stamp_of(office) or (0, "", "")
        # The office may be showing a version an earlier field bundle brought: name it so.
        from_field = [s[0] for s in brought if tuple(s[1:]) == office_stamp]
        origin_of = ("field", from_field[0]) if from_field else ("office", "")
        versions = [Version(origin_of[0], origin_of[1], office_stamp, office)]
    versions = add_version(versions, Version("field", field_id, in_stamp, incoming))
    if not any(v.origin == "office" for v in versions):
        # Only versions from field copies (the office's record came from an earlier
        # bundle): show the same one whatever order the bundles came in. An office
        # version is never replaced before someone resolves: the stamps a bundle
        # carries are the sender's to choose.
        put(store, loc, shown(versions).doc)
    set_meta(store, CONFLICTS, conflict_id(loc), {
        "scope": loc.scope, "course": loc.course, "table": loc.table, "record_id": loc.id,
        "subject": subject or (open_conflict or {}).get("subject"),
        "versions": [v.to_json() for v in sort_versions(versions)],
    })


def forget_person(store: Store, person_id: str) -> None:
    """Part of an erasure: conflicts keep whole versions of records, and reviews name
    people; none of it may outlive the person. Runs in the erasure's transaction."""
    if not store.exists():
        return
    with store.transaction():
        check_bookkeeping(store, CONFLICTS, REVIEWS)
        for cid, doc in list(docs(store, "main", CONFLICTS).items()):
            about = {doc.get("subject")} | {
                (v.get("doc") or {}).get("person_id") for v in doc.get("versions", [])}
            if person_id in about or (doc.get("table") == "people"
                                      and doc.get("record_id") == person_id):
                set_meta(store, CONFLICTS, cid, None)
        for rid, doc in list(docs(store, "main", REVIEWS).items()):
            matches = [m for m in doc.get("matches", []) if m != person_id]
            if rid == person_id or not matches:
                set_meta(store, REVIEWS, rid, None)
            elif matches != doc.get("matches"):
                set_meta(store, REVIEWS, rid, {**doc, "matches": matches})


@dataclass(frozen=True)
class Conflict:
    id: str
    loc: Loc
    versions: list[Version]

    @property
    def shown(self) -> Version:
        return shown(self.versions)

    def side(self, keep: str) -> Version | None:
        """The office's version, or the field's (the newest, if several came back)."""
        found = [v for v in self.versions if v.origin == keep]
        return max(found, key=lambda v: v.stamp) if found else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "table": self.loc.table, "record_id": self.loc.id,
                "course": self.loc.course, "shown": self.versions.index(self.shown),
                "versions": [{"origin": v.origin, "version": v.stamp[0],
                              "updated_at": v.stamp[1], "updated_by": v.stamp[2],
                              "deleted": v.deleted, "fields": v.doc} for v in self.versions]}


def open_conflicts(store: Store) -> list[Conflict]:
    if not store.exists():
        return []
    check_bookkeeping(store, CONFLICTS)
    found = []
    for cid, doc in sorted(docs(store, "main", CONFLICTS).items()):
        try:
            loc = Loc(doc["scope"], doc["table"], doc["record_id"], doc.get("course"))
            versions = [Version.from_json(v) for v in doc["versions"]]
        except (KeyError, TypeError, ValueError):
            continue  # a hand-broken entry: shown by nobody, fixed by a new merge
        found.append(Conflict(cid, loc, versions))
    return found


def conflict_count(store: Store) -> int:
    return len(docs(store, "main", CONFLICTS)) if store.exists() else 0


class UnknownConflict(SyncError):
    pass


def resolve(store: Store, conflict: str, keep: str | None = None,
            fields: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Settle a conflict: keep the office's or the field's version, or ``fields`` as
    edited from both. The result is a new version above every version in the conflict,
    so no later bundle can mistake it for one it already had."""
    with store.transaction():
        found = {c.id: c for c in open_conflicts(store)}.get(conflict)
        if found is None:
            raise UnknownConflict(msg("There is no conflict with the id {id}. "
                                      "'kuffert conflicts' lists them.", id=conflict))
        if fields is not None:
            doc: dict[str, Any] | None = dict(fields)
        else:
            side = found.side(keep or "")
            if side is None:
                raise SyncError(msg("This conflict has no version from that side ({side}).",
                                    side=keep or "?"))
            doc = None if side.doc is None else dict(side.doc)
        if doc is not None:
            try:
                decode(CLASSES[(found.loc.scope, found.loc.table)], found.loc.id, doc)
            except DecodeError as error:
                raise SyncError(msg("The edited record cannot be saved: {problem}",
                                    problem=str(error))) from None
            top = max(v.stamp[0] for v in found.versions)
            created = [v.doc.get("created_at") for v in found.versions if v.doc]
            doc.update(version=top + 1, updated_at=now(), updated_by=who(),
                       created_at=doc.get("created_at") or (created[0] if created else now()))
        put(store, found.loc, doc)
        set_meta(store, CONFLICTS, conflict, None)
    return doc


def reviews(store: Store) -> list[dict[str, Any]]:
    check_bookkeeping(store, REVIEWS)
    return [dict(d) for d in docs(store, "main", REVIEWS).values()] if store.exists() else []


def dismiss_review(store: Store, person_id: str) -> None:
    """Someone has looked at a walk-in flagged as maybe a registered person."""
    with store.transaction():
        if meta_doc(store, REVIEWS, person_id) is None:
            raise SyncError(msg("No walk-in {id} is waiting for review.", id=person_id))
        set_meta(store, REVIEWS, person_id, None)

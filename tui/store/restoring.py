"""Restoring a backup, and erasing a person from the backups too.

A restore is one commit: the backup's files, minus every person erased since it was
taken, replace the live files all at once, and the state they replace is kept as a
backup of its own so that a wrong restore can be undone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from tui.i18n import Message, msg
from tui.store import backup, figures
from tui.store.backup import Backup
from tui.store.database import ERASURES, SCHEMA_VERSION
from tui.store.errors import StoreError
from tui.store.files import read_regular
from tui.store.storage import decode_tables
from tui.store.store import Store


def restore(store: Store, source: Backup) -> set[str]:
    """Put ``source`` in place of the live database; returns the ids of the people
    erased again because the backup still held them."""
    db, layout = store.db, store.db.layout
    incoming = backup.read_backup(source)
    root = layout.main.parent
    migrated = False
    with db.transaction():
        current = {}
        for path in layout.data_files():
            found = read_regular(path)
            if found is not None:
                current[path.relative_to(root)] = found[0]
        # Erasures since the backup was taken are known to the live database, or (when
        # its main file is the broken one) to the backups taken after them.
        erased = _erasures_in(store, current) | _erasures_in(store, incoming)
        for other in backup.list_backups(layout):
            erased |= _erasures_in(store, backup.read_backup(other))
        if current:
            backup.create(layout, mode=db.mode, label="before-restore", contents=current)
        for rel in current:
            path = root / rel
            if rel not in incoming and path != layout.main:
                # Course files, people files (or the one people file of an older schema)
                # the backup did not have.
                if path.parent == layout.courses:
                    db.delete_course_file(path.stem)
                else:
                    db.delete_file(path)
        for rel, raw in incoming.items():
            path = root / rel
            if not layout.is_data_file(path):
                continue  # a file that is no part of a database (planted in the backup)
            _stage(store, path, decode_tables(path, raw))
        # A backup of an older schema is brought up to this one, so that the people it
        # holds are where this Kuffert looks for them (and erased again below).
        version = db.schema_version()
        if version is not None and version < SCHEMA_VERSION:
            db.upgrade(version)
            migrated = True
        again = {pid for pid in erased if store.people.find(pid) is not None}
        for pid in sorted(again):
            store.erase_person(pid)
        # The log is kept whatever the backup held (a backup of schema 3 has none, and
        # the live one was to go with the other files it lacks).
        db.erasures.delete_on_commit = False
        table = db.erasures.table(ERASURES)
        for pid in erased:
            if table.get(doc_id=pid) is None:
                table.insert(_erasure_doc(pid))
    if migrated:
        figures.fill_in(store)
    return again


def _stage(store: Store, path: Path, tables: dict) -> None:
    layout = store.db.layout
    courses = path.parent == layout.courses
    f = store.db.course_file(path.stem) if courses else store.db._file(path)
    f.storage.write(tables)


def _erasures_in(store: Store, contents: dict[Path, bytes]) -> set[str]:
    """The erasures a database's files record: in the erasure log, and (schema 3 and
    before) in the main file."""
    layout, root = store.db.layout, store.db.layout.main.parent
    found: set[str] = set()
    for path in (layout.erasures, layout.main):
        raw = contents.get(path.relative_to(root))
        if raw is None:
            continue
        try:
            tables = decode_tables(path, raw)
        except StoreError:
            continue
        found |= set(tables.get(ERASURES, {}))
    return found


def _erasure_doc(person_id: str):
    from tinydb.table import Document

    from tui.store.ids import now, who

    return Document({"at": now(), "by": who()}, doc_id=person_id)


def backup_retention(store: Store, person_id: str) -> Message:
    """How long the backups keep a person after erasure, for the confirmation."""
    held = len(backup.names(store.db.layout))
    if not held:
        return msg("No backup holds them.")
    return msg(
        "The backups taken before now ({n} in all) still hold them until they rotate out, "
        "after {keep} more days with changes (Kuffert keeps {keep} daily backups). "
        "'kuffert erase {id} --purge-backups' removes them from the backups now.",
        n=held, keep=store.db.backups_keep, id=person_id)


def purge_from_backups(store: Store, person_id: str) -> int:
    """Erase the person from every backup now; returns how many held them."""
    from tui.store.database import Database

    purged = 0
    for found in backup.list_backups(store.db.layout):
        copy = Store(Database(found.path / store.db.layout.main.name, backups=False,
                              shared=store.db.shared))
        with contextlib.suppress(StoreError):
            if copy.people.find(person_id) is not None:
                copy.erase_person(person_id)
                backup.forget_manifest(found.path)
                purged += 1
        # The copy's lock file is not part of the backup.
        with contextlib.suppress(FileNotFoundError):
            copy.db.layout.lock.unlink()
    return purged

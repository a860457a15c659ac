"""One change, one commit, however many files it writes.

Each new file content is first written to its own durable temp file. When a change
touches more than one file, a commit record naming every prepared temp file (and every
file to delete) is then made durable: that is the moment of commit. Only after it are the
temp files renamed into place and the deletions done, and the record is removed last.

- A crash before the record exists leaves the old state; the temp files are swept up by
  the next writer.
- A crash after it leaves a change that the next process to take the lock finishes (the
  steps can be repeated safely).
- A reader that finds a record reads the prepared files in place of the old ones, so no
  reader sees half of a change even while the renames are happening.

A one-file change needs no record: a rename is atomic by itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tui.i18n import msg
from tui.store.errors import CorruptDatabase, StoreError
from tui.store.files import (
    TEMP_SUFFIX,
    atomic_write,
    fsync_dir,
    read_regular,
    real_folders,
    remove,
    replace,
    write_temp,
)
from tui.store.layout import Layout

_FORMAT = "kuffert-commit-1"


@dataclass(frozen=True)
class Step:
    """Put ``temp`` at ``path``; with no temp, delete ``path``. ``digest`` is the new
    content's SHA-256: after a crash a missing temp file is only fine if it is in place."""

    path: Path
    temp: Path | None
    digest: str = ""


def prepare(writes: list[tuple[Path, bytes, int]], deletes: list[Path]) -> list[Step]:
    """Durable temp files for every write; nothing visible changes yet."""
    steps: list[Step] = []
    # The digest is for a commit record, which a change of one file does without (a mark
    # of a 4 MB course would hash it for nothing).
    several = len(writes) + len(deletes) > 1
    try:
        for path, data, mode in writes:
            steps.append(Step(path, write_temp(path.parent, path.name, data, mode),
                              hashlib.sha256(data).hexdigest() if several else ""))
    except BaseException:
        abandon(steps)
        raise
    return steps + [Step(path, None) for path in deletes]


def abandon(steps: list[Step]) -> None:
    for step in steps:
        if step.temp is not None:
            remove(step.temp)


def apply(layout: Layout, steps: list[Step], mode: int) -> None:
    """Make the prepared change the database's state, all of it or (after a crash
    before the record is durable) none of it."""
    if len(steps) == 1:
        step = steps[0]
        if step.temp is None:
            remove(step.path)
        else:
            replace(step.temp, step.path)
        fsync_dir(step.path.parent)
        return
    atomic_write(layout.commit, _encode(layout, steps), mode)
    finish(layout, steps)


def finish(layout: Layout, steps: list[Step]) -> None:
    """Carry out a committed change; safe to repeat after a crash at any point."""
    root = layout.main.parent
    folders: set[Path] = set()
    for step in steps:
        real_folders(step.path.parent, root)
        if step.temp is None:
            remove(step.path)
        elif os.path.lexists(step.temp):
            replace(step.temp, step.path)
        elif step.digest and _digest(step.path) != step.digest:
            # Neither the prepared file nor its content in place: someone removed it.
            raise CorruptDatabase(layout.commit, msg(
                "this change cannot be finished: the prepared new content of {name} is "
                "gone. Restore the newest backup (kuffert backup, kuffert restore NAME)",
                name=str(step.path)))
        folders.add(step.path.parent)
    for folder in sorted(folders):
        if folder.is_dir():
            fsync_dir(folder)
    remove(layout.commit)
    fsync_dir(layout.commit.parent)


def _digest(path: Path) -> str:
    try:
        found = read_regular(path)
    except StoreError:
        return ""
    return hashlib.sha256(found[0]).hexdigest() if found else ""


def pending(layout: Layout) -> list[Step] | None:
    """The change a killed writer committed but did not finish, if there is one."""
    found = read_regular(layout.commit)
    if found is None:
        return None
    return _decode(layout, found[0])


def _encode(layout: Layout, steps: list[Step]) -> bytes:
    root = layout.main.parent
    return json.dumps({
        "format": _FORMAT,
        "steps": [[str(s.path.relative_to(root)),
                   s.temp.name if s.temp is not None else None, s.digest] for s in steps],
    }).encode()


def _decode(layout: Layout, raw: bytes) -> list[Step]:
    """Read a commit record; one that names anything but this database's own files
    (a planted or hand-edited record) is refused, never carried out."""
    def broken(why: str) -> CorruptDatabase:
        return CorruptDatabase(layout.commit, msg(
            "this record of an unfinished change {why}; move it away to open the "
            "database as it was before the change", why=why))

    try:
        record = json.loads(raw)
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            raise broken(msg("is not one Kuffert wrote"))
        items = record["steps"]
        if not isinstance(items, list):
            raise broken(msg("is not one Kuffert wrote"))
    except (ValueError, KeyError, RecursionError):
        raise broken(msg("is not one Kuffert wrote")) from None
    root = layout.main.parent
    steps = []
    for item in items:
        if (not isinstance(item, list) or len(item) not in (2, 3)
                or not isinstance(item[0], str)
                or not (item[1] is None or isinstance(item[1], str))
                or not isinstance(item[2] if len(item) == 3 else "", str)):
            raise broken(msg("is not one Kuffert wrote"))
        path = root / item[0]
        if not layout.is_data_file(path):
            raise broken(msg("names a file outside the database ({name})", name=item[0]))
        temp = None
        if item[1] is not None:
            name = item[1]
            if (os.sep in name or not name.startswith(f".{path.name}.")
                    or not name.endswith(TEMP_SUFFIX)):
                raise broken(msg("names a file outside the database ({name})", name=name))
            temp = path.parent / name
        steps.append(Step(path, temp, item[2] if len(item) == 3 else ""))
    return steps
